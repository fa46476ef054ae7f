package io.switchboard.sandbox;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.Eventually;
import io.switchboard.testing.LiveClient;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sandbox endpoints and test messages against a real hub: test messages go in through each channel's real, signed
 * inbound path (the hub's public URL differs from where it listens, as behind a proxy, so the signatures must be
 * computed over the public URL) and are stored once with the provider's fields; replies from sandbox endpoints go
 * to the built-in simulator and end {@code delivered} through the signed status webhooks, or {@code failed} when
 * asked to.
 */
@WithHub({"http.public_url=https://hub.example.com", "http.cookie_secure=false", "outbox.backoff_ms=100"})
class SandboxTest {

  static TestHub hub;
  static long inbox;
  static long otherInbox;
  static ApiClient agent;
  static ApiClient outsider;

  @BeforeAll
  static void setUp() {
    inbox = hub.inbox("Sandbox");
    otherInbox = hub.inbox("Elsewhere");
    agent = hub.user("sandbox-agent@example.com", "agent");
    hub.member(inbox, agent.userId());
    outsider = hub.user("sandbox-outsider@example.com", "agent");
    hub.member(otherInbox, outsider.userId());
  }

  static JsonObject sandbox(String channel) {
    return hub.admin().post("/api/v1/inboxes/" + inbox + "/endpoints",
        new JsonObject().put("channel", channel).put("sandbox", true)).expect(201).json();
  }

  static JsonObject simulate(ApiClient as, long endpoint, JsonObject body) {
    return as.post("/api/v1/endpoints/" + endpoint + "/simulate", body).expect(201).json();
  }

  static JsonObject message(String from, String text) {
    return new JsonObject().put("from", from).put("name", "Ada Lovelace").put("text", text);
  }

  /** The conversation's activities with this provider id: a message stored once has exactly one. */
  static JsonObject onlyActivity(long conversation, String providerId) {
    var matches = agent.get("/api/v1/conversations/" + conversation + "/activities?limit=200").expect(200).items().stream()
        .map(o -> (JsonObject) o).filter(a -> providerId.equals(a.getString("provider_id"))).toList();
    assertThat(matches).as("activities with provider id " + providerId).hasSize(1);
    return matches.get(0);
  }

  static JsonObject awaitActivity(long conversation, long id, String status) {
    return Eventually.value("activity " + id + " becomes " + status, 20_000, 50, () -> {
      for (Object o : agent.get("/api/v1/conversations/" + conversation + "/activities?limit=200").expect(200).items()) {
        JsonObject a = (JsonObject) o;
        if (a.getLong("id") == id) return a;
      }
      return null;
    }, a -> a != null && status.equals(a.getString("status")));
  }

  /** A reply by the agent; answers the queued activity. */
  static JsonObject reply(long conversation, String text) {
    return agent.post("/api/v1/conversations/" + conversation + "/messages", new JsonObject().put("text", text)).expect(201).json();
  }

  /** Replies on a fresh test conversation of the endpoint and waits, over REST and live, for the reply's final status. */
  static JsonObject replyEnds(JsonObject endpoint, String from, String text, String status) {
    JsonObject in = simulate(agent, endpoint.getLong("id"), message(from, "Hello, is anyone there?"));
    long conversation = in.getLong("conversation_id");
    try (LiveClient live = LiveClient.agent(hub, agent)) {
      live.awaitType("hello");
      JsonObject queued = reply(conversation, text);
      long id = queued.getLong("id");
      live.await(f -> "message.updated".equals(f.getString("type")) && f.encode().contains("\"id\":" + id)
          && f.encode().contains("\"status\":\"" + status + "\""), Duration.ofSeconds(20));
      return awaitActivity(conversation, id, status);
    }
  }

