package io.switchboard.channel.meta;

import io.switchboard.conversation.Timeline;
import io.switchboard.conversation.Activities;
import io.switchboard.db.Db;
import io.switchboard.outbound.SendFailure;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Delivery reports for replies we sent: by provider id (WhatsApp statuses, Messenger {@code delivery.mids}) or by
 * watermark (Messenger and Instagram: everything sent before a time). A status never moves backwards
 * (queued &lt; sent &lt; delivered &lt; read), a failure only replaces queued or sent, and each change is a live
 * {@code message.updated}.
 */
final class Statuses {

  private static final List<String> ORDER = List.of("queued", "sent", "delivered", "read");

  private final Db db;

  Statuses(Db db) {
    this.db = db;
  }

  enum Outcome { CHANGED, UNCHANGED, UNKNOWN }

  /** Applies a report to the reply with that provider id; UNCHANGED when it is already as far along. */
  Future<Outcome> byProviderId(Endpoint ep, String providerId, String status, Instant at, JsonObject error) {
    return db.tx(conn -> Db.one(conn, """
        SELECT id, status FROM activity WHERE endpoint_id = $1 AND provider_id = $2 AND direction = 'out' FOR UPDATE""",
        ep.id(), providerId).compose(row -> {
          if (row == null) return Future.succeededFuture(Outcome.UNKNOWN);
          if (!moves(row.getString("status"), status)) return Future.succeededFuture(Outcome.UNCHANGED);
          return update(conn, row.getLong("id"), ep.channel(), status, at, error).map(Outcome.CHANGED);
        }));
  }

  /** Marks every reply of the contact's conversation sent up to {@code watermark} as delivered or read. */
  Future<Integer> byWatermark(Endpoint ep, String contactAddress, Instant watermark, String status) {
    List<String> before = ORDER.subList(0, ORDER.indexOf(status));
    return db.tx(conn -> Db.list(conn, """
        SELECT a.id FROM activity a
        JOIN conversation c ON c.id = a.conversation_id
        WHERE c.endpoint_id = $1 AND c.contact_address = $2 AND a.direction = 'out' AND a.kind = 'message'
          AND a.status = ANY($3) AND a.provider_id IS NOT NULL AND a.created_at <= $4
        ORDER BY a.id DESC LIMIT 200 FOR UPDATE OF a""", ep.id(), contactAddress, before.toArray(String[]::new),
        watermark.atOffset(ZoneOffset.UTC)).compose(rows -> {
          Future<Void> f = Future.succeededFuture();
          for (Row r : rows) f = f.compose(v -> update(conn, r.getLong(0), ep.channel(), status, watermark, null));
          return f.map(rows.size());
        }));
  }

  private static boolean moves(String current, String next) {
    if ("failed".equals(next)) return "queued".equals(current) || "sent".equals(current);
    int from = ORDER.indexOf(current);
    int to = ORDER.indexOf(next);
    return to >= 0 && (from < 0 ? !"failed".equals(current) : to > from);
  }

  private static Future<Void> update(io.switchboard.db.Tx conn, long activityId, String channel, String status, Instant at,
                                     JsonObject error) {
    JsonObject data = new JsonObject().put(status + "_at", (at == null ? Instant.now() : at).toString());
    String code = null;
    String message = null;
    if (error != null) {
      code = String.valueOf(error.getValue("code", "failed"));
      message = error.getString("title", error.getString("message", "the provider could not deliver the message"));
      JsonObject details = error.getJsonObject("error_data");
      if (details != null && details.getString("details") != null) message = message + ": " + details.getString("details");
      if ("131047".equals(code)) {
        message = "More than 24 hours have passed since the customer last wrote: WhatsApp only accepts an approved template message now";
      }
      data.put("provider_error", error);
    }
    SendFailure.Cause cause = error == null ? null : cause(code);
    JsonObject delivery = cause == null ? new JsonObject()
        : new JsonObject().put("retrying", false).put("channel", channel).put("cause", cause.key())
            .put("fault", cause.fault.name().toLowerCase());
    return Db.query(conn, """
        UPDATE activity SET status = $2, error_code = COALESCE($3, error_code), error_message = COALESCE($4, error_message),
          data = data || $5 || jsonb_build_object('delivery', COALESCE(data->'delivery', '{}'::jsonb) || $6), updated_at = now()
        WHERE id = $1""", activityId, status, code, message, data, delivery)
        .compose(v -> Timeline.updated(conn, activityId));
  }

  /** A reported failure's cause: the closed 24-hour window (131047), a recipient WhatsApp cannot reach (131026, 131030). */
  static SendFailure.Cause cause(String code) {
    return switch (code == null ? "" : code) {
      case "131047" -> SendFailure.Cause.WINDOW_CLOSED;
      case "131026", "131030" -> SendFailure.Cause.INVALID_RECIPIENT;
      default -> SendFailure.Cause.UNKNOWN;
    };
  }

  static Instant epochSeconds(String s) {
    try {
      return s == null ? null : Instant.ofEpochSecond(Long.parseLong(s.trim()));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
