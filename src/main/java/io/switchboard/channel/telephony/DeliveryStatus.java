package io.switchboard.channel.telephony;

import io.switchboard.conversation.Timeline;
import io.switchboard.conversation.Activities;
import io.switchboard.db.Db;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.switchboard.db.Tx;

import java.util.Map;

/**
 * A message status callback ({@code MessageStatus}, {@code ErrorCode}, {@code ErrorMessage}) applied to the outbound
 * activity it reports on. Callbacks arrive out of order, so a status only ever moves forward:
 * queued → sent → failed → delivered → read (delivery is stronger evidence than a failure report, so it wins).
 * {@code queued}, {@code accepted}, {@code sending} and the inbound {@code receiving}/{@code received} change nothing.
 */
final class DeliveryStatus implements EarlyCallbacks.Applier {

  static final String KIND = "message";

  private static final Map<String, Integer> RANK = Map.of("queued", 0, "sent", 1, "failed", 2, "delivered", 3, "read", 4);

  /** Our status for one of the provider's, or null when it says nothing new. */
  static String ours(String providerStatus) {
    if (providerStatus == null) return null;
    return switch (providerStatus) {
      case "sent", "partially_delivered" -> "sent";
      case "delivered" -> "delivered";
      case "read" -> "read";
      case "failed", "undelivered", "canceled" -> "failed";
      default -> null;
    };
  }

  @Override
  public Future<Void> apply(Tx conn, Row activity, JsonObject params) {
    if (!"out".equals(activity.getString("direction"))) return Future.succeededFuture();
    String raw = params.getString("MessageStatus", params.getString("SmsStatus"));
    String next = ours(raw);
    String current = activity.getString("status");
    if (next == null || RANK.getOrDefault(next, -1) <= RANK.getOrDefault(current, -1)) return Future.succeededFuture();
    boolean failed = next.equals("failed");
    String code = failed ? params.getString("ErrorCode", raw) : null;
    String message = !failed ? null : params.getString("ErrorMessage") != null ? params.getString("ErrorMessage")
        : "the provider reports the message as " + raw + (params.getString("ErrorCode") == null ? "" : " (error " + params.getString("ErrorCode") + ")");
    long id = activity.getLong("id");
    return Db.query(conn, """
            UPDATE activity SET status = $2, error_code = $3, error_message = $4, data = data || $5, updated_at = now()
            WHERE id = $1""", id, next, code, message, new JsonObject().put("provider_status", raw))
        .compose(v -> Timeline.updated(conn, id));
  }
}
