package io.switchboard.automation;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.CallbackServer;
import io.switchboard.testing.Eventually;
import io.switchboard.testing.TestDatabase;
import io.switchboard.testing.TestHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Hubs sharing one database: each with its own Vert.x, dispatcher and automation, as separate nodes would be. */
class AcrossNodesTest {

  @Test
  @DisplayName("two hubs on one database: 500 messages due within the same minute are each sent exactly once, by both nodes")
  void fiveHundredOnceAcrossTwoNodes() throws Exception {
    try (TestHub first = TestHub.start(); CallbackServer crm = new CallbackServer()) {
      try (TestHub second = TestHub.start(Map.of("db.url", first.dbUrl))) {
        long inbox = first.inbox("Across Nodes");
        JsonObject ep = first.apiEndpoint(inbox, crm.url("/many"));
        List<Long> conversations = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          conversations.add(first.ingestApi(ep, "node-cust-" + i, "hello " + i, null).expect(200).json().getLong("conversation_id"));
        }
        ApiClient[] clients = {first.admin(), ApiClient.login(second.base(), TestHub.ADMIN_EMAIL, TestHub.ADMIN_PASSWORD)};
        Instant base = Instant.now().plusSeconds(25);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> posts = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
          int n = i;
          posts.add(pool.submit(() -> clients[n % 2].post("/api/v1/conversations/" + conversations.get(n % 50) + "/messages",
              new JsonObject().put("text", "scheduled #" + n).put("send_at", base.plusMillis(n * 40L).toString())).expect(201)));
        }
        for (Future<?> f : posts) f.get();
        pool.shutdown();
        assertThat(Instant.now()).as("all were scheduled before the first was due").isBefore(base);

        Eventually.that("500 deliveries arrive", 120_000, () -> crm.received.size() >= 500);
        Thread.sleep(3000); // a fixed wait, on purpose: anything sent twice would show up now
        Map<String, Integer> perDelivery = new HashMap<>();
        for (CallbackServer.Received r : crm.received) perDelivery.merge(r.headers().get("X-Switchboard-Delivery"), 1, Integer::sum);
        assertThat(perDelivery).hasSize(500);
        assertThat(perDelivery.values()).allMatch(n -> n == 1);
        assertThat(crm.received.stream().map(r -> new JsonObject(r.body()).getJsonObject("message").getString("text")).distinct())
            .hasSize(500);

        try (Connection db = TestDatabase.connect(first.dbUrl); var st = db.createStatement()) {
          ResultSet rs = st.executeQuery("""
              SELECT count(*) FILTER (WHERE status = 'sent'), count(DISTINCT activity_id), count(DISTINCT sent_by),
                count(*) FILTER (WHERE sent_at < send_at) FROM scheduled_message""");
          rs.next();
          assertThat(rs.getLong(1)).as("sent").isEqualTo(500);
          assertThat(rs.getLong(2)).as("one activity each").isEqualTo(500);
          assertThat(rs.getLong(3)).as("nodes that sent").isEqualTo(2);
          assertThat(rs.getLong(4)).as("sent before its time").isZero();
        }
      }
    }
  }

  @Test
  @DisplayName("two hubs on one database: each contact message is answered by the inbox's bot exactly once, whichever node took it")
  void botAnswersOnceAcrossTwoNodes() throws Exception {
    try (TestHub first = TestHub.start(); CallbackServer crm = new CallbackServer()) {
      try (TestHub second = TestHub.start(Map.of("db.url", first.dbUrl))) {
        ApiClient admin = first.admin();
        long inbox = first.inbox("Bot Across Nodes");
        JsonObject ep = first.apiEndpoint(inbox, crm.url("/bot"));
        long bot = admin.post("/api/v1/chatbots", new JsonObject().put("name", "Greeter").put("rules", new JsonArray()
            .add(new JsonObject().put("trigger", new JsonObject().put("type", "any"))
                .put("actions", new JsonArray().add(new JsonObject().put("type", "reply").put("text", "Hello from the bot"))
                    .add(new JsonObject().put("type", "handover"))))))
            .expect(201).json().getLong("id");
        admin.patch("/api/v1/inboxes/" + inbox, new JsonObject().put("settings", new JsonObject().put("default_chatbot_id", bot))).expect(200);
        TestHub[] hubs = {first, second};
        for (int i = 0; i < 40; i++) hubs[i % 2].ingestApi(ep, "bot-node-" + i, "hi " + i, null).expect(200);
        Eventually.that("40 answers", 30_000, () -> crm.received.size() >= 40);
        Thread.sleep(3000); // a fixed wait, on purpose: a second answer would show up now
        Map<String, Integer> perConversation = new HashMap<>();
        for (CallbackServer.Received r : crm.received) {
          perConversation.merge(String.valueOf(new JsonObject(r.body()).getLong("conversation_id")), 1, Integer::sum);
        }
        assertThat(perConversation).hasSize(40);
        assertThat(perConversation.values()).allMatch(n -> n == 1);
      }
    }
  }

  @Test
  @DisplayName("a message due while the hub was down goes out at the next start, with its lateness recorded")
  void dueWhileDown() throws Exception {
    try (CallbackServer crm = new CallbackServer()) {
      TestHub before = TestHub.start();
      String dbUrl = before.dbUrl;
      long inbox = before.inbox("Downtime");
      JsonObject ep = before.apiEndpoint(inbox, crm.url("/down"));
      long conversation = before.ingestApi(ep, "down-cust", "ping me later", null).expect(200).json().getLong("conversation_id");
      Instant due = Instant.now().plusSeconds(2);
      long id = before.admin().post("/api/v1/conversations/" + conversation + "/messages",
          new JsonObject().put("text", "sorry for the wait").put("send_at", due.toString())).expect(201).json().getLong("id");
      before.close();
      // a fixed wait, on purpose: the message falls due while no hub runs, and nothing sends it
      Thread.sleep(Math.max(0, due.toEpochMilli() - System.currentTimeMillis()) + 4000);
      assertThat(crm.received).isEmpty();

      try (TestHub after = TestHub.start(Map.of("db.url", dbUrl))) {
        CallbackServer.Received got = crm.await(r -> r.path().equals("/down"), 20_000);
        assertThat(new JsonObject(got.body()).getJsonObject("message").getString("text")).isEqualTo("sorry for the wait");
        JsonObject s = after.admin().get("/api/v1/scheduled/" + id).expect(200).json();
        assertThat(s.getString("status")).isEqualTo("sent");
        assertThat(s.getLong("lateness_ms")).isGreaterThanOrEqualTo(3500L);
        JsonObject activity = after.admin().get("/api/v1/conversations/" + conversation + "/activities?kind=message").items().stream()
            .map(o -> (JsonObject) o).filter(a -> a.getLong("id").equals(s.getLong("activity_id"))).findFirst().orElseThrow();
        assertThat(activity.getJsonObject("data").getLong("lateness_ms")).isEqualTo(s.getLong("lateness_ms"));
        Thread.sleep(2000); // a fixed wait, on purpose: it is not sent a second time
        assertThat(crm.received).hasSize(1);
      }
    }
  }
}