  @Test
  @DisplayName("a sandbox phone number needs no provider account: its generated account signs a test SMS through /hooks/twilio/sms, stored once with Twilio's fields")
  void phoneTestMessage() {
    JsonObject number = sandbox("phone");
    assertThat(number.getBoolean("sandbox")).isTrue();
    assertThat(number.getString("address")).startsWith("+1555");
    assertThat(number.getJsonObject("settings").getString("account_sid")).startsWith("AC");
    assertThat(number.getJsonArray("secrets_set").getList()).contains("auth_token");
    assertThat(hub.admin().get("/api/v1/endpoints/" + number.getLong("id")).expect(200).json().getBoolean("sandbox")).isTrue();
    assertThat(hub.admin().patch("/api/v1/endpoints/" + number.getLong("id"), new JsonObject().put("sandbox", false))
        .expect(400).errorField()).isEqualTo("sandbox");
    hub.admin().patch("/api/v1/endpoints/" + number.getLong("id"), new JsonObject().put("sandbox", true).put("name", "Test line")).expect(200);
    JsonObject check = hub.admin().post("/api/v1/endpoints/" + number.getLong("id") + "/test", new JsonObject()).expect(200).json();
    assertThat(check.getBoolean("ok")).isTrue();
    assertThat(check.getJsonArray("checks").getJsonObject(0).getString("message")).contains("sandbox endpoint");

    JsonObject in = simulate(agent, number.getLong("id"), message("+14155550199", "Do you open on Sundays?"));
    assertThat(in.getString("provider_id")).startsWith("SM");
    assertThat(in.getString("path")).isEqualTo("/hooks/twilio/sms");
    JsonObject a = onlyActivity(in.getLong("conversation_id"), in.getString("provider_id"));
    assertThat(a.getLong("id")).isEqualTo(in.getLong("activity_id"));
    assertThat(a.getString("direction")).isEqualTo("in");
    assertThat(a.getString("text")).isEqualTo("Do you open on Sundays?");
    assertThat(a.getJsonObject("data").getString("provider")).isEqualTo("twilio");
    assertThat(a.getJsonObject("data").getString("account_sid")).isEqualTo(number.getJsonObject("settings").getString("account_sid"));
  }

  @Test
  @DisplayName("a sandbox SMS reply is accepted by the simulator and ends delivered through the signed status webhook; one asked to fail ends failed")
  void phoneReplies() {
    JsonObject number = sandbox("phone");
    JsonObject done = replyEnds(number, "+14155550111", "We open at ten.", "delivered");
    assertThat(done.getString("provider_id")).startsWith("SM");
    assertThat(done.getJsonObject("data").getString("provider_status")).isEqualTo("delivered");

    JsonObject failed = replyEnds(number, "+14155550112", "This one will not arrive [fail]", "failed");
    assertThat(failed.getJsonObject("error").getString("code")).isEqualTo("30003");
    assertThat(failed.getJsonObject("error").getString("message")).contains("Unreachable destination handset");
  }

  @Test
  @DisplayName("WhatsApp: a test message comes through /hooks/meta signed like Meta's, a reply ends delivered by the statuses webhook, one asked to fail ends failed")
  void whatsapp() {
    JsonObject wa = sandbox("whatsapp");
    assertThat(wa.getString("address")).matches("[0-9]{15}");
    JsonObject in = simulate(agent, wa.getLong("id"), message("+31612345678", "Hoi!"));
    assertThat(in.getString("provider_id")).startsWith("wamid.");
    JsonObject a = onlyActivity(in.getLong("conversation_id"), in.getString("provider_id"));
    assertThat(a.getString("text")).isEqualTo("Hoi!");
    JsonObject contact = agent.get("/api/v1/contacts/" + in.getLong("contact_id")).expect(200).json();
    assertThat(contact.getString("name")).isEqualTo("Ada Lovelace");

    JsonObject done = replyEnds(wa, "31612345679", "Dag!", "delivered");
    assertThat(done.getString("provider_id")).startsWith("wamid.");
    JsonObject failed = replyEnds(wa, "31612345670", "nope [FAIL]", "failed");
    assertThat(failed.getJsonObject("error").getString("code")).isEqualTo("131026");
  }

