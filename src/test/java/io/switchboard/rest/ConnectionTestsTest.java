package io.switchboard.rest;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.switchboard.testing.ApiClient;
import io.switchboard.testing.CallbackServer;
import io.switchboard.testing.CallbackServer.Answer;
import io.switchboard.testing.HubConfig;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Test connection of each channel's settings, over the API: GreenMail for IMAP and SMTP, local HTTP servers standing in
 * for Twilio's account API, the Graph API and an integration's callback URL; a failing and a passing case each.
 */
@WithHub({"http.public_url=https://hub.example.test", "http.cookie_secure=false", "meta.app_secret=app-secret-for-tests",
    "meta.verify_token=verify-me-please", "smtp.hostname=mx.hub.example.test"})
class ConnectionTestsTest {

  static final String SID = "AC" + "7".repeat(32);
  static final String TOKEN = "right-twilio-token";
  static final String NUMBER = "+14155550777";
  static final String WA_ID = "106540352242922";
  static final String GRAPH_TOKEN = "EAAG-right-graph-token";

  static TestHub hub;
  static GreenMail mail;
  static final CallbackServer twilio = new CallbackServer();
  static final CallbackServer graph = new CallbackServer();
  static final CallbackServer callback = new CallbackServer();
  static long inbox;

  @HubConfig
  static Map<String, Object> config() {
    return Map.of("twilio.api_base", twilio.url(""), "meta.graph_base", graph.url(""));
  }

  @BeforeAll
  static void setUp() {
    mail = new GreenMail(new ServerSetup[] {ServerSetupTest.SMTP.dynamicPort(), ServerSetupTest.IMAP.dynamicPort()});
    mail.start();
    mail.setUser("desk@mail.test", "desk@mail.test", "right-mail-password");
    twilio.answer(ConnectionTestsTest::twilioAnswer);
    graph.answer(ConnectionTestsTest::graphAnswer);
    inbox = hub.inbox("Connection tests");
  }

  @AfterAll
  static void tearDown() {
    mail.stop();
    twilio.close();
    graph.close();
    callback.close();
  }

  /** Twilio's account API: the account and its number, for basic auth with the right SID and token only. */
  static Answer twilioAnswer(CallbackServer.Received r) {
    String expected = "Basic " + Base64.getEncoder().encodeToString((SID + ":" + TOKEN).getBytes(StandardCharsets.UTF_8));
    if (!expected.equals(r.headers().get("Authorization"))) {
      return new Answer(401, "{\"code\":20003,\"message\":\"Authenticate\",\"status\":401}", "application/json");
    }
    if (r.path().equals("/2010-04-01/Accounts/" + SID + ".json")) {
      return Answer.ok(new JsonObject().put("sid", SID).put("friendly_name", "Acme support").put("status", "active").encode());
    }
    if (r.path().equals("/2010-04-01/Accounts/" + SID + "/IncomingPhoneNumbers.json")) {
      JsonArray numbers = new JsonArray();
      if (r.query() != null && r.query().contains("PhoneNumber=%2B14155550777")) {
        numbers.add(new JsonObject().put("phone_number", NUMBER).put("sms_url", "https://hub.example.test/hooks/twilio/sms")
            .put("voice_url", "https://hub.example.test/hooks/twilio/voice"));
      }
      return Answer.ok(new JsonObject().put("incoming_phone_numbers", numbers).encode());
    }
    return new Answer(404, "{\"code\":20404,\"message\":\"not found\"}", "application/json");
  }

  /** The Graph API: the WhatsApp phone number for the right bearer token; error 190 otherwise. */
  static Answer graphAnswer(CallbackServer.Received r) {
    if (!("Bearer " + GRAPH_TOKEN).equals(r.headers().get("Authorization"))) {
      return new Answer(401, new JsonObject().put("error", new JsonObject().put("message", "Invalid OAuth access token - Cannot parse access token")
          .put("type", "OAuthException").put("code", 190)).encode(), "application/json");
    }
    if (r.path().endsWith("/" + WA_ID)) {
      return Answer.ok(new JsonObject().put("id", WA_ID).put("display_phone_number", "+1 415-555-0999")
          .put("verified_name", "Acme Support").encode());
    }
    return new Answer(400, new JsonObject().put("error", new JsonObject().put("message", "Unsupported get request. Object with ID does not exist")
        .put("type", "GraphMethodException").put("code", 100)).encode(), "application/json");
  }

