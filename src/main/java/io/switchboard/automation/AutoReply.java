package io.switchboard.automation;

import io.switchboard.conversation.Timeline;
import io.switchboard.db.Db;
import io.switchboard.inbox.BusinessHours;
import io.switchboard.inbox.Endpoints;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.switchboard.db.Tx;

import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The inbox's answer outside business hours ({@code settings.auto_reply_outside_hours}): sent when a contact writes
 * while the inbox is closed, at most once per conversation per closed period: it goes again only if the inbox has
 * opened since the last one.
 */
final class AutoReply {

  private AutoReply() {
  }

  /** Sends the auto-reply if due; true when one was queued. {@code conv} is the locked {@code c.*} row. */
  static Future<Boolean> maybe(Env env, Tx conn, Row conv, JsonObject inboxSettings, JsonObject hours, String inboxName) {
    String text = inboxSettings == null ? null : inboxSettings.getString("auto_reply_outside_hours");
    if (text == null || text.isBlank() || hours == null) return Future.succeededFuture(false);
    Instant now = env.clock().instant();
    if (BusinessHours.isOpen(hours, now)) return Future.succeededFuture(false);
    long id = conv.getLong("id");
    return Db.query(conn, "INSERT INTO conversation_automation (conversation_id) VALUES ($1) ON CONFLICT DO NOTHING", id)
        .compose(v -> Db.one(conn, "SELECT auto_replied_at FROM conversation_automation WHERE conversation_id = $1 FOR UPDATE", id))
        .compose(r -> {
          if (r.getOffsetDateTime("auto_replied_at") != null) {
            Instant opened = BusinessHours.nextOpening(hours, r.getOffsetDateTime("auto_replied_at").toInstant());
            if (opened == null || now.isBefore(opened)) return Future.succeededFuture(false);
          }
          return Endpoints.byId(conn, conv.getLong("endpoint_id"))
              .compose(ep -> env.timeline().queue(conn, conv, ep, new Timeline.Author("system", null, inboxName),
                  new Timeline.Message(null, text, null, new JsonObject().put("auto_reply", "outside_hours"))))
              .compose(activityId -> Db.query(conn, "UPDATE conversation_automation SET auto_replied_at = $2 WHERE conversation_id = $1",
                  id, now.atOffset(ZoneOffset.UTC)))
              .map(true)
              .recover(t -> t instanceof Timeline.Refused refused
                  ? Timeline.note(conn, conv, Timeline.Author.SYSTEM, "The outside-hours auto-reply could not be sent: " + refused.getMessage(),
                      new JsonObject().put("change", "auto_reply_failed")).map(false)
                  : Future.failedFuture(t));
        });
  }
}
