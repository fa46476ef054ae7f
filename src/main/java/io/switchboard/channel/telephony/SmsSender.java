package io.switchboard.channel.telephony;

import io.switchboard.node.Node;
import io.switchboard.common.ApiError;
import io.switchboard.outbound.ChannelSender;
import io.switchboard.outbound.Outgoing;
import io.switchboard.outbound.SendFailure;
import io.switchboard.outbound.SendResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;

/**
 * Sends replies of phone conversations as SMS/MMS: {@code POST {twilio.api_base}/2010-04-01/Accounts/{AccountSid}/Messages.json}
 * with To, From (the endpoint the reply leaves from), Body, one MediaUrl per attachment (a signed, expiring link the
 * provider fetches from us) and StatusCallback ({@code http.public_url} + {@code /hooks/twilio/sms/status}). The
 * answer's {@code sid} becomes the activity's provider id, which delivery callbacks later find.
 */
final class SmsSender implements ChannelSender {

  /** Twilio's limits: the Body of one message, and media per message. */
  static final int MAX_TEXT = 1600;
  static final int MAX_MEDIA = 10;

  private final Node node;
  private final TwilioClient api;
  private final MediaLinks links;
  private final String statusCallback;
  private final DeliveryStatus statuses = new DeliveryStatus();

  SmsSender(Node node, TwilioClient api, MediaLinks links) {
    this.node = node;
    this.api = api;
    this.links = links;
    this.statusCallback = node.config().http().publicUrl() + "/hooks/twilio/sms/status";
  }

  @Override
  public Future<Void> check(Outgoing m) {
    if (m.from().setting("account_sid") == null || m.from().secret("auth_token") == null) {
      return Future.failedFuture(ApiError.conflict("from_endpoint_id", "the number " + m.from().address()
          + " has no provider account (account_sid, auth_token) to send with"));
    }
    if (m.to() == null || !TwilioRequest.E164.matcher(m.to()).matches()) {
      return Future.failedFuture(ApiError.conflict(null, "the contact's address " + m.to() + " is not a phone number"));
    }
    String text = body(m);
    if (text != null && text.length() > MAX_TEXT) {
      return Future.failedFuture(ApiError.validation("text", "an SMS is limited to " + MAX_TEXT + " characters"));
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<SendResult> send(Outgoing m) {
    if (m.attachments().size() > MAX_MEDIA) {
      return Future.failedFuture(SendFailure.permanent(SendFailure.Cause.ATTACHMENT, "too_many_media", "an MMS carries at most " + MAX_MEDIA + " attachments"));
    }
    MultiMap form = MultiMap.caseInsensitiveMultiMap()
        .add("To", m.to())
        .add("From", m.from().address())
        .add("StatusCallback", statusCallback);
    String text = body(m);
    if (text != null && !text.isBlank()) form.add("Body", text);
    for (Outgoing.File f : m.attachments()) {
      if (f.path() == null) {
        return Future.failedFuture(SendFailure.permanent(SendFailure.Cause.ATTACHMENT, "attachment_missing", "the attachment " + f.filename() + " was not stored"));
      }
      form.add("MediaUrl", links.url(m.from(), f.id()));
    }
    return api.create(m.from(), "Messages.json", form).map(answer -> new SendResult(answer.getString("sid"), "sent",
        new JsonObject().put("provider_status", answer.getString("status"))));
  }

  /** Applies delivery callbacks that arrived before the sid was stored. */
  @Override
  public Future<Void> recorded(long activityId, SendResult result) {
    if (result.providerId() == null) return Future.succeededFuture();
    return node.db().one("SELECT endpoint_id FROM activity WHERE id = $1", activityId).compose(r -> r == null
        ? Future.succeededFuture()
        : EarlyCallbacks.drain(node.db(), r.getLong("endpoint_id"), result.providerId(), DeliveryStatus.KIND, statuses));
  }

  /** SMS is plain text: the reply's text, else its HTML without tags. */
  static String body(Outgoing m) {
    if (m.text() != null && !m.text().isBlank()) return m.text();
    if (m.html() == null) return null;
    return m.html().replaceAll("(?i)<br\\s*/?>|</p>", "\n").replaceAll("<[^>]*>", "")
        .replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&").strip();
  }
}
