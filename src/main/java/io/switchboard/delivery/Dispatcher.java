package io.switchboard.delivery;

import io.switchboard.attachment.AttachmentStore;
import io.switchboard.conversation.Timeline;
import io.switchboard.node.Node;
import io.switchboard.conversation.Activities;
import io.switchboard.db.Db;
import io.switchboard.inbox.Endpoints;
import io.switchboard.outbound.ChannelSender;
import io.switchboard.outbound.Outbox;
import io.switchboard.outbound.Outgoing;
import io.switchboard.outbound.SendFailure;
import io.switchboard.outbound.SendResult;
import io.switchboard.outbound.Senders;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sends queued replies, each conversation's in the order they were written. Rows are claimed with {@code FOR UPDATE SKIP LOCKED} and a lease, so several nodes
 * dispatch without sending a row twice, and a row claimed by a node that died is taken over when its lease ends.
 * A send that fails for a reason that may pass is retried with exponential back-off; after the last attempt, or
 * at once for a permanent refusal, the activity is marked {@code failed} with the reason.
 */
public final class Dispatcher extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  private static final int CONCURRENCY = 32;
  private static final int LEASE_SECONDS = 120;

  private final Node node;
  private final Senders senders;
  private final AttachmentStore attachments;
  private final int maxAttempts;
  private final long backoffMs;
  private final long sendTimeoutMs;
  private int inFlight;
  private boolean claiming;
  private boolean again;
  private long timer;

  public Dispatcher(Node node, Senders senders, AttachmentStore attachments) {
    this.senders = senders;
    this.attachments = attachments;
    this.node = node;
    this.maxAttempts = node.config().outbox().maxAttempts();
    this.backoffMs = node.config().outbox().backoffMs();
    this.sendTimeoutMs = node.config().outbox().sendTimeoutMs();
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(500, id -> wake());
    return vertx.eventBus().localConsumer(Outbox.DUE, m -> wake()).completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void wake() {
    if (claiming) {
      again = true;
      return;
    }
    int free = CONCURRENCY - inFlight;
    if (free <= 0) return;
    claiming = true;
    again = false;
    node.db().list("""
        UPDATE outbox o SET claimed_by = $1, claimed_until = now() + make_interval(secs => $2), attempts = o.attempts + 1
        WHERE o.id IN (SELECT x.id FROM outbox x
                       WHERE x.due_at <= now() AND (x.claimed_until IS NULL OR x.claimed_until < now())
                         -- one conversation's messages leave in order: only its oldest queued row may go
                         AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.conversation_id = x.conversation_id AND p.id < x.id)
                       ORDER BY x.due_at, x.id LIMIT $3 FOR UPDATE SKIP LOCKED)
        RETURNING o.id, o.activity_id, o.attempts, o.channel""", node.nodeId(), (double) LEASE_SECONDS, free)
        .onComplete(ar -> {
          claiming = false;
          if (ar.failed()) {
            log.debug("outbox claim failed: {}", ar.cause().toString());
            return;
          }
          for (Row r : ar.result()) dispatch(r.getLong("id"), r.getLong("activity_id"), r.getInteger("attempts"), r.getString("channel"));
          if (again || ar.result().size() == free) vertx.setTimer(1, id -> wake());
        });
  }

  private void dispatch(long outboxId, long activityId, int attempt, String channel) {
    inFlight++;
    ChannelSender sender = senders.get(channel);
    Future<SendResult> sent = sender == null
        ? Future.failedFuture(SendFailure.permanent(SendFailure.Cause.NOT_CONFIGURED, "channel_unsupported", "this hub cannot send on the " + channel + " channel"))
        : load(activityId, attempt).compose(o -> o.from().enabled() ? withTimeout(sender.send(o))
            : Future.failedFuture(SendFailure.permanent(SendFailure.Cause.ENDPOINT_DISABLED, "endpoint_disabled", "the endpoint is disabled"
                + (o.from().disabledReason() == null ? "" : ": " + o.from().disabledReason()))));
    sent.transform(ar -> ar.succeeded()
            ? succeeded(outboxId, activityId, attempt, channel, ar.result()).compose(v -> sender.recorded(activityId, ar.result())
                .recover(t -> {
                  log.warn("activity {}: sent, but the after-send step failed: {}", activityId, t.toString());
                  return Future.succeededFuture();
                }))
            : failed(outboxId, activityId, attempt, channel, ar.cause()))
        .onComplete(ar -> {
          inFlight--;
          if (ar.failed()) log.warn("outbox row {}: could not record the result: {}", outboxId, ar.cause().toString());
          wake();
        });
  }

  private Future<SendResult> withTimeout(Future<SendResult> f) {
    Promise<SendResult> p = Promise.promise();
    long t = vertx.setTimer(sendTimeoutMs, id -> p.tryFail(SendFailure.retryable(SendFailure.Cause.UNREACHABLE, "timeout", "the provider did not answer in " + sendTimeoutMs + " ms")));
    f.onComplete(ar -> {
      vertx.cancelTimer(t);
      if (ar.succeeded()) p.tryComplete(ar.result());
      else p.tryFail(ar.cause());
    });
    return p.future();
  }

  private Future<Void> succeeded(long outboxId, long activityId, int attempt, String channel, SendResult result) {
    return node.db().tx(conn -> Db.query(conn, """
            UPDATE activity SET provider_id = COALESCE($2, provider_id),
              status = CASE WHEN status IN ('delivered', 'read') THEN status ELSE $3 END,
              error_code = NULL, error_message = NULL, data = data || $4, updated_at = now()
            WHERE id = $1""", activityId, result.providerId(), result.status(),
            (result.data() == null ? new JsonObject() : result.data()).copy().put("retrying", false)
                .put("delivery", new JsonObject().put("attempts", attempt).put("max_attempts", maxAttempts).put("retrying", false)
                    .put("channel", channel)))
        .compose(v -> Db.query(conn, "DELETE FROM outbox WHERE id = $1", outboxId))
        .compose(v -> Timeline.updated(conn, activityId)));
  }

  private Future<Void> failed(long outboxId, long activityId, int attempt, String channel, Throwable cause) {
    SendFailure f = cause instanceof SendFailure s ? s : SendFailure.retryable(SendFailure.Cause.UNKNOWN, "error", String.valueOf(cause.getMessage()));
    boolean retry = f.retryable && attempt < maxAttempts;
    String message = f.getMessage() == null ? f.code : f.getMessage();
    if (retry) {
      long base = Math.min(300_000, backoffMs << Math.min(attempt - 1, 20));
      long delay = base + ThreadLocalRandom.current().nextLong(Math.max(1, base / 4));
      log.info("send of activity {} failed (attempt {}/{}), retrying in {} ms: {}", activityId, attempt, maxAttempts, delay, message);
      Instant next = Instant.now().plusMillis(delay);
      return node.db().tx(conn -> Db.query(conn, """
              UPDATE outbox SET due_at = $2, claimed_by = NULL, claimed_until = NULL,
                last_error = $3 WHERE id = $1""", outboxId, next.atOffset(ZoneOffset.UTC), message)
          .compose(v -> Db.query(conn, """
              UPDATE activity SET error_code = $2, error_message = $3, data = data || $4, updated_at = now() WHERE id = $1""",
              activityId, f.code, message, progress(attempt, true, channel, f.cause, next)))
          .compose(v -> Timeline.updated(conn, activityId)));
    }
    log.info("send of activity {} failed for good after {} attempt(s): {}", activityId, attempt, message);
    return node.db().tx(conn -> Db.query(conn, """
            UPDATE activity SET status = 'failed', error_code = $2, error_message = $3, data = data || $4, updated_at = now()
            WHERE id = $1""", activityId, f.code, message, progress(attempt, false, channel, f.cause, null))
        .compose(v -> Db.query(conn, "DELETE FROM outbox WHERE id = $1", outboxId))
        .compose(v -> Timeline.updated(conn, activityId)));
  }

  /**
   * What the activity keeps of its sending: {@code attempts} and {@code retrying} as before, and {@code delivery}
   * (attempts, the most there will be, the cause and the channel it was sent on), which the activity's JSON
   * turns into words.
   */
  private JsonObject progress(int attempt, boolean retrying, String channel, SendFailure.Cause cause, Instant next) {
    JsonObject delivery = new JsonObject().put("attempts", attempt).put("max_attempts", maxAttempts).put("retrying", retrying)
        .put("channel", channel);
    if (cause != null) delivery.put("cause", cause.key()).put("fault", cause.fault.name().toLowerCase());
    if (next != null) delivery.put("next_attempt_at", next.toString());
    return new JsonObject().put("attempts", attempt).put("retrying", retrying).put("delivery", delivery);
  }

  /** Everything a sender needs about one activity. */
  private Future<Outgoing> load(long activityId, int attempt) {
    return node.db().one("""
        SELECT a.id, a.workspace_id, a.inbox_id, a.conversation_id, a.endpoint_id, a.subject, a.text, a.html, a.data,
          a.sender_name, c.contact_id, c.contact_address, c.subject AS conversation_subject, c.thread_token, ct.name AS contact_name
        FROM activity a JOIN conversation c ON c.id = a.conversation_id JOIN contact ct ON ct.id = c.contact_id
        WHERE a.id = $1""", activityId).compose(a -> {
          if (a == null) return Future.failedFuture(SendFailure.permanent(SendFailure.Cause.GONE, "gone", "the message no longer exists"));
          return Endpoints.byId(node.db().pool(), a.getLong("endpoint_id")).compose(endpoint -> {
            if (endpoint == null) return Future.failedFuture(SendFailure.permanent(SendFailure.Cause.GONE, "endpoint_gone", "the endpoint no longer exists"));
            return node.db().list("SELECT id, filename, content_type, size, sha256, status FROM attachment WHERE activity_id = $1 ORDER BY id",
                activityId).map(rows -> {
                  List<Outgoing.File> files = new ArrayList<>();
                  for (Row r : rows) {
                    files.add(new Outgoing.File(r.getLong("id"), r.getString("filename"), r.getString("content_type"),
                        r.getLong("size"), "stored".equals(r.getString("status")) ? attachments.path(r.getString("sha256")) : null));
                  }
                  return new Outgoing(a.getLong("id"), a.getLong("workspace_id"), a.getLong("inbox_id"), a.getLong("conversation_id"),
                      a.getLong("contact_id"), a.getString("contact_name"), a.getString("contact_address"),
                      a.getString("conversation_subject"), a.getString("thread_token"), endpoint, a.getString("subject"),
                      a.getString("text"), a.getString("html"), a.getString("sender_name"), files, a.getJsonObject("data"), attempt);
                });
          });
        });
  }
}
