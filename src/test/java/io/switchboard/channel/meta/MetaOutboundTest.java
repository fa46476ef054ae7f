package io.switchboard.channel.meta;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.Eventually;
import io.switchboard.testing.HubConfig;
import io.switchboard.testing.LiveClient;
import io.switchboard.testing.TestDatabase;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.switchboard.channel.meta.MetaPayloads.contact;
import static io.switchboard.channel.meta.MetaPayloads.deliver;
import static io.switchboard.channel.meta.MetaPayloads.event;
import static io.switchboard.channel.meta.MetaPayloads.messaging;
import static io.switchboard.channel.meta.MetaPayloads.status;
import static io.switchboard.channel.meta.MetaPayloads.text;
import static io.switchboard.channel.meta.MetaPayloads.whatsapp;
import static org.assertj.core.api.Assertions.assertThat;

/** Replies through the Graph API, Meta's delivery reports on them, and the 24-hour windows. */
@WithHub({"meta.app_secret=" + MetaPayloads.APP_SECRET, "outbox.backoff_ms=200"})
class MetaOutboundTest {

  static GraphServer graph;
  static TestHub hub;
  static ApiClient admin;
  static long waInbox;

  /** The Graph API is a stand-in on this machine. */
  @HubConfig
  static Map<String, Object> config() throws Exception {
    graph = new GraphServer("wa-token");
    return Map.of("meta.graph_base", graph.base());
  }

  @BeforeAll
  static void setUp() {
    admin = hub.admin();
    long wa = hub.inbox("WhatsApp Support");
    waInbox = wa;
    long page = hub.inbox("Messenger Support");
    admin.post("/api/v1/inboxes/" + wa + "/endpoints", new JsonObject().put("channel", "whatsapp").put("address", "1100001")
        .put("settings", new JsonObject().put("access_token", "wa-token"))).expect(201);
    admin.post("/api/v1/inboxes/" + page + "/endpoints", new JsonObject().put("channel", "messenger").put("address", "2200002")
        .put("settings", new JsonObject().put("access_token", "page-token"))).expect(201);
  }

  @AfterAll
  static void stop() throws Exception {
    graph.close();
  }

  /** A customer writes on WhatsApp; returns the conversation id. */
  static long whatsappConversation(String waId, String wamid) throws Exception {
    deliver(hub, whatsapp("1100001", contact(waId, "Customer " + waId), new JsonArray().add(text(wamid, waId, "hello from " + waId)), null));
    return conversation("whatsapp", waId);
  }

  static long conversation(String channel, String address) {
    for (Object o : admin.get("/api/v1/conversations?channel=" + channel + "&limit=200").expect(200).items()) {
      JsonObject c = (JsonObject) o;
      if (address.equals(c.getString("contact_address"))) return c.getLong("id");
    }
    throw new AssertionError("no conversation with " + address);
  }

  static JsonObject activity(long conversation, long id) {
    for (Object o : admin.get("/api/v1/conversations/" + conversation + "/activities").expect(200).items()) {
      if (((JsonObject) o).getLong("id") == id) return (JsonObject) o;
    }
    throw new AssertionError("no activity " + id);
  }

  static JsonObject awaitActivity(long conversation, long id, String status) {
    return Eventually.value("activity " + id + " becomes " + status, 15_000, 100, () -> activity(conversation, id),
        a -> status.equals(a.getString("status")));
  }

  static void incomingHoursAgo(long conversation, int hours) throws Exception {
    incomingHoursAgo(hub, conversation, hours);
  }

  /** Moves the customer's last message back in time, as if the 24-hour window had passed. */
  static void incomingHoursAgo(TestHub hub, long conversation, int hours) throws Exception {
    try (Connection c = TestDatabase.connect(hub.dbUrl); var st = c.prepareStatement(
        "UPDATE conversation SET last_incoming_at = now() - make_interval(hours => ?) WHERE id = ?")) {
      st.setInt(1, hours);
      st.setLong(2, conversation);
      assertThat(st.executeUpdate()).isEqualTo(1);
    }
  }

