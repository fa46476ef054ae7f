package io.switchboard.channel.api;

import io.switchboard.node.Node;
import io.switchboard.auth.Secrets;
import io.switchboard.outbound.ChannelSender;
import io.switchboard.outbound.Outgoing;
import io.switchboard.outbound.SendFailure;
import io.switchboard.outbound.SendResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import io.switchboard.channel.ConnectionReport;
import io.switchboard.inbox.Endpoints.Endpoint;

/**
 * Delivers replies of API-channel conversations by POSTing them to the endpoint's {@code callback_url}, signed:
 * {@code X-Switchboard-Signature: sha256=<hex HMAC-SHA256(endpoint secret, timestamp + "." + body)>} with
 * {@code X-Switchboard-Timestamp}. {@code X-Switchboard-Delivery} is the same on every retry of one message, so a
 * receiver can drop repeats. 2xx is success; 408, 429, 5xx and network errors are retried; other 4xx are final.
 */
final class ApiChannelSender implements ChannelSender {

  private static final long TEST_TIMEOUT_MS = 10_000;

  private final Node node;

  ApiChannelSender(Node node) {
    this.node = node;
  }

  @Override
  public Future<SendResult> send(Outgoing m) {
    String url = m.from().setting("callback_url");
    if (url == null || url.isBlank()) {
      return Future.failedFuture(SendFailure.permanent(SendFailure.Cause.NOT_CONFIGURED, "no_callback_url", "the API endpoint has no callback_url to deliver replies to"));
    }
    JsonArray files = new JsonArray();
    m.attachments().forEach(f -> files.add(new JsonObject().put("id", f.id()).put("filename", f.filename())
        .put("content_type", f.contentType()).put("size", f.size())));
    JsonObject payload = new JsonObject()
        .put("type", "message.created")
        .put("delivery_id", String.valueOf(m.activityId()))
        .put("endpoint_key", m.from().address())
        .put("conversation_id", m.conversationId())
        .put("to", m.to())
        .put("contact", new JsonObject().put("id", m.contactId()).put("name", m.contactName()).put("address", m.to()))
        .put("message", new JsonObject().put("id", m.activityId()).put("text", m.text()).put("html", m.html())
            .put("subject", m.subject()).put("sender_name", m.senderName()).put("attachments", files));
    byte[] body = payload.encode().getBytes(StandardCharsets.UTF_8);
    String timestamp = String.valueOf(Instant.now().getEpochSecond());
    return node.http().postAbs(url)
        .putHeader("Content-Type", "application/json")
        .putHeader("X-Switchboard-Timestamp", timestamp)
        .putHeader("X-Switchboard-Signature", signature(m.from().secret("secret"), timestamp, body))
        .putHeader("X-Switchboard-Delivery", String.valueOf(m.activityId()))
        .timeout(15_000)
        .sendBuffer(Buffer.buffer(body))
        .recover(t -> Future.failedFuture(SendFailure.retryable(SendFailure.Cause.UNREACHABLE, "unreachable", "callback not reachable: " + t.getMessage())))
        .compose(res -> {
          if (res.statusCode() / 100 == 2) {
            JsonObject data = new JsonObject().put("callback_status", res.statusCode());
            try {
              JsonObject answer = res.bodyAsJsonObject();
              if (answer != null && answer.getValue("id") != null) data.put("remote_id", String.valueOf(answer.getValue("id")));
            } catch (RuntimeException ignored) {
              // a receiver need not answer JSON
            }
            return Future.succeededFuture(new SendResult(null, "sent", data));
          }
          String text = res.bodyAsString();
          String detail = text == null ? "" : ": " + text.substring(0, Math.min(200, text.length()));
          return Future.failedFuture(SendFailure.ofHttpStatus(res.statusCode(), "http_" + res.statusCode(),
              "callback answered " + res.statusCode() + detail));
        });
  }

  private static String signature(String secret, String timestamp, byte[] body) {
    byte[] signed = (timestamp + ".").getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[signed.length + body.length];
    System.arraycopy(signed, 0, all, 0, signed.length);
    System.arraycopy(body, 0, all, signed.length, body.length);
    return "sha256=" + Secrets.hmacSha256Hex(secret, all);
  }

  /**
   * POSTs {@code {"type":"test","endpoint_key","message"}} to the endpoint's callback URL, signed when the endpoint
   * has its secret, and says what came back. The receiver should answer 2xx and otherwise ignore it.
   */
  static Future<ConnectionReport> testDelivery(Node node, Endpoint ep) {
    String url = ep.setting("callback_url");
    if (url == null || url.isBlank()) {
      return Future.succeededFuture(ConnectionReport.of("Callback", false,
          "Fill in the callback URL: agents' replies have nowhere to go without it."));
    }
    JsonObject payload = new JsonObject().put("type", "test").put("endpoint_key", ep.address())
        .put("message", "A test delivery from Switchboard: answer 2xx and otherwise ignore it.");
    byte[] body = payload.encode().getBytes(StandardCharsets.UTF_8);
    String timestamp = String.valueOf(Instant.now().getEpochSecond());
    String secret = ep.secret("secret");
    var req = node.http().postAbs(url)
        .putHeader("Content-Type", "application/json")
        .putHeader("X-Switchboard-Timestamp", timestamp)
        .putHeader("X-Switchboard-Delivery", "test-" + timestamp)
        .timeout(TEST_TIMEOUT_MS)
        .followRedirects(false);
    if (secret != null) req.putHeader("X-Switchboard-Signature", signature(secret, timestamp, body));
    String signed = secret != null ? " (signed with the endpoint secret)" : " (unsigned: the secret is made when the endpoint is saved)";
    return req.sendBuffer(Buffer.buffer(body)).map(res -> {
      if (res.statusCode() / 100 == 2) {
        return ConnectionReport.of("Callback", true, "The test delivery" + signed + " was accepted: " + url + " answered " + res.statusCode() + ".");
      }
      String text = res.bodyAsString();
      String detail = text == null || text.isBlank() ? "" : ": " + text.substring(0, Math.min(200, text.length())).trim();
      return ConnectionReport.of("Callback", false, url + " answered HTTP " + res.statusCode() + " to the test delivery" + signed + detail
          + ". Replies are delivered only when it answers 2xx.");
    }).otherwise(t -> ConnectionReport.of("Callback", false, url + " could not be reached within " + TEST_TIMEOUT_MS / 1000
        + " seconds: " + t.getMessage() + "."));
  }
}