  @Test
  @DisplayName("Messenger and Instagram: test messages through /hooks/meta with the sender's profile name; a reply ends delivered, one the Send API refuses ends failed")
  void messengerAndInstagram() {
    for (String channel : new String[] {"messenger", "instagram"}) {
      JsonObject page = sandbox(channel);
      JsonObject in = simulate(agent, page.getLong("id"), message("7000000001", "Hi there"));
      assertThat(in.getString("provider_id")).startsWith("m_");
      onlyActivity(in.getLong("conversation_id"), in.getString("provider_id"));
      assertThat(agent.get("/api/v1/contacts/" + in.getLong("contact_id")).expect(200).json().getString("name"))
          .as(channel + " profile name").isEqualTo("Ada Lovelace");
      replyEnds(page, "7000000002", "Thanks!", "delivered");
      JsonObject failed = replyEnds(page, "7000000003", "[fail] please", "failed");
      assertThat(failed.getJsonObject("error").getString("code")).isEqualTo("graph_100");
    }
  }

  @Test
  @DisplayName("API: a test message comes through /hooks/api/{key} with the bearer secret; a reply reaches the built-in receiver (signature checked) and ends delivered, or failed when asked")
  void api() {
    JsonObject ep = sandbox("api");
    assertThat(ep.getString("key")).startsWith("k_");
    JsonObject in = simulate(agent, ep.getLong("id"), message("customer-42", "Where is my order?").put("subject", "Order 42"));
    assertThat(in.getString("provider_id")).startsWith("sbx_");
    JsonObject a = onlyActivity(in.getLong("conversation_id"), in.getString("provider_id"));
    assertThat(a.getString("text")).isEqualTo("Where is my order?");
    JsonObject done = replyEnds(ep, "customer-43", "On its way.", "delivered");
    assertThat(done.getJsonObject("data").getInteger("callback_status")).isEqualTo(200);
    JsonObject failed = replyEnds(ep, "customer-44", "[fail]", "failed");
    assertThat(failed.getJsonObject("error").getString("code")).isEqualTo("http_422");
  }

  @Test
  @DisplayName("E-mail: a test message comes in through the SMTP listener; a reply is taken by the sandbox's SMTP sink (sent, then delivered), or refused with 550 when asked")
  void email() {
    JsonObject ep = sandbox("email");
    assertThat(ep.getString("address")).endsWith("@example.com");
    JsonObject in = simulate(agent, ep.getLong("id"), message("ada@example.org", "Can I change my booking?").put("subject", "Booking"));
    assertThat(in.getString("path")).isEqualTo("SMTP listener");
    JsonObject a = onlyActivity(in.getLong("conversation_id"), in.getString("provider_id"));
    assertThat(a.getString("subject")).isEqualTo("Booking");
    assertThat(a.getString("text")).contains("Can I change my booking?");
    assertThat(agent.get("/api/v1/contacts/" + in.getLong("contact_id")).expect(200).json().getString("name")).isEqualTo("Ada Lovelace");
    replyEnds(ep, "grace@example.org", "Of course.", "delivered");
    JsonObject failed = replyEnds(ep, "alan@example.org", "This bounces [fail]", "failed");
    assertThat(failed.getJsonObject("error").getString("code")).isEqualTo("smtp_550");
  }

