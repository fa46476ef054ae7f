package io.switchboard.channel.email;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.TestDatabase;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /hooks/email/mime}: raw MIME posted by a provider, Mailgun-style, signed with the signing key. */
@WithHub("email.webhook_signing_key=" + MimeHookTest.KEY)
class MimeHookTest {

  static final String KEY = "key-test-signing-0123456789";
  static TestHub hub;
  static long inbox;

  @BeforeAll
  static void setUp() {
    inbox = hub.inbox("Webhook");
    Mail.endpoint(hub, inbox, "hello@hook.test", null);
  }

  static final String MIME = "From: Hanna <hanna@customer.test>\r\nTo: hello@hook.test\r\nSubject: %s\r\n"
      + "Message-ID: <%s@customer.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHallo, ich habe eine Frage.\r\n";

  @Test
  @DisplayName("a message with a valid signature lands in the inbox; the same token again is refused with 406")
  void validSignature() throws Exception {
    String ts = String.valueOf(Instant.now().getEpochSecond());
    String token = UUID.randomUUID().toString().replace("-", "");
    String body = form("body-mime", MIME.formatted("Signed mail", "signed-1"), "recipient", "hello@hook.test",
        "sender", "hanna@customer.test", "timestamp", ts, "token", token, "signature", sign(ts, token));
    ApiClient.Response r = post(body, "application/x-www-form-urlencoded");
    assertThat(r.status()).isEqualTo(200);
    long conversation = r.json().getJsonArray("stored").getJsonObject(0).getLong("conversation_id");
    JsonObject a = Mail.activities(hub.admin(), conversation).getJsonObject(0);
    assertThat(a.getString("subject")).isEqualTo("Signed mail");
    assertThat(a.getString("text")).isEqualTo("Hallo, ich habe eine Frage.");
    assertThat(a.getJsonObject("data").getJsonObject("email").getString("source")).isEqualTo("webhook");

    ApiClient.Response replay = post(body.replace("Signed%20mail", "Replayed").replace("Signed+mail", "Replayed"),
        "application/x-www-form-urlencoded");
    assertThat(replay.status()).isEqualTo(406);
    assertThat(count("Replayed")).isZero();
  }

  @Test
  @DisplayName("a raw message/rfc822 body with the signature in the query string lands too")
  void rawBody() throws Exception {
    String ts = String.valueOf(Instant.now().getEpochSecond());
    String token = UUID.randomUUID().toString();
    ApiClient.Response r = new ApiClient(hub.base()).postRaw("/hooks/email/mime?timestamp=" + ts + "&token=" + token
        + "&signature=" + sign(ts, token), MIME.formatted("Raw mail", "raw-1"), "message/rfc822");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(count("Raw mail")).isEqualTo(1);
  }

  @Test
  @DisplayName("a bad signature is 403 and stores nothing; so is a stale timestamp")
  void badSignature() throws Exception {
    String ts = String.valueOf(Instant.now().getEpochSecond());
    String token = UUID.randomUUID().toString();
    String forged = form("body-mime", MIME.formatted("Forged mail", "forged-1"), "timestamp", ts, "token", token,
        "signature", sign(ts, token + "x"));
    assertThat(post(forged, "application/x-www-form-urlencoded").status()).isEqualTo(403);
    String old = String.valueOf(Instant.now().getEpochSecond() - 3600);
    String stale = form("body-mime", MIME.formatted("Stale mail", "stale-1"), "timestamp", old, "token", token,
        "signature", sign(old, token));
    assertThat(post(stale, "application/x-www-form-urlencoded").status()).isEqualTo(403);
    assertThat(count("Forged mail")).isZero();
    assertThat(count("Stale mail")).isZero();
    try (Connection c = TestDatabase.connect(hub.dbUrl);
         ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM email_hook_token WHERE token = '" + token + "'")) {
      rs.next();
      assertThat(rs.getLong(1)).isZero();
    }
  }

  @Test
  @DisplayName("multipart posts work too; a message for no endpoint here is refused for good (406)")
  void multipartAndUnknownRecipient() throws Exception {
    String ts = String.valueOf(Instant.now().getEpochSecond());
    String token = UUID.randomUUID().toString();
    String boundary = "----sbtest" + token;
    String mime = MIME.formatted("Multipart mail", "multi-1");
    String body = part(boundary, "timestamp", ts) + part(boundary, "token", token) + part(boundary, "signature", sign(ts, token))
        + part(boundary, "body-mime", mime) + "--" + boundary + "--\r\n";
    ApiClient.Response r = post(body, "multipart/form-data; boundary=" + boundary);
    assertThat(r.status()).isEqualTo(200);
    assertThat(count("Multipart mail")).isEqualTo(1);

    String token2 = UUID.randomUUID().toString();
    String unknown = form("body-mime", MIME.formatted("Lost mail", "lost-1").replace("To: hello@hook.test", "To: nobody@hook.test"),
        "timestamp", ts, "token", token2, "signature", sign(ts, token2));
    ApiClient.Response refused = post(unknown, "application/x-www-form-urlencoded");
    assertThat(refused.status()).isEqualTo(406);
    assertThat(count("Lost mail")).isZero();
  }

