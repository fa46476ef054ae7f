package io.switchboard.automation;

import io.switchboard.attachment.Attachments;
import io.switchboard.auth.Actor;
import io.switchboard.conversation.Timeline;
import io.switchboard.db.Db;
import io.switchboard.event.EventType;
import io.switchboard.event.EventLog;
import io.switchboard.event.Events;
import io.switchboard.common.ApiError;
import io.switchboard.common.Failures;
import io.switchboard.common.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.switchboard.db.Tx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * Scheduled messages: how they are stored, listed, canceled and shown, and how a due one is sent. Sending claims one
 * due row with {@code FOR UPDATE SKIP LOCKED} and, in that same transaction, queues the reply (activity + outbox row)
 * and marks the row sent: several nodes never take the same row, a node that dies mid-way rolls back and the row is
 * due again, and a cancellation either commits first (the row is no longer pending) or waits and finds it sent.
 */
public final class ScheduledMessages {

  private static final Logger log = LoggerFactory.getLogger(ScheduledMessages.class);

  private ScheduledMessages() {
  }

  private static final String SELECT = """
      SELECT s.*, u.name AS author_name FROM scheduled_message s LEFT JOIN app_user u ON u.id = s.author_id
      """;

  static JsonObject json(Row r) {
    JsonArray files = new JsonArray();
    Long[] ids = r.getArrayOfLongs("attachment_ids");
    if (ids != null) for (Long id : ids) files.add(id);
    JsonObject error = r.getString("error_code") == null ? null
        : new JsonObject().put("code", r.getString("error_code")).put("message", r.getString("error_message"));
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("conversation_id", r.getLong("conversation_id"))
        .put("status", r.getString("status"))
        .put("send_at", Times.iso(r, "send_at"))
        .put("subject", r.getString("subject"))
        .put("text", r.getString("text"))
        .put("html", r.getString("html"))
        .put("preview", preview(r.getString("text"), r.getString("html")))
        .put("from_endpoint_id", r.getLong("from_endpoint_id"))
        .put("attachments", files)
        .put("author", new JsonObject().put("id", r.getLong("author_id")).put("name", r.getString("author_name")))
        .put("activity_id", r.getLong("activity_id"))
        .put("sent_at", Times.iso(r, "sent_at"))
        .put("lateness_ms", r.getLong("lateness_ms"))
        .put("error", error)
        .put("created_at", Times.iso(r, "created_at"))
        .put("updated_at", Times.iso(r, "updated_at"));
  }

  /** The first words of the message, for lists. */
  static String preview(String text, String html) {
    String s = text != null && !text.isBlank() ? text : html == null ? "" : html.replaceAll("(?s)<[^>]*>", " ");
    s = s.replaceAll("\\s+", " ").trim();
    return s.length() <= 140 ? s : s.substring(0, 139) + "…";
  }

  /** A reply to send later: who wrote it, where it goes, what it says, the author's files to send with it, and when. */
  public record Draft(long workspaceId, long conversationId, long authorId, long fromEndpointId, String subject, String text,
                      String html, List<Long> attachments, OffsetDateTime sendAt) {
  }

  /** Stores the message as pending, reserves its files and announces it; returns it as shown. */
  public static Future<JsonObject> schedule(Tx conn, Draft d) {
    return Db.one(conn, """
            INSERT INTO scheduled_message (workspace_id, conversation_id, author_id, from_endpoint_id, subject, text, html,
              attachment_ids, send_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id""",
            d.workspaceId(), d.conversationId(), d.authorId(), d.fromEndpointId(), d.subject(), d.text(), d.html(),
            d.attachments().toArray(Long[]::new), d.sendAt())
        .compose(r -> Attachments.reserve(conn, d.authorId(), r.getLong("id"), d.attachments())
            .compose(v -> announce(conn, r.getLong("id"), EventType.SCHEDULED_CREATED)));
  }

  /** Frees the files reserved for a message that will not be sent. */
  private static Future<Void> release(Tx conn, long id) {
    return Db.query(conn, "UPDATE attachment SET scheduled_message_id = NULL WHERE scheduled_message_id = $1", id).mapEmpty();
  }

  /**
   * A page of a conversation's messages by send time: those in {@code statuses} (null: all) after the cursor
   * ({@code afterSendAt}, {@code afterId}), at most {@code limit}.
   */
  public record Listing(long conversationId, String[] statuses, OffsetDateTime afterSendAt, long afterId, int limit) {
  }

  public static Future<List<JsonObject>> list(SqlClient c, Listing l) {
    return Db.list(c, SELECT + """
        WHERE s.conversation_id = $1 AND ($2::text[] IS NULL OR s.status = ANY($2)) AND (s.send_at, s.id) > ($3, $4)
        ORDER BY s.send_at, s.id LIMIT $5""", l.conversationId(), l.statuses(), l.afterSendAt(), l.afterId(), l.limit())
        .map(rows -> rows.stream().map(ScheduledMessages::json).toList());
  }

  /** The message if the actor is a member of its conversation's inbox; 404 otherwise. */
  public static Future<JsonObject> get(SqlClient c, Actor a, long id) {
    return visible(c, a, id, "").map(ScheduledMessages::json);
  }