  static long count(String sql) throws Exception {
    try (Connection c = TestDatabase.connect(hub.dbUrl); ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  @DisplayName("a WhatsApp reply goes to the Graph API with the number's token; delivered and read reports update it, never backwards")
  void whatsappReplyAndStatuses() throws Exception {
    long conv = whatsappConversation("31650000001", "wamid.C1");
    try (LiveClient agent = LiveClient.agent(hub, admin)) {
      agent.awaitType("hello");
      long reply = admin.post("/api/v1/conversations/" + conv + "/messages", new JsonObject().put("text", "Your parcel left today"))
          .expect(201).json().getLong("id");
      GraphServer.Call call = graph.await(c -> c.path().equals("/v21.0/1100001/messages") && c.body().contains("Your parcel left today"),
          Duration.ofSeconds(10));
      assertThat(call.authorization()).isEqualTo("Bearer wa-token");
      JsonObject body = call.json();
      assertThat(body.getString("messaging_product")).isEqualTo("whatsapp");
      assertThat(body.getString("to")).isEqualTo("31650000001");
      assertThat(body.getString("type")).isEqualTo("text");
      assertThat(body.getJsonObject("text").getString("body")).isEqualTo("Your parcel left today");
      String wamid = awaitActivity(conv, reply, "sent").getString("provider_id");
      assertThat(wamid).startsWith("wamid.OUT");

      deliver(hub, whatsapp("1100001", null, null, new JsonArray().add(status(wamid, "delivered", "31650000001"))));
      awaitUpdate(agent, reply, "delivered");
      deliver(hub, whatsapp("1100001", null, null, new JsonArray().add(status(wamid, "read", "31650000001"))));
      awaitUpdate(agent, reply, "read");
      // late and out-of-order reports change nothing
      deliver(hub, whatsapp("1100001", null, null, new JsonArray().add(status(wamid, "sent", "31650000001"))
          .add(status(wamid, "delivered", "31650000001"))));
      assertThat(activity(conv, reply).getString("status")).isEqualTo("read");
    }

    long second = admin.post("/api/v1/conversations/" + conv + "/messages", new JsonObject().put("text", "One more thing"))
        .expect(201).json().getLong("id");
    String wamid2 = awaitActivity(conv, second, "sent").getString("provider_id");
    deliver(hub, whatsapp("1100001", null, null, new JsonArray().add(status(wamid2, "failed", "31650000001")
        .put("errors", new JsonArray().add(new JsonObject().put("code", 131026).put("title", "Message undeliverable")
            .put("error_data", new JsonObject().put("details", "the number is not on WhatsApp")))))));
    JsonObject failed = awaitActivity(conv, second, "failed");
    assertThat(failed.getJsonObject("error").getString("code")).isEqualTo("131026");
    assertThat(failed.getJsonObject("error").getString("message")).isEqualTo("Message undeliverable: the number is not on WhatsApp");
    assertThat(failed.getJsonObject("delivery").getString("explanation"))
        .isEqualTo("The recipient's number cannot receive WhatsApp messages. Check the contact's phone number.");
  }

  @Test
  @DisplayName("a WhatsApp reply more than 24 hours after the customer's last message is refused, saying a template is needed")
  void whatsappWindow() throws Exception {
    long conv = whatsappConversation("31650000002", "wamid.C2");
    incomingHoursAgo(conv, 25);
    long before = count("SELECT count(*) FROM activity WHERE conversation_id = " + conv);
    ApiClient.Response r = admin.post("/api/v1/conversations/" + conv + "/messages", new JsonObject().put("text", "Still there?"));
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.errorCode()).isEqualTo("conflict");
    String message = r.json().getJsonObject("error").getString("message");
    assertThat(message).contains("24 hours").contains("template");
    assertThat(count("SELECT count(*) FROM activity WHERE conversation_id = " + conv)).isEqualTo(before);

    incomingHoursAgo(conv, 23);
    admin.post("/api/v1/conversations/" + conv + "/messages", new JsonObject().put("text", "Still there?")).expect(201);
  }

  @Test
  @DisplayName("after the 24-hour window an approved template goes out with its values; the history shows it; bad templates are refused")
  void whatsappTemplate() throws Exception {
    long conv = whatsappConversation("31650000009", "wamid.C9");
    incomingHoursAgo(conv, 30);
    JsonObject template = new JsonObject().put("name", "order_update").put("language", "en_US")
        .put("parameters", new JsonArray().add("Carla").add("#1234"));
    JsonObject reply = admin.post("/api/v1/conversations/" + conv + "/messages", new JsonObject().put("template", template))
        .expect(201).json();
    GraphServer.Call call = graph.await(c -> c.body().contains("order_update"), Duration.ofSeconds(10));
    assertThat(call.path()).isEqualTo("/" + GraphServer.VERSION + "/1100001/messages");
    JsonObject body = call.json();
    assertThat(body.getString("type")).isEqualTo("template");
    assertThat(body.getString("to")).isEqualTo("31650000009");
    JsonObject sent = body.getJsonObject("template");
    assertThat(sent.getString("name")).isEqualTo("order_update");
    assertThat(sent.getJsonObject("language").getString("code")).isEqualTo("en_US");
    JsonObject component = sent.getJsonArray("components").getJsonObject(0);
    assertThat(component.getString("type")).isEqualTo("body");
    assertThat(component.getJsonArray("parameters").getJsonObject(0).getString("text")).isEqualTo("Carla");
    assertThat(component.getJsonArray("parameters").getJsonObject(1).getString("text")).isEqualTo("#1234");
    JsonObject done = awaitActivity(conv, reply.getLong("id"), "sent");
    assertThat(done.getString("text")).isEqualTo("Template order_update (en_US): Carla · #1234");

    // the agent's own rendering of the template is what history shows
    admin.post("/api/v1/conversations/" + conv + "/messages", new JsonObject().put("text", "Hi Carla, order #1234 has shipped.")
        .put("template", template)).expect(201);

    for (JsonObject bad : List.of(new JsonObject().put("name", "Order Update").put("language", "en_US"),
        new JsonObject().put("name", "order_update").put("language", "english"),
        new JsonObject().put("name", "order_update").put("language", "en_US").put("parameters", new JsonArray().add("")))) {
      ApiClient.Response r = admin.post("/api/v1/conversations/" + conv + "/messages", new JsonObject().put("template", bad));
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.errorField()).startsWith("template.");
    }
    long file = admin.send("POST", "/api/v1/attachments?filename=a.png", "PNG", "image/png").expect(201).json().getLong("id");
    assertThat(admin.post("/api/v1/conversations/" + conv + "/messages", new JsonObject().put("template", template)
        .put("attachments", new JsonArray().add(file))).status()).isEqualTo(400);
    deliver(hub, messaging("page", "2200002", event("9000009", "2200002")
        .put("message", new JsonObject().put("mid", "m_T9").put("text", "Hello"))));
    long page = conversation("messenger", "9000009");
    ApiClient.Response onMessenger = admin.post("/api/v1/conversations/" + page + "/messages", new JsonObject().put("template", template));
    assertThat(onMessenger.status()).isEqualTo(400);
    assertThat(onMessenger.errorField()).isEqualTo("template");
  }