  @Test
  @DisplayName("a message larger than the ordinary request limit, with its attachment, is accepted in either form encoding")
  void largeMessage() throws Exception {
    byte[] file = new byte[1_500_000];
    new java.util.Random(3).nextBytes(file);
    String b64 = java.util.Base64.getMimeEncoder().encodeToString(file);
    for (String type : new String[] {"form", "multipart"}) {
      String mime = "From: big@customer.test\r\nTo: hello@hook.test\r\nSubject: Large " + type + "\r\n"
          + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
          + "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"scan.bin\"\r\n"
          + "Content-Transfer-Encoding: base64\r\n\r\n" + b64 + "\r\n--b--\r\n";
      String ts = String.valueOf(Instant.now().getEpochSecond());
      String token = UUID.randomUUID().toString();
      String boundary = "----sbbig" + token;
      ApiClient.Response r = type.equals("form")
          ? post(form("body-mime", mime, "timestamp", ts, "token", token, "signature", sign(ts, token)), "application/x-www-form-urlencoded")
          : post(part(boundary, "timestamp", ts) + part(boundary, "token", token) + part(boundary, "signature", sign(ts, token))
              + part(boundary, "body-mime", mime) + "--" + boundary + "--\r\n", "multipart/form-data; boundary=" + boundary);
      assertThat(r.status()).as(type + ": " + r).isEqualTo(200);
      long conversation = r.json().getJsonArray("stored").getJsonObject(0).getLong("conversation_id");
      JsonObject a = Mail.activities(hub.admin(), conversation).getJsonObject(0);
      assertThat(a.getJsonArray("attachments").getJsonObject(0).getLong("size")).isEqualTo(file.length);
    }
  }

  @Test
  @DisplayName("a mail whose Message-ID is too long for the index is stored, by its hash, and a redelivery is stored once")
  void overlongMessageId() throws Exception {
    String id = "x".repeat(3000) + "@customer.test";
    for (int i = 0; i < 2; i++) {
      String ts = String.valueOf(Instant.now().getEpochSecond());
      String token = UUID.randomUUID().toString().replace("-", "");
      String body = form("body-mime", MIME.formatted("Long id", id.substring(0, id.length() - "@customer.test".length())),
          "recipient", "hello@hook.test", "sender", "hanna@customer.test", "timestamp", ts, "token", token,
          "signature", sign(ts, token));
      ApiClient.Response r = post(body, "application/x-www-form-urlencoded");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
    }
    assertThat(count("Long id")).isEqualTo(1);
  }

  private static ApiClient.Response post(String body, String contentType) {
    return new ApiClient(hub.base()).postRaw("/hooks/email/mime", body, contentType);
  }

  /** The signature as Mailgun computes it, independently of the hub's code. */
  static String sign(String timestamp, String token) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal((timestamp + token).getBytes(StandardCharsets.UTF_8)));
  }

  static String form(String... kv) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < kv.length; i += 2) {
      if (sb.length() > 0) sb.append('&');
      sb.append(URLEncoder.encode(kv[i], StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(kv[i + 1], StandardCharsets.UTF_8));
    }
    return sb.toString();
  }

  static String part(String boundary, String name, String value) {
    return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
  }

  static long count(String subject) {
    try (Connection c = TestDatabase.connect(hub.dbUrl);
         var st = c.prepareStatement("SELECT count(*) FROM activity WHERE subject = ?")) {
      st.setString(1, subject);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @DisplayName("a mail with NUL bytes in its subject and body is stored cleaned, not refused")
  void unstorableText() throws Exception {
    String ts = String.valueOf(Instant.now().getEpochSecond());
    String token = UUID.randomUUID().toString().replace("-", "");
    String mime = "From: Hanna <hanna@customer.test>\r\nTo: hello@hook.test\r\nSubject: Nul\u0000mail\r\n"
        + "Message-ID: <nul-1@customer.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nzero\u0000byte body\r\n";
    String body = form("body-mime", mime, "recipient", "hello@hook.test", "sender", "hanna@customer.test", "timestamp", ts,
        "token", token, "signature", sign(ts, token));
    ApiClient.Response r = post(body, "application/x-www-form-urlencoded");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    long conversation = r.json().getJsonArray("stored").getJsonObject(0).getLong("conversation_id");
    JsonObject a = Mail.activities(hub.admin(), conversation).getJsonObject(0);
    assertThat(a.getString("subject")).isEqualTo("Nulmail");
    assertThat(a.getString("text")).isEqualTo("zerobyte body");
    assertThat(a.getJsonObject("data").getJsonArray("cleaned")).contains("subject", "text");
  }
}
