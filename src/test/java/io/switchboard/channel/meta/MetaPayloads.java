package io.switchboard.channel.meta;

import io.switchboard.testing.TestHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** Webhook bodies in Meta's shapes, signed here with javax.crypto on the exact bytes sent. */
final class MetaPayloads {

  static final String APP_SECRET = "test-app-secret";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private MetaPayloads() {
  }

  static String sign(byte[] body, String secret) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
  }

  static HttpResponse<String> post(TestHub hub, byte[] body, String signature) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hub.base() + "/hooks/meta"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (signature != null) b.header("X-Hub-Signature-256", signature);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Posts raw JSON text exactly as given, signed with the app secret; expects 200. */
  static JsonObject deliver(TestHub hub, String json) throws Exception {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> r = post(hub, body, sign(body, APP_SECRET));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  static String whatsapp(String phoneNumberId, JsonArray contacts, JsonArray messages, JsonArray statuses) {
    JsonObject value = new JsonObject().put("messaging_product", "whatsapp")
        .put("metadata", new JsonObject().put("display_phone_number", "15550001111").put("phone_number_id", phoneNumberId));
    if (contacts != null) value.put("contacts", contacts);
    if (messages != null) value.put("messages", messages);
    if (statuses != null) value.put("statuses", statuses);
    return new JsonObject().put("object", "whatsapp_business_account").put("entry", new JsonArray().add(new JsonObject()
        .put("id", "WABA-1").put("changes", new JsonArray().add(new JsonObject().put("field", "messages").put("value", value))))).encode();
  }

  static JsonArray contact(String waId, String name) {
    return new JsonArray().add(new JsonObject().put("wa_id", waId).put("profile", new JsonObject().put("name", name)));
  }

  static JsonObject text(String id, String from, String body) {
    return new JsonObject().put("from", from).put("id", id).put("timestamp", String.valueOf(Instant.now().getEpochSecond()))
        .put("type", "text").put("text", new JsonObject().put("body", body));
  }

  static JsonObject status(String id, String status, String recipient) {
    return new JsonObject().put("id", id).put("status", status).put("timestamp", String.valueOf(Instant.now().getEpochSecond()))
        .put("recipient_id", recipient);
  }

  /** One Messenger or Instagram messaging event in its entry. */
  static String messaging(String object, String account, JsonObject event) {
    return new JsonObject().put("object", object).put("entry", new JsonArray().add(new JsonObject().put("id", account)
        .put("time", System.currentTimeMillis()).put("messaging", new JsonArray().add(event)))).encode();
  }

  static JsonObject event(String from, String to) {
    return new JsonObject().put("sender", new JsonObject().put("id", from)).put("recipient", new JsonObject().put("id", to))
        .put("timestamp", System.currentTimeMillis());
  }
}