  @Test
  @DisplayName("members list the approved templates of the endpoint's business account; others get 404; without waba_id a clear 409")
  void whatsappTemplateList() {
    long endpoint = admin.get("/api/v1/inboxes/" + waInbox + "/endpoints").expect(200).items().stream().map(o -> (JsonObject) o)
        .filter(e -> "1100001".equals(e.getString("address"))).findFirst().orElseThrow().getLong("id");
    ApiClient.Response missing = admin.get("/api/v1/endpoints/" + endpoint + "/whatsapp/templates");
    assertThat(missing.status()).isEqualTo(409);
    assertThat(missing.errorField()).isEqualTo("waba_id");
    assertThat(admin.patch("/api/v1/endpoints/" + endpoint, new JsonObject().put("settings", new JsonObject()
        .put("access_token", "wa-token").put("waba_id", "not a number"))).status()).isEqualTo(400);
    admin.patch("/api/v1/endpoints/" + endpoint, new JsonObject().put("settings", new JsonObject()
        .put("access_token", "wa-token").put("waba_id", "5550001"))).expect(200);
    graph.templates.put("5550001", new JsonObject().put("data", new JsonArray()
        .add(new JsonObject().put("name", "order_update").put("language", "en_US").put("status", "APPROVED").put("category", "UTILITY")
            .put("components", new JsonArray()
                .add(new JsonObject().put("type", "HEADER").put("format", "TEXT").put("text", "Your order"))
                .add(new JsonObject().put("type", "BODY").put("text", "Hi {{1}}, order {{2}} has shipped."))))
        .add(new JsonObject().put("name", "winback").put("language", "en_US").put("status", "REJECTED")
            .put("components", new JsonArray().add(new JsonObject().put("type", "BODY").put("text", "Come back!"))))));
    JsonArray items = admin.get("/api/v1/endpoints/" + endpoint + "/whatsapp/templates").expect(200).items();
    assertThat(items).hasSize(1);
    JsonObject t = items.getJsonObject(0);
    assertThat(t.getString("name")).isEqualTo("order_update");
    assertThat(t.getString("body")).isEqualTo("Hi {{1}}, order {{2}} has shipped.");
    assertThat(t.getString("header")).isEqualTo("Your order");
    assertThat(t.getInteger("parameters")).isEqualTo(2);
    assertThat(graph.calls(c -> c.path().endsWith("/5550001/message_templates")).get(0).authorization()).isEqualTo("Bearer wa-token");

    ApiClient outsider = hub.user("templates.outsider@example.com", "agent");
    assertThat(outsider.get("/api/v1/endpoints/" + endpoint + "/whatsapp/templates").status()).isEqualTo(404);
  }