  @Test
  @DisplayName("a test message to a real (not sandbox) number goes through the same signed webhook with the number's own auth token")
  void realEndpoint() {
    JsonObject number = hub.admin().post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "phone")
        .put("address", "+14155550900").put("settings", new JsonObject().put("account_sid", "AC" + "7".repeat(32))
            .put("auth_token", "a-real-token"))).expect(201).json();
    assertThat(number.getBoolean("sandbox")).isFalse();
    // a member may not put words in a real customer's mouth: on a real endpoint it takes settings.manage, audited
    assertThat(agent.post("/api/v1/endpoints/" + number.getLong("id") + "/simulate", message("+14155550901", "Routing check"))
        .expect(403).errorCode()).isEqualTo("forbidden");
    JsonObject in = simulate(hub.admin(), number.getLong("id"), message("+14155550901", "Routing check"));
    assertThat(hub.admin().get("/api/v1/audit").expect(200).items().stream().map(o -> (JsonObject) o)
        .anyMatch(e -> "endpoint.test_message".equals(e.getString("action")) && number.getLong("id").equals(e.getLong("target_id"))))
        .isTrue();
    JsonObject a = onlyActivity(in.getLong("conversation_id"), in.getString("provider_id"));
    assertThat(a.getJsonObject("data").getString("account_sid")).isEqualTo("AC" + "7".repeat(32));
    // after the token is rotated, test messages are signed with the new one, which the webhook now checks
    hub.admin().patch("/api/v1/endpoints/" + number.getLong("id"), new JsonObject().put("settings",
        new JsonObject().put("auth_token", "rotated-token"))).expect(200);
    JsonObject again = simulate(hub.admin(), number.getLong("id"), message("+14155550902", "After rotation"));
    onlyActivity(again.getLong("conversation_id"), again.getString("provider_id"));
  }

  @Test
  @DisplayName("simulate refuses bad input with a 400 naming the field")
  void badInput() {
    long phone = sandbox("phone").getLong("id");
    long wa = sandbox("whatsapp").getLong("id");
    long mail = sandbox("email").getLong("id");
    String path = "/api/v1/endpoints/";
    assertThat(agent.post(path + phone + "/simulate", message("not a number", "hi")).expect(400).errorField()).isEqualTo("from");
    assertThat(agent.post(path + wa + "/simulate", message("abc", "hi")).expect(400).errorField()).isEqualTo("from");
    assertThat(agent.post(path + mail + "/simulate", message("nobody", "hi")).expect(400).errorField()).isEqualTo("from");
    assertThat(agent.post(path + phone + "/simulate", new JsonObject().put("text", "hi")).expect(400).errorField()).isEqualTo("from");
    assertThat(agent.post(path + phone + "/simulate", new JsonObject().put("from", "+14155550100")).expect(400).errorField()).isEqualTo("text");
    assertThat(agent.post(path + phone + "/simulate", message("+14155550100", "  ")).expect(400).errorField()).isEqualTo("text");
    assertThat(agent.post(path + phone + "/simulate", message("+14155550100", "x".repeat(4097))).expect(400).errorField()).isEqualTo("text");
    assertThat(agent.post(path + phone + "/simulate", message("+14155550100", "hi").put("subject", "S")).expect(400).errorField())
        .isEqualTo("subject");
    assertThat(agent.post(path + phone + "/simulate", message("+14155550100", "hi").put("name", 5)).expect(400).errorField())
        .isEqualTo("name");
    long widget = hub.admin().post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "widget")).expect(201)
        .json().getLong("id");
    assertThat(agent.post(path + widget + "/simulate", message("visitor", "hi")).expect(400).errorField()).isEqualTo("from");
    assertThat(hub.admin().post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "widget").put("sandbox", true))
        .expect(400).errorField()).isEqualTo("sandbox");
  }

  @Test
  @DisplayName("simulate is open to the inbox's members and settings.manage; anyone else gets 404, as for an endpoint that does not exist")
  void access() {
    long phone = sandbox("phone").getLong("id");
    outsider.post("/api/v1/endpoints/" + phone + "/simulate", message("+14155550123", "hi")).expect(404);
    agent.post("/api/v1/endpoints/999999999/simulate", message("+14155550123", "hi")).expect(404);
    simulate(hub.admin(), phone, message("+14155550124", "from the admin"));
    simulate(agent, phone, message("+14155550125", "from a member"));
  }

  @Test
  @DisplayName("the simulator checks credentials like the provider: a wrong auth token is refused with 401 and sends nothing")
  void simulatorChecksCredentials() throws Exception {
    JsonObject number = sandbox("phone");
    String sid = number.getJsonObject("settings").getString("account_sid");
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(hub.base() + "/hooks/sandbox/twilio/2010-04-01/Accounts/" + sid + "/Messages.json"))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((sid + ":wrong").getBytes(StandardCharsets.UTF_8)))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("To=%2B14155550100&From=" + number.getString("address").replace("+", "%2B") + "&Body=hi"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(r.body()).getInteger("code")).isEqualTo(20003);
  }
}
