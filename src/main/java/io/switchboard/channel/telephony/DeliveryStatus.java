package io.switchboard.channel.telephony;

import io.switchboard.conversation.Timeline;
import io.switchboard.conversation.Activities;
import io.switchboard.db.Db;
import io.switchboard.outbound.SendFailure;
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

  /**
   * What a failure report's error code means for the agent: the handset or number cannot be reached (30003 unreachable,
   * 30005 unknown, 30006 landline, 30004 blocked, 21211/21614/21610 as on sending) is the recipient's; 30007 (carrier
   * filtering) refused the message; 20003 refused the account; anything else is not known.
   */
  static SendFailure.Cause cause(String errorCode) {
    if (errorCode == null) return SendFailure.Cause.UNKNOWN;
    return switch (errorCode) {
      case "30003", "30004", "30005", "30006", "21211", "21614", "21610", "21612" -> SendFailure.Cause.INVALID_RECIPIENT;
      case "30007" -> SendFailure.Cause.REFUSED;
      case "20003" -> SendFailure.Cause.AUTH_REFUSED;
      default -> SendFailure.Cause.UNKNOWN;
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
    JsonObject delivery = !failed ? new JsonObject()
        : new JsonObject().put("retrying", false).put("channel", "phone").put("cause", cause(params.getString("ErrorCode")).key())
            .put("fault", cause(params.getString("ErrorCode")).fault.name().toLowerCase());
    return Db.query(conn, """
            UPDATE activity SET status = $2, error_code = $3, error_message = $4,
              data = data || $5 || jsonb_build_object('delivery', COALESCE(data->'delivery', '{}'::jsonb) || $6), updated_at = now()
            WHERE id = $1""", id, next, code, message, new JsonObject().put("provider_status", raw), delivery)
        .compose(v -> Timeline.updated(conn, id));
  }
}
