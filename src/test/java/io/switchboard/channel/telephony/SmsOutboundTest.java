package io.switchboard.channel.telephony;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.Eventually;
import io.switchboard.testing.HubConfig;
import io.switchboard.testing.LiveClient;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.function.Predicate;

import static io.switchboard.channel.telephony.TwilioWebhooks.params;
import static org.assertj.core.api.Assertions.assertThat;

@WithHub({"http.public_url=" + TwilioWebhooks.PUBLIC, "http.cookie_secure=false", "outbox.backoff_ms=100"})
class SmsOutboundTest {

  static final String ACCOUNT = "AC" + "2".repeat(32);
  static final String TOKEN = "outbound-sales-token";
  static final String ACCOUNT2 = "AC" + "3".repeat(32);
  static final String TOKEN2 = "outbound-support-token";
  static final String PRIMARY = "+14155550200";
  static final String SECOND = "+14155550201";
  static final String SUPPORT = "+14155550300";

  static FakeTwilio twilio;
  static TestHub hub;
  static TwilioWebhooks hooks;
  static long sales;
  static long support;
  static long primaryId;
  static long supportNumberId;
  static ApiClient agent;

  /** The provider is a stand-in on this machine. */
  @HubConfig
  static Map<String, Object> config() {
    twilio = new FakeTwilio();
    return Map.of("twilio.api_base", twilio.base());
  }

  @BeforeAll
  static void setUp() {
    hooks = new TwilioWebhooks(hub);
    sales = hub.inbox("Out Sales");
    support = hub.inbox("Out Support");
    primaryId = number(sales, PRIMARY, ACCOUNT, TOKEN);
    number(sales, SECOND, ACCOUNT, TOKEN);
    supportNumberId = number(support, SUPPORT, ACCOUNT2, TOKEN2);
    agent = hub.user("sms-agent@example.com", "agent");
    hub.member(sales, agent.userId());
    agent.patch("/api/v1/me", new JsonObject().put("default_inbox_id", sales)).expect(200);
  }

  @AfterAll
  static void stop() {
    twilio.close();
  }

