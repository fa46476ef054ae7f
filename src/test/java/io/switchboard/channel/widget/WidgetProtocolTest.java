package io.switchboard.channel.widget;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.Eventually;
import io.switchboard.testing.LiveClient;
import io.switchboard.testing.TestDatabase;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The visitor side of the widget, spoken by a plain WebSocket client. */
@WithHub("widget.messages_per_minute=5")
class WidgetProtocolTest {

  static final String SITE = "https://shop.example";
  static TestHub hub;

  /** A widget endpoint on a new inbox: {id, key, secret, inbox_id}. */
  static JsonObject widget(String inboxName, JsonObject settings) {
    long inbox = hub.inbox(inboxName);
    return hub.admin().post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "widget")
        .put("name", inboxName + " chat").put("settings", settings)).expect(201).json();
  }

  static LiveClient connect(JsonObject widget, String origin) {
    return LiveClient.connect(hub.wsUrl("/widget/ws?key=" + widget.getString("key")),
        origin == null ? Map.of() : Map.of("Origin", origin), true);
  }

  static JsonObject hello(LiveClient c, JsonObject fields) {
    c.send(fields.copy().put("op", "hello"));
    return c.await(f -> "hello".equals(f.getString("type")) || "error".equals(f.getString("type")), Duration.ofSeconds(10));
  }

  static JsonObject say(LiveClient c, String id, String text) {
    c.send(new JsonObject().put("op", "message").put("id", id).put("text", text));
    return c.await(f -> id.equals(f.getString("id")), Duration.ofSeconds(10));
  }

  static String hmacHex(String key, String data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
  }

  static long count(String sql) throws Exception {
    try (Connection c = TestDatabase.connect(hub.dbUrl); ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  @DisplayName("a visitor's message is acknowledged once stored, reaches the agents live, and a retry with the same id is stored once")
  void messageAckedOnceAndLive() throws Exception {
    JsonObject w = widget("Acks", new JsonObject());
    try (LiveClient agent = LiveClient.agent(hub, hub.admin()); LiveClient visitor = connect(w, SITE)) {
      agent.awaitType("hello");
      JsonObject hello = hello(visitor, new JsonObject());
      assertThat(hello.getString("type")).isEqualTo("hello");
      assertThat(hello.getString("token")).startsWith("v1.");
      assertThat(hello.getValue("conversation")).isNull();
      assertThat(hello.getJsonArray("messages")).isEmpty();
      assertThat(hello.getJsonObject("widget").getString("title")).isEqualTo("Acks chat");

      JsonObject ack = say(visitor, "c-1", "Hello there, is the blue kettle in stock?");
      assertThat(ack.getString("type")).isEqualTo("ack");
      long messageId = ack.getJsonObject("message").getLong("id");
      assertThat(ack.getJsonObject("message").getString("from")).isEqualTo("visitor");
      assertThat(ack.getJsonObject("message").getString("client_id")).isEqualTo("c-1");
      JsonObject live = agent.await(f -> "message.created".equals(f.getString("type"))
          && f.getJsonObject("data").getJsonObject("activity").getLong("id") == messageId, Duration.ofSeconds(10));
      JsonObject conversation = live.getJsonObject("data").getJsonObject("conversation");
      assertThat(conversation.getString("channel")).isEqualTo("widget");
      assertThat(conversation.getString("contact_address")).startsWith("v_");
      assertThat(conversation.getJsonObject("contact").getString("name")).startsWith("Visitor ");
      assertThat(live.getJsonObject("data").getJsonObject("activity").getJsonObject("data").getString("origin")).isEqualTo(SITE);

      JsonObject again = say(visitor, "c-1", "Hello there, is the blue kettle in stock?");
      assertThat(again.getString("type")).isEqualTo("ack");
      assertThat(again.getJsonObject("message").getLong("id")).isEqualTo(messageId);
      assertThat(count("SELECT count(*) FROM activity WHERE text = 'Hello there, is the blue kettle in stock?'")).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("an agent's reply reaches the visitor live, turns delivered and read on the widget's receipts, and what came while away is there on return")
  void repliesLiveReceiptsAndHistory() {
    JsonObject w = widget("Replies", new JsonObject());
    ApiClient admin = hub.admin();
    String token;
    long conversation;
    try (LiveClient agent = LiveClient.agent(hub, admin); LiveClient visitor = connect(w, SITE)) {
      agent.awaitType("hello");
      token = hello(visitor, new JsonObject()).getString("token");
      conversation = say(visitor, "m1", "Where is my order?").getLong("conversation");

      long reply = admin.post("/api/v1/conversations/" + conversation + "/messages", new JsonObject().put("text", "Let me check <b>now</b>"))
          .expect(201).json().getLong("id");
      JsonObject got = visitor.await(f -> "message".equals(f.getString("type")), Duration.ofSeconds(10)).getJsonObject("message");
      assertThat(got.getLong("id")).isEqualTo(reply);
      assertThat(got.getString("from")).isEqualTo("agent");
      assertThat(got.getString("text")).isEqualTo("Let me check <b>now</b>");
      assertThat(got.getString("name")).isEqualTo(admin.user.getString("name"));
      awaitStatus(agent, reply, "sent");

      visitor.send(new JsonObject().put("op", "received").put("up_to", reply));
      awaitStatus(agent, reply, "delivered");
      visitor.send(new JsonObject().put("op", "read").put("up_to", reply));
      awaitStatus(agent, reply, "read");
    }
    // the visitor is away: the reply is still sent, and waits for them
    long later = admin.post("/api/v1/conversations/" + conversation + "/messages", new JsonObject().put("text", "It ships tomorrow"))
        .expect(201).json().getLong("id");
    awaitRestStatus(admin, conversation, later, "sent");
    try (LiveClient back = connect(w, SITE)) {
      JsonObject hello = hello(back, new JsonObject().put("token", token));
      assertThat(hello.getLong("conversation")).isEqualTo(conversation);
      assertThat(hello.getValue("token")).isEqualTo(token);
      JsonArray messages = hello.getJsonArray("messages");
      assertThat(messages.stream().map(m -> ((JsonObject) m).getString("text")).toList())
          .containsExactly("Where is my order?", "Let me check <b>now</b>", "It ships tomorrow");
      assertThat(messages.getJsonObject(1).getString("status")).isEqualTo("read");
    }
  }

  @Test
  @DisplayName("a visitor's other tab shows what they write there and the agent's replies")
  void twoTabs() {
    JsonObject w = widget("Tabs", new JsonObject());
    try (LiveClient first = connect(w, SITE)) {
      String token = hello(first, new JsonObject()).getString("token");
      long conversation = say(first, "tab-0", "opening the chat").getLong("conversation");
      // several sockets, so they land on different event loops of the hub
      List<LiveClient> others = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          LiveClient tab = connect(w, SITE);
          others.add(tab);
          assertThat(hello(tab, new JsonObject().put("token", token)).getLong("conversation")).isEqualTo(conversation);
        }
        say(first, "tab-1", "written in the first tab");
        long reply = hub.admin().post("/api/v1/conversations/" + conversation + "/messages", new JsonObject().put("text", "seen in every tab"))
            .expect(201).json().getLong("id");
        for (LiveClient tab : others) {
          assertThat(tab.await(f -> "message".equals(f.getString("type")), Duration.ofSeconds(10))
              .getJsonObject("message").getString("text")).isEqualTo("written in the first tab");
          assertThat(tab.await(f -> "message".equals(f.getString("type")), Duration.ofSeconds(10))
              .getJsonObject("message").getLong("id")).isEqualTo(reply);
        }
        JsonObject own = first.await(f -> "message".equals(f.getString("type")), Duration.ofSeconds(10));
        assertThat(own.getJsonObject("message").getLong("id")).as("the writing tab gets its ack, not an echo").isEqualTo(reply);
      } finally {
        others.forEach(LiveClient::close);
      }
    }
  }

  @Test
  @DisplayName("older messages come in pages on request")
  void historyPages() {
    JsonObject w = widget("Paging", new JsonObject());
    try (LiveClient visitor = connect(w, SITE)) {
      hello(visitor, new JsonObject());
      long last = 0;
      for (int i = 1; i <= 4; i++) last = say(visitor, "p" + i, "message " + i).getJsonObject("message").getLong("id");
      visitor.send(new JsonObject().put("op", "history").put("before", last).put("limit", 2));
      JsonObject page = visitor.awaitType("history");
      assertThat(page.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getString("text")).toList())
          .containsExactly("message 2", "message 3");
      assertThat(page.getBoolean("more")).isTrue();
    }
  }

  @Test
  @DisplayName("a forged visitor token, or one issued by another widget, is refused with 4401")
  void forgedTokensRefused() {
    JsonObject a = widget("Token A", new JsonObject());
    JsonObject b = widget("Token B", new JsonObject());
    String token;
    try (LiveClient v = connect(a, SITE)) {
      token = hello(v, new JsonObject()).getString("token");
      say(v, "t1", "hi from A");
    }
    String forged = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
    String[] payload = token.split("\\.");
    String otherVisitor = "v1." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        new JsonObject().put("w", a.getLong("id")).put("v", "v_someoneelse").encode().getBytes(StandardCharsets.UTF_8)) + "." + payload[2];
    for (var c : List.of(Map.entry(a, forged), Map.entry(a, otherVisitor), Map.entry(b, token), Map.entry(a, "garbage"))) {
      try (LiveClient v = connect(c.getKey(), SITE)) {
        JsonObject answer = hello(v, new JsonObject().put("token", c.getValue()));
        assertThat(answer.getString("code")).isEqualTo("invalid_token");
        assertThat(v.closeCode(Duration.ofSeconds(5))).isEqualTo(4401);
      }
    }
  }

  @Test
  @DisplayName("an identified visitor's history follows them to another device; a wrong or missing hash is refused")
  void identifiedVisitors() throws Exception {
    JsonObject w = widget("Identified", new JsonObject());
    String hash = hmacHex(w.getString("secret"), "customer-8812");
    long conversation;
    try (LiveClient laptop = connect(w, SITE)) {
      JsonObject hello = hello(laptop, new JsonObject().put("identifier", "customer-8812").put("identifier_hash", hash)
          .put("name", "Grace Hopper").put("email", "Grace@Example.com"));
      assertThat(hello.getJsonObject("visitor").getBoolean("identified")).isTrue();
      assertThat(hello.getValue("token")).isNull();
      conversation = say(laptop, "l1", "Sent from my laptop").getLong("conversation");
    }
    JsonObject conv = hub.admin().get("/api/v1/conversations/" + conversation).expect(200).json();
    assertThat(conv.getString("contact_address")).isEqualTo("customer-8812");
    assertThat(conv.getJsonObject("contact").getString("name")).isEqualTo("Grace Hopper");
    assertThat(conv.getJsonObject("contact").getString("email")).isEqualTo("grace@example.com");
    try (LiveClient phone = connect(w, SITE)) {
      JsonObject hello = hello(phone, new JsonObject().put("identifier", "customer-8812").put("identifier_hash", hash.toUpperCase()));
      assertThat(hello.getLong("conversation")).isEqualTo(conversation);
      assertThat(hello.getJsonArray("messages").getJsonObject(0).getString("text")).isEqualTo("Sent from my laptop");
    }
    for (JsonObject bad : List.of(
        new JsonObject().put("identifier", "customer-8812").put("identifier_hash", hmacHex(w.getString("secret"), "customer-8813")),
        new JsonObject().put("identifier", "customer-8812"),
        new JsonObject().put("identifier", "customer-8812").put("identifier_hash", hmacHex("not-the-secret", "customer-8812")))) {
      try (LiveClient v = connect(w, SITE)) {
        assertThat(hello(v, bad).getString("code")).isEqualTo("identity_refused");
        assertThat(v.closeCode(Duration.ofSeconds(5))).isEqualTo(4403);
      }
    }
  }

  @Test
  @DisplayName("only listed origins may open the widget, before the upgrade; an unknown key is 404")
  void originsAndKeys() {
    JsonObject w = widget("Origins", new JsonObject().put("allowed_origins", new JsonArray().add(SITE)));
    assertThatThrownBy(() -> connect(w, "https://evil.example")).isInstanceOfSatisfying(LiveClient.Refused.class,
        r -> assertThat(r.status).isEqualTo(403));
    assertThatThrownBy(() -> connect(w, null)).isInstanceOfSatisfying(LiveClient.Refused.class,
        r -> assertThat(r.status).isEqualTo(403));
    try (LiveClient ok = connect(w, "https://SHOP.example:443")) {
      assertThat(hello(ok, new JsonObject()).getString("type")).isEqualTo("hello");
    }
    for (String key : List.of("k_doesnotexist12345", "nonsense", "k_" + "x".repeat(100))) {
      assertThatThrownBy(() -> LiveClient.connect(hub.wsUrl("/widget/ws?key=" + key), Map.of(), true))
          .isInstanceOfSatisfying(LiveClient.Refused.class, r -> assertThat(r.status).isEqualTo(404));
    }
  }

  @Test
  @DisplayName("oversized frames close the socket, floods are throttled then closed, and message bursts are refused per visitor")
  void limits() throws Exception {
    JsonObject w = widget("Limits", new JsonObject());
    try (LiveClient v = connect(w, SITE)) {
      v.send(new JsonObject().put("op", "message").put("id", "early").put("text", "before hello"));
      assertThat(v.awaitType("error").getString("code")).isEqualTo("not_ready");
      hello(v, new JsonObject());
      v.sendText("{\"op\":\"message\",\"id\":\"big\",\"text\":\"" + "x".repeat(20_000) + "\"}");
      assertThat(v.closeCode(Duration.ofSeconds(5))).isEqualTo(4413);
    }
    try (LiveClient v = connect(w, SITE)) {
      hello(v, new JsonObject());
      for (int i = 0; i < 80; i++) {
        try {
          v.send(new JsonObject().put("op", "ping"));
        } catch (RuntimeException closedMeanwhile) {
          break; // the server may close the flood before the client is done
        }
      }
      assertThat(v.awaitType("error").getString("code")).isEqualTo("rate_limited");
      assertThat(v.closeCode(Duration.ofSeconds(5))).isEqualTo(4429);
    }
    try (LiveClient v = connect(w, SITE)) {
      hello(v, new JsonObject());
      long before = count("SELECT count(*) FROM activity WHERE text LIKE 'burst %'");
      int refused = 0;
      for (int i = 0; i < 7; i++) {
        JsonObject answer = say(v, "b" + i, "burst " + i);
        if ("error".equals(answer.getString("type"))) {
          assertThat(answer.getString("code")).isEqualTo("rate_limited");
          refused++;
        }
        Thread.sleep(150);
      }
      assertThat(refused).isEqualTo(2);
      assertThat(count("SELECT count(*) FROM activity WHERE text LIKE 'burst %'") - before).isEqualTo(5);
    }
  }

  @Test
  @DisplayName("agents' typing and reading reach the visitor, and the visitor's typing reaches the agents")
  void typingAndRead() {
    JsonObject w = widget("Typing", new JsonObject());
    ApiClient admin = hub.admin();
    try (LiveClient agent = LiveClient.agent(hub, admin); LiveClient visitor = connect(w, SITE)) {
      agent.awaitType("hello");
      hello(visitor, new JsonObject());
      long conversation = say(visitor, "t1", "anyone there?").getLong("conversation");

      agent.send(new JsonObject().put("op", "typing").put("conversation", conversation));
      JsonObject typing = visitor.awaitType("typing");
      assertThat(typing.getBoolean("typing")).isTrue();
      assertThat(typing.getJsonObject("agent").getString("name")).isEqualTo(admin.user.getString("name"));

      admin.post("/api/v1/conversations/" + conversation + "/read", null).expect(200);
      JsonObject read = visitor.awaitType("read");
      assertThat(read.getString("at")).isNotBlank();

      visitor.send(new JsonObject().put("op", "typing").put("typing", true));
      JsonObject seen = agent.await(f -> "typing".equals(f.getString("type")) && f.getJsonObject("data").containsKey("contact"),
          Duration.ofSeconds(10));
      assertThat(seen.getLong("conversation")).isEqualTo(conversation);
    }
  }

  @Test
  @DisplayName("a disabled widget keeps its history, tells the visitor why, and takes no messages; agents cannot reply on it")
  void disabledWidget() {
    JsonObject w = widget("Disabled", new JsonObject());
    ApiClient admin = hub.admin();
    try (LiveClient visitor = connect(w, SITE)) {
      String token = hello(visitor, new JsonObject()).getString("token");
      long conversation = say(visitor, "d1", "before the break").getLong("conversation");
      admin.patch("/api/v1/endpoints/" + w.getLong("id"), new JsonObject().put("enabled", false)
          .put("disabled_reason", "closed for the holidays")).expect(200);
      JsonObject status = visitor.awaitType("status");
      assertThat(status.getBoolean("enabled")).isFalse();
      assertThat(status.getString("disabled_reason")).isEqualTo("closed for the holidays");
      JsonObject refused = say(visitor, "d2", "hello?");
      assertThat(refused.getString("code")).isEqualTo("disabled");
      assertThat(refused.getString("message")).contains("closed for the holidays");
      ApiClient.Response reply = admin.post("/api/v1/conversations/" + conversation + "/messages", new JsonObject().put("text", "x"));
      assertThat(reply.status()).isEqualTo(409);
      assertThat(reply.json().getJsonObject("error").getString("message")).contains("closed for the holidays");
      try (LiveClient again = connect(w, SITE)) {
        JsonObject hello = hello(again, new JsonObject().put("token", token));
        assertThat(hello.getJsonObject("widget").getBoolean("enabled")).isFalse();
        assertThat(hello.getJsonArray("messages")).hasSize(1);
      }
    }
  }

  @Test
  @DisplayName("a file an agent attaches reaches the visitor through a signed link, which does not open other files")
  void attachmentsBySignedLink() throws Exception {
    JsonObject w = widget("Files", new JsonObject());
    ApiClient admin = hub.admin();
    try (LiveClient visitor = connect(w, SITE)) {
      hello(visitor, new JsonObject());
      long conversation = say(visitor, "f1", "send me the invoice").getLong("conversation");
      long file = admin.send("POST", "/api/v1/attachments?filename=invoice.pdf", "%PDF-1.4 invoice", "application/pdf")
          .expect(201).json().getLong("id");
      admin.post("/api/v1/conversations/" + conversation + "/messages", new JsonObject().put("text", "here it is")
          .put("attachments", new JsonArray().add(file))).expect(201);
      JsonObject got = visitor.await(f -> "message".equals(f.getString("type")), Duration.ofSeconds(10)).getJsonObject("message");
      String url = got.getJsonArray("attachments").getJsonObject(0).getString("url");
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(hub.base() + url)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).isEqualTo("%PDF-1.4 invoice");
      String tampered = url.replace("/widget/files/" + file, "/widget/files/" + (file + 1));
      assertThat(http.send(HttpRequest.newBuilder(URI.create(hub.base() + tampered)).build(), HttpResponse.BodyHandlers.ofString())
          .statusCode()).isEqualTo(404);
    }
  }

  static void awaitStatus(LiveClient agent, long activity, String status) {
    agent.await(f -> "message.updated".equals(f.getString("type"))
        && f.getJsonObject("data").getJsonObject("activity").getLong("id") == activity
        && status.equals(f.getJsonObject("data").getJsonObject("activity").getString("status")), Duration.ofSeconds(10));
  }

  static void awaitRestStatus(ApiClient client, long conversation, long activity, String status) {
    Eventually.that("activity " + activity + " becomes " + status, 10_000, 100, () -> {
      for (Object o : client.get("/api/v1/conversations/" + conversation + "/activities").expect(200).items()) {
        JsonObject a = (JsonObject) o;
        if (a.getLong("id") == activity && status.equals(a.getString("status"))) return true;
      }
      return false;
    });
  }

  @Test
  @DisplayName("a visitor's message with NUL characters is acknowledged and stored cleaned")
  void unstorableText() throws Exception {
    JsonObject w = widget("Widget Nul", new JsonObject());
    try (LiveClient c = connect(w, null)) {
      hello(c, new JsonObject());
      JsonObject ack = say(c, "nul-1", "zero\u0000byte");
      assertThat(ack.getString("type")).as(ack.encode()).isEqualTo("ack");
      assertThat(ack.getJsonObject("message").getString("text")).isEqualTo("zerobyte");
    }
    assertThat(count("SELECT count(*) FROM activity WHERE text = 'zerobyte' AND data->'cleaned' ? 'text'")).isEqualTo(1);
  }
}
