package io.switchboard.automation;

import io.switchboard.Hub;
import io.switchboard.conversation.Activities;
import io.switchboard.db.Db;
import io.switchboard.http.ApiError;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.switchboard.outbound.ChannelSender;
import io.switchboard.outbound.Outbox;
import io.switchboard.outbound.Outgoing;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;

import java.util.List;

/**
 * Automatic messages (scheduled, sequence steps, bot replies, auto-replies) go out exactly like an agent's reply:
 * an outbound activity in state {@code queued} and its outbox row, in the caller's transaction, so the dispatcher
 * sends them with its retries and the history shows them like any reply.
 */
final class Outbound {

  private Outbound() {
  }

  /** Who a message is from: {@code user} (an agent's scheduled message or sequence), {@code bot}, or {@code system}. */
  record Author(String type, Long id, String name) {
  }

  /** Why an automatic message could not be queued; nothing was written. */
  static final class Refused extends RuntimeException {
    final String code;
    /** The channel's own refusal, as an agent's reply would have got it; null for the hub's checks. */
    final ApiError channel;

    Refused(String code, String message) {
      this(code, message, null);
    }

    Refused(String code, String message, ApiError channel) {
      super(message, null, false, false);
      this.code = code;
      this.channel = channel;
    }

    /** What an API caller is told: the channel's refusal as it was, else a conflict on the endpoint. */
    ApiError toApiError() {
      return channel != null ? channel : ApiError.conflict("from_endpoint_id", getMessage());
    }
  }

  /** What the channel's sender sees before queueing, built from a conversation row ({@code c.*}). */
  static Outgoing preview(Row conv, Endpoint ep, String senderName, String subject, String text, String html) {
    return new Outgoing(0, conv.getLong("workspace_id"), conv.getLong("inbox_id"), conv.getLong("id"),
        conv.getLong("contact_id"), null, conv.getString("contact_address"), conv.getString("subject"),
        conv.getString("thread_token"), ep, subject, text, html, senderName, List.of(), new JsonObject(), 0);
  }

  /** Whether the hub can send this on the endpoint now; fails with {@link Refused} saying why not. */
  static Future<Void> check(Hub hub, Row conv, Endpoint ep, String senderName, String subject, String text, String html) {
    ChannelSender sender = hub.senders.get(ep.channel());
    if (sender == null) {
      return Future.failedFuture(new Refused("channel_unsupported", "this hub cannot send on the " + ep.channel() + " channel"));
    }
    if (!ep.enabled()) {
      return Future.failedFuture(new Refused("endpoint_disabled", "sending is disabled on " + ep.address()
          + (ep.disabledReason() == null ? "" : ": " + ep.disabledReason())));
    }
    return sender.check(preview(conv, ep, senderName, subject, text, html))
        .recover(t -> Future.failedFuture(t instanceof ApiError e ? new Refused(e.code, e.getMessage(), e) : t));
  }

  /**
   * Checks and queues a message in the conversation ({@code conv}: its {@code c.*} row); returns the activity id.
   * The caller wakes the dispatcher ({@link Outbox#wake}) after its commit.
   */
  static Future<Long> queue(Hub hub, SqlConnection conn, Row conv, Endpoint ep, Author author, String subject, String text,
                            String html, JsonObject data) {
    long ws = conv.getLong("workspace_id");
    long inbox = conv.getLong("inbox_id");
    long conversationId = conv.getLong("id");
    return check(hub, conv, ep, author.name(), subject, text, html)
        .compose(v -> Activities.insert(conn, ws, inbox, conversationId, ep.id(), new Activities.Draft("message", "out", "queued",
            author.type(), author.id(), author.name(), subject, text, html, null, data == null ? new JsonObject() : data)))
        .compose(activityId -> Outbox.enqueue(conn, ws, conv.getLong("id"), activityId, ep.channel())
            .compose(v -> Db.query(conn, "UPDATE conversation SET last_activity_at = now(), updated_at = now() WHERE id = $1",
                conversationId))
            .compose(v -> Activities.created(conn, ws, inbox, conversationId, activityId))
            .map(activityId));
  }

  /** A system entry in the conversation's history, written by an automation. */
  static Future<Void> note(SqlConnection conn, Row conv, Author author, String text, JsonObject data) {
    return Activities.system(conn, conv.getLong("workspace_id"), conv.getLong("inbox_id"), conv.getLong("id"),
        Activities.Draft.system(author.type(), author.id(), author.name(), text, data));
  }

  /** The automation itself as the author of system entries. */
  static final Author SYSTEM = new Author("system", null, "Switchboard");
}