  static JsonObject emailSettings(String password, String folder) {
    JsonObject imap = new JsonObject().put("host", "127.0.0.1").put("port", mail.getImap().getPort()).put("security", "none")
        .put("username", "desk@mail.test");
    if (password != null) imap.put("password", password);
    if (folder != null) imap.put("folder", folder);
    JsonObject smtp = new JsonObject().put("host", "127.0.0.1").put("port", mail.getSmtp().getPort()).put("security", "none")
        .put("username", "desk@mail.test");
    if (password != null) smtp.put("password", password);
    return new JsonObject().put("imap", imap).put("smtp", smtp);
  }

  static JsonObject test(JsonObject body) {
    return hub.admin().post("/api/v1/endpoints/test", body).expect(200).json();
  }

  static JsonObject check(JsonObject result, String name) {
    for (Object o : result.getJsonArray("checks")) {
      JsonObject c = (JsonObject) o;
      if (c.getString("name").equals(name)) return c;
    }
    throw new AssertionError("no check " + name + " in " + result.encodePrettily());
  }

  @Test
  @DisplayName("e-mail: a wrong password is a refused IMAP and SMTP login; the right one signs in and finds the folder")
  void email() {
    JsonObject wrong = test(new JsonObject().put("channel", "email").put("address", "desk@mail.test")
        .put("settings", emailSettings("wrong-password", null)));
    assertThat(wrong.getBoolean("ok")).as(wrong.encodePrettily()).isFalse();
    assertThat(check(wrong, "IMAP connection").getBoolean("ok")).isTrue();
    assertThat(check(wrong, "IMAP login").getBoolean("ok")).isFalse();
    assertThat(check(wrong, "IMAP login").getString("message")).contains("refused the login for desk@mail.test");
    assertThat(check(wrong, "SMTP login").getBoolean("ok")).isFalse();
    assertThat(check(wrong, "SMTP login").getString("message")).contains("refused the login");
    assertThat(wrong.encode()).doesNotContain("wrong-password");

    JsonObject right = test(new JsonObject().put("channel", "email").put("address", "desk@mail.test")
        .put("settings", emailSettings("right-mail-password", null)));
    assertThat(right.getBoolean("ok")).as(right.encodePrettily()).isTrue();
    assertThat(check(right, "IMAP folder").getString("message")).contains("INBOX exists");
    assertThat(check(right, "SMTP greeting").getString("message")).contains("EHLO");
    assertThat(check(right, "SMTP login").getString("message")).contains("Signed in as desk@mail.test");
    assertThat(right.encode()).doesNotContain("right-mail-password");

    JsonObject folder = test(new JsonObject().put("channel", "email").put("address", "desk@mail.test")
        .put("settings", emailSettings("right-mail-password", "Support")));
    assertThat(folder.getBoolean("ok")).isFalse();
    assertThat(check(folder, "IMAP folder").getString("message")).contains("There is no folder Support");
  }

  @Test
  @DisplayName("e-mail: nothing listens at the server's port: said in words, within the time limit")
  void emailUnreachable() {
    JsonObject s = emailSettings("right-mail-password", null);
    s.getJsonObject("imap").put("port", 1);
    JsonObject r = test(new JsonObject().put("channel", "email").put("address", "desk@mail.test").put("settings", s));
    assertThat(r.getBoolean("ok")).isFalse();
    assertThat(check(r, "IMAP connection").getString("message")).contains("Nothing accepts connections at 127.0.0.1:1");
    assertThat(check(r, "SMTP login").getBoolean("ok")).isTrue();
  }