  /** Cancels a pending message and frees its files; one already canceled stays so, one sent or failed is a 409. */
  public static Future<Void> cancel(Tx conn, Actor a, long id) {
    return visible(conn, a, id, " FOR UPDATE OF s").compose(s -> switch (s.getString("status")) {
      case "canceled" -> Future.succeededFuture();
      case "pending" -> Db.query(conn, """
              UPDATE scheduled_message SET status = 'canceled', canceled_by = $2, updated_at = now() WHERE id = $1""", id, a.userId())
          .compose(v -> release(conn, id))
          .compose(v -> announce(conn, id, EventType.SCHEDULED_UPDATED))
          .<Void>mapEmpty();
      default -> Future.failedFuture(ApiError.conflict("status", "the message is already " + s.getString("status")
          + "; only a pending message can be canceled"));
    });
  }

  private static Future<Row> visible(SqlClient c, Actor a, long id, String lock) {
    return Db.one(c, SELECT + """
        JOIN conversation c ON c.id = s.conversation_id
        JOIN membership m ON m.inbox_id = c.inbox_id AND m.user_id = $2
        WHERE s.id = $1 AND s.workspace_id = $3""" + lock, id, a.userId(), a.workspaceId())
        .map(r -> {
          if (r == null) throw ApiError.notFound("scheduled message");
          return r;
        });
  }

  /** Appends {@code scheduled.updated} (or {@code created}) with the message as it is now. */
  static Future<JsonObject> announce(Tx conn, long id, String type) {
    return Db.one(conn, SELECT + " WHERE s.id = $1", id).compose(r -> {
      JsonObject view = json(r);
      return Db.one(conn, "SELECT workspace_id, inbox_id FROM conversation WHERE id = $1", r.getLong("conversation_id"))
          .compose(c -> EventLog.append(conn, c.getLong("workspace_id"), c.getLong("inbox_id"), r.getLong("conversation_id"),
              type, new JsonObject().put("scheduled", view)))
          .map(view);
    });
  }

  /**
   * Sends the most overdue pending message, if any; true when one was claimed (sent or failed for good). A failure
   * that is not the database's marks the message failed, so a bad row cannot block the ones behind it.
   */
  static Future<Boolean> sendOneDue(Env env) {
    long[] claimed = {0};
    return env.db().tx(conn -> Db.one(conn, """
            SELECT s.*, u.name AS author_name,
              GREATEST(0, (extract(epoch FROM (now() - s.send_at)) * 1000))::bigint AS late_ms
            FROM scheduled_message s LEFT JOIN app_user u ON u.id = s.author_id
            WHERE s.status = 'pending' AND s.send_at <= now()
            ORDER BY s.send_at, s.id LIMIT 1 FOR UPDATE OF s SKIP LOCKED""")
        .compose(s -> {
          if (s == null) return Future.succeededFuture(false);
          claimed[0] = s.getLong("id");
          return send(env, conn, s).map(true);
        }))
        .recover(t -> {
          if (claimed[0] == 0 || Failures.isUnavailable(t)) return Future.failedFuture(t);
          log.warn("scheduled message {} could not be sent: {}", claimed[0], t.toString());
          return env.db().tx(conn -> fail(conn, claimed[0], "internal", "the message could not be sent (internal error)")).map(true);
        });
  }

  private static Future<Void> send(Env env, Tx conn, Row s) {
    long id = s.getLong("id");
    long late = s.getLong("late_ms");
    return ConversationRows.lock(conn, s.getLong("conversation_id"))
        .compose(conv -> Timeline.fromEndpoint(conn, conv, s.getLong("from_endpoint_id"))
            .recover(t -> Future.failedFuture(t instanceof ApiError e ? new Timeline.Refused("endpoint", e.getMessage(), null) : t))
            .compose(ep -> env.timeline().queue(conn, conv, ep,
                new Timeline.Author("user", s.getLong("author_id"), s.getString("author_name")),
                new Timeline.Message(s.getString("subject"), s.getString("text"), s.getString("html"),
                    new JsonObject().put("scheduled_message_id", id).put("send_at", Times.iso(s, "send_at")).put("lateness_ms", late),
                    // the files reserved for it go with it, before the message is shown
                    (tx, activityId) -> Db.query(tx, """
                        UPDATE attachment SET activity_id = $2, scheduled_message_id = NULL WHERE scheduled_message_id = $1""",
                        id, activityId).mapEmpty())))
            .compose(activityId -> Db.query(conn, """
                    UPDATE scheduled_message SET status = 'sent', activity_id = $2, sent_at = now(), lateness_ms = $3,
                      sent_by = $4, updated_at = now() WHERE id = $1""", id, activityId, late, env.nodeId()))
            .compose(v -> {
              if (late > 60_000) log.info("scheduled message {} sent {} s late (the hub was not running when it was due)", id, late / 1000);
              return announce(conn, id, EventType.SCHEDULED_UPDATED).<Void>mapEmpty();
            })
            .recover(t -> t instanceof Timeline.Refused r ? fail(conn, id, r.code, r.getMessage())
                .compose(v -> Timeline.note(conn, conv, Timeline.Author.SYSTEM, "A scheduled message could not be sent: " + r.getMessage(),
                    new JsonObject().put("change", "scheduled_failed").put("scheduled_message_id", id)))
                : Future.failedFuture(t)));
  }

  /** Marks a still-pending message failed and frees its files. */
  static Future<Void> fail(Tx conn, long id, String code, String message) {
    return Db.one(conn, """
            UPDATE scheduled_message SET status = 'failed', error_code = $2, error_message = $3, updated_at = now()
            WHERE id = $1 AND status = 'pending' RETURNING id""", id, code, message)
        .compose(r -> r == null ? Future.succeededFuture()
            : release(conn, id).compose(v -> announce(conn, id, EventType.SCHEDULED_UPDATED)).mapEmpty());
  }
}