  static long number(long inbox, String address, String account, String token) {
    return hub.admin().post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "phone").put("address", address)
        .put("settings", new JsonObject().put("account_sid", account).put("auth_token", token))).expect(201).json().getLong("id");
  }

  /** A customer's SMS to one of our numbers; returns the conversation id as the given client sees it. */
  static long inbound(ApiClient client, String from, String to, String token) {
    String sid = FakeTwilio.newSid("SM");
    assertThat(hooks.post("/hooks/twilio/sms", token, params("MessageSid", sid, "AccountSid", ACCOUNT, "From", from, "To", to,
        "Body", "hello from " + from, "NumMedia", "0")).statusCode()).isEqualTo(200);
    return client == null ? 0 : SmsInboundTest.activityBySid(client, sid).getLong("conversation_id");
  }

  static JsonObject reply(long conversation, JsonObject body) {
    return agent.post("/api/v1/conversations/" + conversation + "/messages", body).expect(201).json();
  }

  /** The activity once it satisfies the condition, polling the API as a browser would reload. */
  static JsonObject awaitActivity(long conversation, long id, Predicate<JsonObject> condition) {
    return Eventually.value("activity " + id + " reaches the expected state", 15_000, 50, () -> {
      for (Object o : agent.get("/api/v1/conversations/" + conversation + "/activities").expect(200).items()) {
        JsonObject a = (JsonObject) o;
        if (a.getLong("id") == id) return a;
      }
      return null;
    }, a -> a != null && condition.test(a));
  }

  static FakeTwilio.Received sentWithBody(String body) {
    return twilio.await(r -> r.path().endsWith("/Messages.json") && body.equals(r.param("Body")), Duration.ofSeconds(10));
  }

  static HttpResponse<String> status(String sid, String status, String from, String to, String... extra) {
    Map<String, String> p = params("MessageSid", sid, "SmsSid", sid, "MessageStatus", status, "SmsStatus", status,
        "AccountSid", ACCOUNT, "From", from, "To", to, "ApiVersion", "2010-04-01");
    for (int i = 0; i + 1 < extra.length; i += 2) p.put(extra[i], extra[i + 1]);
    return hooks.post("/hooks/twilio/sms/status", TOKEN, p);
  }

  @Test
  @DisplayName("a reply leaves from the conversation's number to the provider's REST API, with basic auth and the status callback URL")
  void replyFromConversationNumber() {
    long conv = inbound(agent, "+15005550101", SECOND, TOKEN);
    JsonObject queued = reply(conv, new JsonObject().put("text", "Yes, we open at ten."));
    assertThat(queued.getString("status")).isEqualTo("queued");

    FakeTwilio.Received sent = sentWithBody("Yes, we open at ten.");
    assertThat(sent.path()).isEqualTo("/2010-04-01/Accounts/" + ACCOUNT + "/Messages.json");
    assertThat(sent.headers().get("authorization"))
        .isEqualTo("Basic " + Base64.getEncoder().encodeToString((ACCOUNT + ":" + TOKEN).getBytes(StandardCharsets.UTF_8)));
    assertThat(sent.headers().get("content-type")).startsWith("application/x-www-form-urlencoded");
    assertThat(sent.param("To")).isEqualTo("+15005550101");
    assertThat(sent.param("From")).isEqualTo(SECOND);
    assertThat(sent.param("StatusCallback")).isEqualTo(TwilioWebhooks.PUBLIC + "/hooks/twilio/sms/status");

    JsonObject done = awaitActivity(conv, queued.getLong("id"), a -> "sent".equals(a.getString("status")));
    assertThat(done.getString("provider_id")).startsWith("SM");
  }

  @Test
  @DisplayName("a reply from a picked number of the same inbox leaves from that number; another inbox's number is refused")
  void pickedNumber() {
    long conv = inbound(agent, "+15005550102", SECOND, TOKEN);
    reply(conv, new JsonObject().put("text", "From the main line").put("from_endpoint_id", primaryId));
    assertThat(sentWithBody("From the main line").param("From")).isEqualTo(PRIMARY);

    ApiClient.Response refused = agent.post("/api/v1/conversations/" + conv + "/messages",
        new JsonObject().put("text", "nope").put("from_endpoint_id", supportNumberId));
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.errorField()).isEqualTo("from_endpoint_id");
  }

  @Test
  @DisplayName("an agent starting a phone conversation without a number writes from their default inbox's primary number")
  void newConversationFromDefaultInbox() {
    // a contact the agent may see (one with no conversation yet: contacts.manage suffices)
    long contact = agent.post("/api/v1/contacts", new JsonObject().put("name", "Follow Up").put("phone", "+15005550103"))
        .expect(201).json().getLong("id");

    ApiClient.Response started = agent.post("/api/v1/conversations", new JsonObject().put("contact_id", contact).put("channel", "phone"));
    assertThat(started.status()).isEqualTo(201);
    assertThat(started.json().getLong("inbox_id")).isEqualTo(sales);
    assertThat(started.json().getJsonObject("endpoint").getString("address")).isEqualTo(PRIMARY);
    reply(started.json().getLong("id"), new JsonObject().put("text", "Following up from Sales"));
    FakeTwilio.Received sent = sentWithBody("Following up from Sales");
    assertThat(sent.param("From")).isEqualTo(PRIMARY);
    assertThat(sent.param("To")).isEqualTo("+15005550103");

    ApiClient loner = hub.user("no-default@example.com", "agent");
    ApiClient.Response noDefault = loner.post("/api/v1/conversations", new JsonObject().put("contact_id", contact).put("channel", "phone"));
    assertThat(noDefault.status()).isEqualTo(400);
    assertThat(noDefault.errorField()).isEqualTo("channel");
    assertThat(noDefault.json().getJsonObject("error").getString("message")).contains("default inbox");

    long bare = hub.inbox("Out No Numbers");
    hub.member(bare, loner.userId());
    loner.patch("/api/v1/me", new JsonObject().put("default_inbox_id", bare)).expect(200);
    ApiClient.Response noNumber = loner.post("/api/v1/conversations", new JsonObject().put("contact_id", contact).put("channel", "phone"));
    assertThat(noNumber.status()).isEqualTo(400);
    assertThat(noNumber.json().getJsonObject("error").getString("message")).contains("Out No Numbers").contains("no phone number");
  }

  @Test
  @DisplayName("a 4xx from the provider fails the reply at once, keeping the provider's code and message")
  void providerRefuses() {
    long conv = inbound(agent, "+15005550104", PRIMARY, TOKEN);
    twilio.script("Messages.json", 400, new JsonObject().put("code", 21211)
        .put("message", "The 'To' number +15005550104 is not a valid phone number.")
        .put("more_info", "https://www.twilio.com/docs/errors/21211").put("status", 400), 0);
    JsonObject queued = reply(conv, new JsonObject().put("text", "This one is refused"));
    JsonObject failed = awaitActivity(conv, queued.getLong("id"), a -> "failed".equals(a.getString("status")));
    assertThat(failed.getJsonObject("error").getString("code")).isEqualTo("21211");
    assertThat(failed.getJsonObject("error").getString("message")).contains("not a valid phone number");
    // a fixed wait, on purpose: no second attempt follows a refusal
    FakeTwilio.sleep(500);
    assertThat(twilio.to("Messages.json").stream().filter(r -> "This one is refused".equals(r.param("Body")))).hasSize(1);
  }

  @Test
  @DisplayName("a 5xx from the provider is retried and the reply then goes out once")
  void providerFailsThenAccepts() {
    long conv = inbound(agent, "+15005550105", PRIMARY, TOKEN);
    twilio.script("Messages.json", 503, new JsonObject().put("code", 20503).put("message", "Service unavailable").put("status", 503), 0);
    JsonObject queued = reply(conv, new JsonObject().put("text", "Second time lucky"));
    JsonObject sent = awaitActivity(conv, queued.getLong("id"), a -> "sent".equals(a.getString("status")));
    assertThat(sent.getString("provider_id")).startsWith("SM");
    assertThat(twilio.to("Messages.json").stream().filter(r -> "Second time lucky".equals(r.param("Body")))).hasSize(2);
  }

  @Test
  @DisplayName("delivery callbacks update the reply live and never move it backwards; a failure keeps the error code")
  void deliveryCallbacks() {
    long conv = inbound(agent, "+15005550106", PRIMARY, TOKEN);
    try (LiveClient live = LiveClient.agent(hub, agent)) {
      live.awaitType("hello");
      JsonObject queued = reply(conv, new JsonObject().put("text", "Track me"));
      String sid = awaitActivity(conv, queued.getLong("id"), a -> "sent".equals(a.getString("status"))).getString("provider_id");

      HttpResponse<String> r = status(sid, "delivered", PRIMARY, "+15005550106");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEmpty();
      live.await(f -> "message.updated".equals(f.getString("type"))
          && "delivered".equals(f.getJsonObject("data").getJsonObject("activity").getString("status")), Duration.ofSeconds(10));

      // a late "sent" must not undo "delivered"
      assertThat(status(sid, "sent", PRIMARY, "+15005550106").statusCode()).isEqualTo(200);
      assertThat(status(sid, "queued", PRIMARY, "+15005550106").statusCode()).isEqualTo(200);
      assertThat(awaitActivity(conv, queued.getLong("id"), a -> true).getString("status")).isEqualTo("delivered");
      assertThat(status(sid, "read", PRIMARY, "+15005550106").statusCode()).isEqualTo(200);
      assertThat(awaitActivity(conv, queued.getLong("id"), a -> true).getString("status")).isEqualTo("read");

      JsonObject lost = reply(conv, new JsonObject().put("text", "Lost on the way"));
      String lostSid = awaitActivity(conv, lost.getLong("id"), a -> "sent".equals(a.getString("status"))).getString("provider_id");
      status(lostSid, "undelivered", PRIMARY, "+15005550106", "ErrorCode", "30003", "ErrorMessage", "Unreachable destination handset");
      status(lostSid, "sent", PRIMARY, "+15005550106");
      JsonObject failed = awaitActivity(conv, lost.getLong("id"), a -> "failed".equals(a.getString("status")));
      assertThat(failed.getJsonObject("error").getString("code")).isEqualTo("30003");
      assertThat(failed.getJsonObject("error").getString("message")).isEqualTo("Unreachable destination handset");
      live.await(f -> "message.updated".equals(f.getString("type"))
          && "failed".equals(f.getJsonObject("data").getJsonObject("activity").getString("status")), Duration.ofSeconds(10));
    }
  }

  @Test
  @DisplayName("a delivery callback that overtakes the provider's answer to the send is applied once the sid is stored")
  void callbackBeforeAnswer() {
    long conv = inbound(agent, "+15005550107", PRIMARY, TOKEN);
    String sid = FakeTwilio.newSid("SM");
    twilio.script("Messages.json", 201, new JsonObject().put("sid", sid), 1500);
    JsonObject queued = reply(conv, new JsonObject().put("text", "Overtaken"));
    sentWithBody("Overtaken");
    // the provider's answer is still on its way
    assertThat(status(sid, "delivered", PRIMARY, "+15005550107").statusCode()).isEqualTo(200);
    JsonObject done = awaitActivity(conv, queued.getLong("id"), a -> "delivered".equals(a.getString("status")));
    assertThat(done.getString("provider_id")).isEqualTo(sid);
  }

  @Test
  @DisplayName("a status callback with a wrong signature is refused and changes nothing")
  void forgedStatus() {
    long conv = inbound(agent, "+15005550108", PRIMARY, TOKEN);
    JsonObject queued = reply(conv, new JsonObject().put("text", "Do not forge me"));
    String sid = awaitActivity(conv, queued.getLong("id"), a -> "sent".equals(a.getString("status"))).getString("provider_id");
    Map<String, String> p = params("MessageSid", sid, "MessageStatus", "failed", "ErrorCode", "30008", "From", PRIMARY,
        "To", "+15005550108", "AccountSid", ACCOUNT);
    assertThat(hooks.post("/hooks/twilio/sms/status", "guessed-token", p).statusCode()).isEqualTo(403);
    assertThat(hooks.postSigned("/hooks/twilio/sms/status", p, null).statusCode()).isEqualTo(403);
    assertThat(awaitActivity(conv, queued.getLong("id"), a -> true).getString("status")).isEqualTo("sent");
  }

  @Test
  @DisplayName("attachments of a reply go out as signed, expiring links that serve the file to the provider and nothing else")
  void mmsLinks() {
    long conv = inbound(agent, "+15005550109", PRIMARY, TOKEN);
    byte[] png = "a tiny png".getBytes(StandardCharsets.UTF_8);
    ApiClient.Response up = agent.send("POST", "/api/v1/attachments?filename=map.png", new String(png, StandardCharsets.UTF_8), "image/png");
    assertThat(up.status()).isEqualTo(201);
    reply(conv, new JsonObject().put("text", "Here is the map").put("attachments", new io.vertx.core.json.JsonArray().add(up.json().getLong("id"))));
    FakeTwilio.Received sent = sentWithBody("Here is the map");
    String link = sent.param("MediaUrl");
    assertThat(link).startsWith(TwilioWebhooks.PUBLIC + "/hooks/twilio/media/");

    String local = link.replace(TwilioWebhooks.PUBLIC, hub.base());
    HttpResponse<byte[]> got = TwilioWebhooks.get(local);
    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(got.body()).isEqualTo(png);
    assertThat(got.headers().firstValue("Content-Type")).hasValue("image/png");

    String[] parts = local.split("/");
    String sig = parts[parts.length - 1];
    String tampered = local.substring(0, local.length() - sig.length()) + (sig.charAt(0) == 'A' ? 'B' : 'A') + sig.substring(1);
    assertThat(TwilioWebhooks.get(tampered).statusCode()).isEqualTo(403);
    // the same signature does not open another file, nor a later expiry
    String otherFile = local.replace("/" + up.json().getLong("id") + "/", "/" + (up.json().getLong("id") + 1) + "/");
    assertThat(TwilioWebhooks.get(otherFile).statusCode()).isEqualTo(403);
    String expires = parts[parts.length - 2];
    assertThat(TwilioWebhooks.get(local.replace("/" + expires + "/", "/" + (Long.parseLong(expires) + 1000) + "/")).statusCode()).isEqualTo(403);
  }

  @Test
  @DisplayName("an SMS reply over 1600 characters is refused before it is queued")
  void tooLong() {
    long conv = inbound(agent, "+15005550110", PRIMARY, TOKEN);
    ApiClient.Response r = agent.post("/api/v1/conversations/" + conv + "/messages", new JsonObject().put("text", "x".repeat(1601)));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorField()).isEqualTo("text");
  }

}