  @Test
  @DisplayName("Graph errors: re-engagement (131047) fails the reply with the template explanation; a 5xx is retried until it goes")
  void graphErrors() throws Exception {
    long conv = whatsappConversation("31600000047", "wamid.C3");
    graph.sendErrors.put("31600000047", new JsonObject().put("code", 131047).put("message", "Re-engagement message").put("http", 400));
    long reply = admin.post("/api/v1/conversations/" + conv + "/messages", new JsonObject().put("text", "hello again"))
        .expect(201).json().getLong("id");
    JsonObject failed = awaitActivity(conv, reply, "failed");
    assertThat(failed.getJsonObject("error").getString("code")).isEqualTo("whatsapp_window_closed");
    assertThat(failed.getJsonObject("error").getString("message")).contains("template");
    assertThat(failed.getJsonObject("delivery").getString("explanation")).isEqualTo("The 24-hour WhatsApp window is closed: send a template.");
    assertThat(failed.getJsonObject("delivery").getString("cause")).isEqualTo("window_closed");

    long conv2 = whatsappConversation("31650000003", "wamid.C4");
    graph.sendErrors.put("31650000003", new JsonObject().put("code", 1).put("message", "An unknown error occurred").put("http", 500));
    long retried = admin.post("/api/v1/conversations/" + conv2 + "/messages", new JsonObject().put("text", "retry me"))
        .expect(201).json().getLong("id");
    graph.await(c -> c.body().contains("retry me"), Duration.ofSeconds(10));
    graph.sendErrors.remove("31650000003");
    assertThat(awaitActivity(conv2, retried, "sent").getString("provider_id")).startsWith("wamid.OUT");
    assertThat(graph.calls(c -> c.body().contains("retry me")).size()).isGreaterThanOrEqualTo(2);
  }