  @Test
  @DisplayName("e-mail: the wrong encryption for the port is explained: TLS on a plain port, STARTTLS a server does not offer")
  void emailEncryption() {
    JsonObject s = emailSettings("right-mail-password", null);
    s.getJsonObject("imap").put("security", "tls");
    s.getJsonObject("smtp").put("security", "starttls");
    JsonObject r = test(new JsonObject().put("channel", "email").put("address", "desk@mail.test").put("settings", s));
    assertThat(r.getBoolean("ok")).isFalse();
    assertThat(check(r, "IMAP encryption").getString("message")).startsWith("The TLS handshake failed")
        .contains("is the port one that expects STARTTLS or no encryption instead?");
    assertThat(check(r, "STARTTLS").getString("message")).contains("The server does not offer STARTTLS on port " + mail.getSmtp().getPort());
  }

  @Test
  @DisplayName("e-mail with OAuth2: a refused refresh token is said before any login is tried")
  void emailOAuthRefused() {
    callback.answer(r -> new Answer(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Token has been expired or revoked.\"}",
        "application/json"));
    JsonObject s = emailSettings(null, null);
    s.put("oauth2", new JsonObject().put("token_url", callback.url("/token")).put("client_id", "client-1")
        .put("client_secret", "client-secret-1").put("refresh_token", "refresh-1"));
    JsonObject r = test(new JsonObject().put("channel", "email").put("address", "desk@mail.test").put("settings", s));
    assertThat(r.getBoolean("ok")).isFalse();
    assertThat(check(r, "OAuth2 token").getString("message"))
        .contains("the OAuth2 token refresh was refused: invalid_grant (Token has been expired or revoked.)");
    CallbackServer.Received asked = callback.received.get(callback.received.size() - 1);
    assertThat(asked.path()).isEqualTo("/token");
    assertThat(asked.body()).contains("grant_type=refresh_token").contains("refresh_token=refresh-1");
    assertThat(r.encode()).doesNotContain("client-secret-1").doesNotContain("refresh-1");
  }

  @Test
  @DisplayName("e-mail without a mailbox says it receives through this hub's SMTP listener, and that replies need SMTP")
  void emailListener() {
    JsonObject r = test(new JsonObject().put("channel", "email").put("address", "sales@acme.test").put("settings", new JsonObject()));
    int port = hub.switchboard.node().state().smtpPort();
    assertThat(check(r, "Receiving").getString("message")).isEqualTo("Receives mail through this hub's SMTP listener on port " + port
        + ": point the domain's MX, or a forwarding rule, at mx.hub.example.test.");
    assertThat(check(r, "Sending").getBoolean("ok")).isFalse();
    assertThat(r.getBoolean("ok")).isFalse();
    JsonObject setup = hub.admin().get("/api/v1/channels/email/setup").expect(200).json();
    assertThat(setup.getJsonObject("smtp_listener").getInteger("port")).isEqualTo(port);
    assertThat(setup.getJsonObject("smtp_listener").getString("host")).isEqualTo("mx.hub.example.test");
  }

