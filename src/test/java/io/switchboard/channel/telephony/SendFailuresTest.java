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

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;

import static io.switchboard.channel.telephony.TwilioWebhooks.params;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failed SMS replies as an agent meets them: retried with the attempt and the next try on show, failed with the
 * cause in words (the provider's code and text beside them), sent again with Retry or Retry all once the provider
 * takes them, and an endpoint whose sends keep failing flagged. The provider is a stand-in on this machine.
 */
@WithHub({"http.public_url=" + TwilioWebhooks.PUBLIC, "http.cookie_secure=false", "outbox.backoff_ms=300",
    "outbox.max_attempts=3", "twilio.api_timeout_ms=400"})
class SendFailuresTest {

  static final String ACCOUNT = "AC" + "4".repeat(32);
  static final String TOKEN = "failures-token";
  static final String NUMBER = "+14155550400";
  static final String SPARE = "+14155550401";

  static FakeTwilio twilio;
  static TestHub hub;
  static TwilioWebhooks hooks;
  static long inbox;
  static long numberId;
  static long spareId;
  static ApiClient agent;
  static ApiClient outsider;

  @HubConfig
  static Map<String, Object> config() {
    twilio = new FakeTwilio();
    return Map.of("twilio.api_base", twilio.base());
  }

  @BeforeAll
  static void setUp() {
    hooks = new TwilioWebhooks(hub);
    inbox = hub.inbox("Failures Desk");
    numberId = number(NUMBER);
    spareId = number(SPARE);
    agent = hub.user("failures-agent@example.com", "agent");
    hub.member(inbox, agent.userId());
    outsider = hub.user("failures-outsider@example.com", "agent");
  }

  @AfterAll
  static void stop() {
    twilio.close();
  }

  static long number(String address) {
    return hub.admin().post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "phone").put("address", address)
        .put("settings", new JsonObject().put("account_sid", ACCOUNT).put("auth_token", TOKEN))).expect(201).json().getLong("id");
  }

  static long inbound(String from, String to) {
    String sid = FakeTwilio.newSid("SM");
    assertThat(hooks.post("/hooks/twilio/sms", TOKEN, params("MessageSid", sid, "AccountSid", ACCOUNT, "From", from, "To", to,
        "Body", "hi", "NumMedia", "0")).statusCode()).isEqualTo(200);
    return SmsInboundTest.activityBySid(agent, sid).getLong("conversation_id");
  }

  static JsonObject reply(long conversation, String text) {
    return agent.post("/api/v1/conversations/" + conversation + "/messages", new JsonObject().put("text", text)).expect(201).json();
  }

  static JsonObject await(long conversation, long id, Predicate<JsonObject> condition) {
    return Eventually.value("activity " + id + " reaches the expected state", 15_000, 50, () -> {
      for (Object o : agent.get("/api/v1/conversations/" + conversation + "/activities").expect(200).items()) {
        JsonObject a = (JsonObject) o;
        if (a.getLong("id") == id) return a;
      }
      return null;
    }, a -> a != null && condition.test(a));
  }

  static Predicate<JsonObject> status(String s) {
    return a -> s.equals(a.getString("status"));
  }

  static JsonObject twilioError(int code, String message) {
    return new JsonObject().put("code", code).put("message", message).put("more_info", "https://www.twilio.com/docs/errors/" + code);
  }

  @Test
  @DisplayName("a reply being retried shows its attempt, the most there will be and the next try, live and over REST")
  void retryingIsShown() {
    long conv = inbound("+15005550601", NUMBER);
    try (LiveClient live = LiveClient.agent(hub, agent)) {
      twilio.script("Messages.json", 503, twilioError(20500, "Internal Server Error"), 0);
      JsonObject queued = reply(conv, "Your order ships today.");
      long id = queued.getLong("id");
      assertThat(queued.getJsonObject("delivery").getInteger("attempts")).isZero();

      JsonObject frame = live.await(f -> "message.updated".equals(f.getString("type"))
          && f.getJsonObject("data").getJsonObject("activity").getLong("id") == id, Duration.ofSeconds(10));
      JsonObject retrying = frame.getJsonObject("data").getJsonObject("activity");
      assertThat(retrying.getString("status")).isEqualTo("queued");
      JsonObject d = retrying.getJsonObject("delivery");
      assertThat(d.getBoolean("retrying")).isTrue();
      assertThat(d.getInteger("attempts")).isEqualTo(1);
      assertThat(d.getInteger("next_attempt")).isEqualTo(2);
      assertThat(d.getInteger("max_attempts")).isEqualTo(3);
      assertThat(Instant.parse(d.getString("next_attempt_at"))).isAfter(Instant.now().minusSeconds(5)).isBefore(Instant.now().plusSeconds(5));
      assertThat(d.getString("cause")).isEqualTo("provider_error");
      assertThat(d.getString("explanation")).startsWith("The SMS provider had a problem on its side");
      assertThat(d.getString("error")).isEqualTo("Internal Server Error");

      JsonObject sent = await(conv, id, status("sent"));
      assertThat(sent.getJsonObject("delivery").getBoolean("retrying")).isFalse();
      assertThat(sent.getJsonObject("delivery").getInteger("attempts")).isEqualTo(2);
      assertThat(sent.getJsonObject("delivery").containsKey("explanation")).isFalse();
    }
  }

  @Test
  @DisplayName("a provider that cannot be reached fails the reply after the last attempt, saying so in words and who can fix it")
  void unreachableInWords() {
    long conv = inbound("+15005550602", NUMBER);
    for (int i = 0; i < 3; i++) twilio.script("Messages.json", 201, null, 1_500);
    long id = reply(conv, "Are you there?").getLong("id");
    JsonObject failed = await(conv, id, status("failed"));
    JsonObject d = failed.getJsonObject("delivery");
    assertThat(d.getString("explanation")).isEqualTo("The SMS provider could not be reached. An admin can check the Twilio settings.");
    assertThat(d.getString("cause")).isEqualTo("unreachable");
    assertThat(d.getString("fixed_by")).isEqualTo("admin");
    assertThat(d.getInteger("attempts")).isEqualTo(3);
    assertThat(d.getString("error")).as("the raw detail stays available").startsWith("the telephony provider is not reachable");
    assertThat(failed.getJsonObject("error").getString("code")).isEqualTo("unreachable");
  }

  @Test
  @DisplayName("refused credentials and an invalid number fail at once, each explained; the provider's code and text stay as details")
  void refusalsInWords() {
    long conv = inbound("+15005550603", NUMBER);
    twilio.script("Messages.json", 401, twilioError(20003, "Authenticate"), 0);
    long auth = reply(conv, "First try").getLong("id");
    JsonObject a = await(conv, auth, status("failed")).getJsonObject("delivery");
    assertThat(a.getString("cause")).isEqualTo("auth_refused");
    assertThat(a.getString("explanation")).startsWith("Twilio refused the account credentials.");
    assertThat(a.getString("error_code")).isEqualTo("20003");
    assertThat(a.getString("error")).isEqualTo("Authenticate");
    assertThat(a.getInteger("attempts")).as("a refusal is not retried").isEqualTo(1);

    twilio.script("Messages.json", 400, twilioError(21211, "The 'To' number +15005550603 is not a valid phone number."), 0);
    long bad = reply(conv, "Second try").getLong("id");
    JsonObject b = await(conv, bad, status("failed")).getJsonObject("delivery");
    assertThat(b.getString("cause")).isEqualTo("invalid_recipient");
    assertThat(b.getString("fixed_by")).isEqualTo("agent");
    assertThat(b.getString("explanation")).startsWith("The recipient's number is not valid");
    assertThat(b.getString("error_code")).isEqualTo("21211");
  }

  @Test
  @DisplayName("Retry sends a failed reply again, and it ends delivered once the provider takes it and reports delivery")
  void retryToDelivered() {
    long conv = inbound("+15005550604", NUMBER);
    twilio.script("Messages.json", 401, twilioError(20003, "Authenticate"), 0);
    long id = reply(conv, "Please confirm the address").getLong("id");
    await(conv, id, status("failed"));

    assertThat(outsider.post("/api/v1/activities/" + id + "/retry", new JsonObject()).status())
        .as("not a member of the inbox: as if it did not exist").isEqualTo(404);
    assertThat(agent.post("/api/v1/activities/999999999/retry", new JsonObject()).status()).isEqualTo(404);

    JsonObject again = agent.post("/api/v1/activities/" + id + "/retry", new JsonObject()).expect(200).json();
    assertThat(again.getString("status")).isEqualTo("queued");
    assertThat(again.getValue("error")).isNull();

    JsonObject sent = await(conv, id, status("sent"));
    String sid = sent.getString("provider_id");
    assertThat(hooks.post("/hooks/twilio/sms/status", TOKEN, params("MessageSid", sid, "SmsSid", sid, "MessageStatus", "delivered",
        "AccountSid", ACCOUNT, "From", NUMBER, "To", "+15005550604")).statusCode()).isEqualTo(200);
    await(conv, id, status("delivered"));

    ApiClient.Response twice = agent.post("/api/v1/activities/" + id + "/retry", new JsonObject());
    assertThat(twice.status()).as("only a failed message is sent again").isEqualTo(409);
    assertThat(twice.errorCode()).isEqualTo("conflict");
  }

  @Test
  @DisplayName("an endpoint whose sends keep failing says so; Retry all queues its failures again and they are delivered")
  void retryAllForEndpoint() {
    long one = inbound("+15005550605", SPARE);
    long two = inbound("+15005550606", SPARE);
    twilio.script("Messages.json", 401, twilioError(20003, "Authenticate"), 0);
    long first = reply(one, "Retry all, first").getLong("id");
    await(one, first, status("failed"));
    twilio.script("Messages.json", 401, twilioError(20003, "Authenticate"), 0);
    long second = reply(two, "Retry all, second").getLong("id");
    await(two, second, status("failed"));

    JsonObject health = hub.admin().get("/api/v1/endpoints/" + spareId).expect(200).json().getJsonObject("health");
    assertThat(health.getString("state")).isEqualTo("failing");
    assertThat(health.getLong("failures")).isEqualTo(2);
    assertThat(health.getString("last_error")).startsWith("Twilio refused the account credentials.");
    JsonObject inInbox = agent.get("/api/v1/inboxes").expect(200).items().stream().map(JsonObject.class::cast)
        .filter(i -> i.getLong("id") == inbox).findFirst().orElseThrow().getJsonArray("endpoints").stream()
        .map(JsonObject.class::cast).filter(e -> e.getLong("id") == spareId).findFirst().orElseThrow();
    assertThat(inInbox.getJsonObject("health").getString("state")).as("the composer's From picker sees it too").isEqualTo("failing");

    assertThat(outsider.post("/api/v1/endpoints/" + spareId + "/retry_failed", new JsonObject()).status()).isEqualTo(404);
    JsonObject answer = agent.post("/api/v1/endpoints/" + spareId + "/retry_failed", new JsonObject()).expect(200).json();
    assertThat(answer.getInteger("requeued")).isEqualTo(2);

    for (long[] c : new long[][] {{one, first}, {two, second}}) {
      JsonObject sent = await(c[0], c[1], status("sent"));
      String sid = sent.getString("provider_id");
      assertThat(hooks.post("/hooks/twilio/sms/status", TOKEN, params("MessageSid", sid, "MessageStatus", "delivered",
          "AccountSid", ACCOUNT, "From", SPARE, "To", c[0] == one ? "+15005550605" : "+15005550606")).statusCode()).isEqualTo(200);
      await(c[0], c[1], status("delivered"));
    }
    assertThat(hub.admin().get("/api/v1/endpoints/" + spareId).expect(200).json().getJsonObject("health").getString("state"))
        .isEqualTo("ok");
    assertThat(agent.post("/api/v1/endpoints/" + spareId + "/retry_failed", new JsonObject()).expect(200).json().getInteger("requeued"))
        .as("nothing left to send again").isZero();
  }

  @Test
  @DisplayName("a delivery failure the provider reports later is explained by its error code")
  void reportedFailureInWords() {
    long conv = inbound("+15005550607", NUMBER);
    long id = reply(conv, "Reported later").getLong("id");
    String sid = await(conv, id, status("sent")).getString("provider_id");
    assertThat(hooks.post("/hooks/twilio/sms/status", TOKEN, params("MessageSid", sid, "MessageStatus", "undelivered",
        "AccountSid", ACCOUNT, "From", NUMBER, "To", "+15005550607",
        "ErrorCode", "30003", "ErrorMessage", "Unreachable destination handset")).statusCode()).isEqualTo(200);
    JsonObject d = await(conv, id, status("failed")).getJsonObject("delivery");
    assertThat(d.getString("cause")).isEqualTo("invalid_recipient");
    assertThat(d.getString("explanation")).startsWith("The recipient's number is not valid");
    assertThat(d.getString("error")).isEqualTo("Unreachable destination handset");
  }
}