  @Test
  @DisplayName("a reply with a photo is sent by a signed link Meta can fetch, and the link opens nothing else")
  void whatsappMedia() throws Exception {
    long conv = whatsappConversation("31650000004", "wamid.C5");
    long file = admin.send("POST", "/api/v1/attachments?filename=label.png", "PNG-LABEL", "image/png").expect(201).json().getLong("id");
    admin.post("/api/v1/conversations/" + conv + "/messages", new JsonObject().put("text", "your return label")
        .put("attachments", new JsonArray().add(file))).expect(201);
    GraphServer.Call call = graph.await(c -> c.body().contains("your return label"), Duration.ofSeconds(10));
    JsonObject body = call.json();
    assertThat(body.getString("type")).isEqualTo("image");
    assertThat(body.getJsonObject("image").getString("caption")).isEqualTo("your return label");
    String link = body.getJsonObject("image").getString("link");
    URI u = URI.create(link);
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> got = http.send(HttpRequest.newBuilder(URI.create(hub.base() + u.getRawPath() + "?" + u.getRawQuery())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(got.body()).isEqualTo("PNG-LABEL");
    String other = hub.base() + u.getRawPath().replace("/" + file, "/" + (file + 1)) + "?" + u.getRawQuery();
    assertThat(http.send(HttpRequest.newBuilder(URI.create(other)).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("a Messenger reply goes to /me/messages as a RESPONSE; delivery and read watermarks update it; the 24-hour window applies")
  void messengerReply() throws Exception {
    deliver(hub, messaging("page", "2200002", event("9101", "2200002")
        .put("message", new JsonObject().put("mid", "m_C1").put("text", "Is the shop open on Sunday?"))));
    long conv = conversation("messenger", "9101");
    long reply = admin.post("/api/v1/conversations/" + conv + "/messages", new JsonObject().put("text", "Yes, 10 to 4"))
        .expect(201).json().getLong("id");
    GraphServer.Call call = graph.await(c -> c.path().equals("/v21.0/me/messages") && c.body().contains("Yes, 10 to 4"), Duration.ofSeconds(10));
    assertThat(call.authorization()).isEqualTo("Bearer page-token");
    assertThat(call.json().getJsonObject("recipient").getString("id")).isEqualTo("9101");
    assertThat(call.json().getString("messaging_type")).isEqualTo("RESPONSE");
    assertThat(call.json().getJsonObject("message").getString("text")).isEqualTo("Yes, 10 to 4");
    assertThat(awaitActivity(conv, reply, "sent").getString("provider_id")).startsWith("m_OUT");

    long later = System.currentTimeMillis() + 1000;
    deliver(hub, messaging("page", "2200002", event("9101", "2200002").put("delivery", new JsonObject().put("watermark", later))));
    awaitActivity(conv, reply, "delivered");
    deliver(hub, messaging("page", "2200002", event("9101", "2200002").put("read", new JsonObject().put("watermark", later))));
    awaitActivity(conv, reply, "read");

    incomingHoursAgo(conv, 30);
    ApiClient.Response r = admin.post("/api/v1/conversations/" + conv + "/messages", new JsonObject().put("text", "Hello?"));
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.json().getJsonObject("error").getString("message")).contains("24 hours").contains("write to you first");
  }

  static void awaitUpdate(LiveClient agent, long activity, String status) {
    agent.await(f -> "message.updated".equals(f.getString("type"))
        && f.getJsonObject("data").getJsonObject("activity").getLong("id") == activity
        && status.equals(f.getJsonObject("data").getJsonObject("activity").getString("status")), Duration.ofSeconds(10));
  }
}