  @Test
  @DisplayName("a saved e-mail endpoint is tested with its stored password unless the form gives another")
  void emailSaved() {
    JsonObject ep = hub.admin().post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "email")
        .put("address", "desk@mail.test").put("settings", emailSettings("right-mail-password", null))).expect(201).json();
    long id = ep.getLong("id");
    JsonObject stored = hub.admin().post("/api/v1/endpoints/" + id + "/test", new JsonObject()).expect(200).json();
    assertThat(stored.getBoolean("ok")).as(stored.encodePrettily()).isTrue();
    // the form's password is tried, not saved
    JsonObject changed = hub.admin().post("/api/v1/endpoints/" + id + "/test", new JsonObject().put("settings",
        new JsonObject().put("imap", new JsonObject().put("password", "typo")))).expect(200).json();
    assertThat(check(changed, "IMAP login").getBoolean("ok")).isFalse();
    assertThat(check(changed, "SMTP login").getBoolean("ok")).isTrue();
    JsonObject again = hub.admin().post("/api/v1/endpoints/" + id + "/test", null).expect(200).json();
    assertThat(again.getBoolean("ok")).isTrue();
    hub.admin().delete("/api/v1/endpoints/" + id).expect(204);
  }

  @Test
  @DisplayName("phone: a wrong auth token is refused by the account API; the right one finds the number and its webhooks")
  void twilio() {
    JsonObject wrong = test(new JsonObject().put("channel", "phone").put("address", NUMBER)
        .put("settings", new JsonObject().put("account_sid", SID).put("auth_token", "wrong-token")));
    assertThat(wrong.getBoolean("ok")).isFalse();
    assertThat(check(wrong, "Account").getString("message")).startsWith("Twilio refused the account SID or auth token");
    CallbackServer.Received asked = twilio.received.get(twilio.received.size() - 1);
    assertThat(asked.method()).isEqualTo("GET");
    assertThat(asked.path()).isEqualTo("/2010-04-01/Accounts/" + SID + ".json");

    JsonObject right = test(new JsonObject().put("channel", "phone").put("address", NUMBER)
        .put("settings", new JsonObject().put("account_sid", SID).put("auth_token", TOKEN)));
    assertThat(right.getBoolean("ok")).as(right.encodePrettily()).isTrue();
    assertThat(check(right, "Account").getString("message")).contains("Acme support");
    assertThat(check(right, "Number").getString("message")).contains(NUMBER + " belongs to this account");
    assertThat(right.encode()).doesNotContain(TOKEN);

    JsonObject other = test(new JsonObject().put("channel", "phone").put("address", "+14155550778")
        .put("settings", new JsonObject().put("account_sid", SID).put("auth_token", TOKEN)));
    assertThat(check(other, "Number").getString("message")).contains("is not a number of this account");

    JsonArray hooks = hub.admin().get("/api/v1/channels/phone/setup").expect(200).json().getJsonArray("webhooks");
    assertThat(hooks.stream().map(o -> ((JsonObject) o).getString("url"))).containsExactly(
        "https://hub.example.test/hooks/twilio/sms", "https://hub.example.test/hooks/twilio/sms/status",
        "https://hub.example.test/hooks/twilio/voice", "https://hub.example.test/hooks/twilio/voice/status",
        "https://hub.example.test/hooks/twilio/voice/recording");
  }

  @Test
  @DisplayName("WhatsApp: a wrong token is refused by the Graph API; the right one resolves the phone number id")
  void meta() {
    JsonObject wrong = test(new JsonObject().put("channel", "whatsapp").put("address", WA_ID)
        .put("settings", new JsonObject().put("access_token", "EAAG-expired")));
    assertThat(wrong.getBoolean("ok")).isFalse();
    assertThat(check(wrong, "Access token").getString("message")).startsWith("Meta refused the access token");
    assertThat(check(wrong, "Webhook").getBoolean("ok")).isTrue();

    JsonObject right = test(new JsonObject().put("channel", "whatsapp").put("address", WA_ID)
        .put("settings", new JsonObject().put("access_token", GRAPH_TOKEN)));
    assertThat(right.getBoolean("ok")).as(right.encodePrettily()).isTrue();
    assertThat(check(right, "WhatsApp phone number id").getString("message")).contains("Acme Support (+1 415-555-0999)");
    CallbackServer.Received asked = graph.received.get(graph.received.size() - 1);
    assertThat(asked.path()).isEqualTo("/v21.0/" + WA_ID);

    JsonObject unknown = test(new JsonObject().put("channel", "messenger").put("address", "999")
        .put("settings", new JsonObject().put("access_token", GRAPH_TOKEN)));
    assertThat(check(unknown, "Page id").getString("message")).contains("Meta knows no page id 999");

    JsonObject setup = hub.admin().get("/api/v1/channels/whatsapp/setup").expect(200).json();
    assertThat(setup.getString("callback_url")).isEqualTo("https://hub.example.test/hooks/meta");
    assertThat(setup.getString("verify_token")).isEqualTo("verify-me-please");
    assertThat(setup.getJsonArray("subscribed_fields")).containsExactly("messages");
  }

  @Test
  @DisplayName("API: the test delivery says what status the callback answered, and is signed for a saved endpoint")
  void apiCallback() throws Exception {
    callback.answer(r -> new Answer(500, "database down", "text/plain"));
    JsonObject failing = test(new JsonObject().put("channel", "api")
        .put("settings", new JsonObject().put("callback_url", callback.url("/switchboard"))));
    assertThat(failing.getBoolean("ok")).isFalse();
    assertThat(check(failing, "Callback").getString("message")).contains("answered HTTP 500").contains("database down");

    callback.answer(r -> new Answer(204, null, null));
    JsonObject ep = hub.admin().post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "api")
        .put("settings", new JsonObject().put("callback_url", callback.url("/switchboard")))).expect(201).json();
    JsonObject ok = hub.admin().post("/api/v1/endpoints/" + ep.getLong("id") + "/test", new JsonObject()).expect(200).json();
    assertThat(ok.getBoolean("ok")).as(ok.encodePrettily()).isTrue();
    assertThat(check(ok, "Callback").getString("message")).contains("answered 204");
    CallbackServer.Received r = callback.received.get(callback.received.size() - 1);
    assertThat(new JsonObject(r.body()).getString("type")).isEqualTo("test");
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(ep.getString("secret").getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(
        (r.headers().get("X-Switchboard-Timestamp") + "." + r.body()).getBytes(StandardCharsets.UTF_8)));
    assertThat(r.headers().get("X-Switchboard-Signature")).isEqualTo(expected);

    JsonObject nowhere = test(new JsonObject().put("channel", "api").put("settings", new JsonObject()));
    assertThat(check(nowhere, "Callback").getString("message")).startsWith("Fill in the callback URL");
  }

  @Test
  @DisplayName("widget: an allowed origin with a path is not an origin; plain origins pass")
  void widget() {
    JsonObject bad = test(new JsonObject().put("channel", "widget").put("settings", new JsonObject()
        .put("allowed_origins", new JsonArray().add("https://www.example.com").add("https://shop.example.com/contact"))));
    assertThat(bad.getBoolean("ok")).isFalse();
    assertThat(check(bad, "Allowed origins").getString("message")).startsWith("https://shop.example.com/contact is not an origin");
    JsonObject good = test(new JsonObject().put("channel", "widget").put("settings", new JsonObject()
        .put("allowed_origins", new JsonArray().add("https://www.example.com").add("http://localhost:3000"))));
    assertThat(good.getBoolean("ok")).as(good.encodePrettily()).isTrue();
    assertThat(hub.admin().get("/api/v1/channels/widget/setup").expect(200).json().getString("script_url"))
        .isEqualTo("https://hub.example.test/widget.js");
  }

  @Test
  @DisplayName("only admins with settings.manage test connections; bad input is a 400 naming the field; unknown ids 404")
  void access() {
    ApiClient agent = hub.user("agent.tests@acme.test", "agent");
    JsonObject body = new JsonObject().put("channel", "api").put("settings", new JsonObject());
    assertThat(agent.post("/api/v1/endpoints/test", body).status()).isEqualTo(403);
    assertThat(agent.get("/api/v1/channels/phone/setup").status()).isEqualTo(403);
    ApiClient.Response noChannel = hub.admin().post("/api/v1/endpoints/test", new JsonObject().put("channel", "fax"));
    assertThat(noChannel.status()).isEqualTo(400);
    assertThat(noChannel.errorField()).isEqualTo("channel");
    ApiClient.Response badAddress = hub.admin().post("/api/v1/endpoints/test", new JsonObject().put("channel", "phone")
        .put("address", "not a number").put("settings", new JsonObject().put("account_sid", SID).put("auth_token", TOKEN)));
    assertThat(badAddress.status()).isEqualTo(400);
    assertThat(badAddress.errorField()).isEqualTo("address");
    assertThat(hub.admin().post("/api/v1/endpoints/987654/test", new JsonObject()).status()).isEqualTo(404);
    assertThat(hub.admin().get("/api/v1/channels/fax/setup").status()).isEqualTo(404);
  }
}
