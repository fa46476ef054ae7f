package io.switchboard.automation;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.CallbackServer;
import io.switchboard.testing.Eventually;
import io.switchboard.testing.LiveClient;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@WithHub
class AssignmentTest {

  static TestHub hub;
  static CallbackServer crm;

  @BeforeAll
  static void setUp() {
    crm = new CallbackServer();
  }

  @AfterAll
  static void stop() {
    crm.close();
  }

  static Long assignee(long conversation) {
    return hub.admin().get("/api/v1/conversations/" + conversation).expect(200).json().getLong("assignee_id");
  }

  @Test
  @DisplayName("30 new conversations spread evenly over 3 online agents (10 each); offline members get none; caps hold; reopened ones are assigned")
  void roundRobin() {
    long inbox = hub.inbox("Round Robin");
    JsonObject ep = hub.apiEndpoint(inbox, null);
    List<ApiClient> online = new ArrayList<>();
    for (int i = 1; i <= 3; i++) online.add(hub.user("rr-online-" + i + "@example.com", "agent"));
    ApiClient offline = hub.user("rr-offline@example.com", "agent");
    for (ApiClient a : online) hub.member(inbox, a.userId());
    hub.member(inbox, offline.userId());
    ApiClient admin = hub.admin();
    assertThat(admin.patch("/api/v1/inboxes/" + inbox, new JsonObject().put("settings", new JsonObject()
        .put("auto_assign", new JsonObject().put("enabled", true).put("max_open_per_agent", 0)))).errorField())
        .isEqualTo("settings.auto_assign.max_open_per_agent");
    admin.patch("/api/v1/inboxes/" + inbox, new JsonObject().put("settings", new JsonObject()
        .put("auto_assign", new JsonObject().put("enabled", true).put("max_open_per_agent", 10)))).expect(200);

    List<LiveClient> sockets = new ArrayList<>();
    try {
      for (ApiClient a : online) {
        LiveClient s = LiveClient.agent(hub, a);
        s.awaitType("hello");
        sockets.add(s);
      }
      List<Long> conversations = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        conversations.add(hub.ingestApi(ep, "rr-cust-" + i, "hello", null).expect(200).json().getLong("conversation_id"));
      }
      Eventually.that("all 30 are assigned", 20_000, () -> conversations.stream().allMatch(c -> assignee(c) != null));
      Map<Long, Integer> per = new HashMap<>();
      conversations.forEach(c -> per.merge(assignee(c), 1, Integer::sum));
      Map<Long, Integer> expected = new HashMap<>();
      online.forEach(a -> expected.put(a.userId(), 10));
      assertThat(per).isEqualTo(expected);
      JsonObject note = admin.get("/api/v1/conversations/" + conversations.get(0) + "/activities?kind=system").items().getJsonObject(0);
      assertThat(note.getString("text")).startsWith("Assigned to rr-online-").endsWith("automatically (round-robin)");

      // everyone is at the cap: the next one waits unassigned
      long waiting = hub.ingestApi(ep, "rr-cust-waiting", "hello", null).expect(200).json().getLong("conversation_id");
      ScheduledMessagesTest.sleep(2500);
      assertThat(assignee(waiting)).isNull();

      // resolving one frees a place for its agent, and only theirs
      long freed = conversations.get(4);
      long freedAgent = assignee(freed);
      admin.patch("/api/v1/conversations/" + freed, new JsonObject().put("status", "resolved")).expect(200);
      long next = hub.ingestApi(ep, "rr-cust-next", "hello", null).expect(200).json().getLong("conversation_id");
      Eventually.that("the next one goes to the agent below the cap", 10_000, () -> assignee(next) != null);
      assertThat(assignee(next)).isEqualTo(freedAgent);

      // a resolved, unassigned conversation that the contact reopens is assigned again
      long reopened = conversations.get(7);
      long reopenedAgent = assignee(reopened);
      admin.patch("/api/v1/conversations/" + reopened, new JsonObject().putNull("assignee_id").put("status", "resolved")).expect(200);
      hub.ingestApi(ep, "rr-cust-7", "me again", null).expect(200);
      Eventually.that("the reopened one is assigned", 10_000, () -> assignee(reopened) != null);
      assertThat(assignee(reopened)).isEqualTo(reopenedAgent);

      // an agent who goes away gets nothing more
      sockets.get(0).send(new JsonObject().put("op", "presence").put("status", "away"));
      ScheduledMessagesTest.sleep(300);
      long another = conversations.get(0);
      long anotherAgent = assignee(another);
      admin.patch("/api/v1/conversations/" + another, new JsonObject().put("status", "resolved")).expect(200);
      long afterAway = hub.ingestApi(ep, "rr-cust-away", "hello", null).expect(200).json().getLong("conversation_id");
      ScheduledMessagesTest.sleep(2500);
      assertThat(anotherAgent).isEqualTo(online.get(0).userId());
      assertThat(assignee(afterAway)).isNull();
      assertThat(per).doesNotContainKey(offline.userId());
    } finally {
      sockets.forEach(LiveClient::close);
    }
  }

  @Test
  @DisplayName("the outside-hours auto-reply goes once per conversation per closed period, and never while open")
  void autoReplyOutsideHours() {
    long inbox = hub.inbox("After Hours");
    JsonObject ep = hub.apiEndpoint(inbox, crm.url("/hours"));
    JsonObject hours = new JsonObject().put("timezone", "UTC").put("weekly", new JsonObject()
        .put("mon", new JsonArray().add(new JsonArray().add("09:00").add("17:00")))
        .put("tue", new JsonArray().add(new JsonArray().add("09:00").add("17:00"))));
    hub.admin().patch("/api/v1/inboxes/" + inbox, new JsonObject().put("business_hours", hours).put("settings",
        new JsonObject().put("auto_reply_outside_hours", "Thanks! We are closed now and answer on Monday from 9:00."))).expect(200);
    var clock = hub.switchboard.node().clock();
    try {
      clock.set(at("2026-03-07T10:00:00Z"));      // a Saturday
      long conversation = hub.ingestApi(ep, "hours-cust", "anyone there?", null).expect(200).json().getLong("conversation_id");
      hub.ingestApi(ep, "hours-cust", "hello??", null).expect(200);
      Eventually.that("one auto-reply", 10_000, () -> replies().size() == 1);
      hub.ingestApi(ep, "hours-other", "hi", null).expect(200);
      Eventually.that("another conversation gets its own", 10_000, () -> replies().size() == 2);
      clock.set(at("2026-03-08T20:00:00Z"));      // Sunday evening: the same closed period
      hub.ingestApi(ep, "hours-cust", "still nobody?", null).expect(200);
      ScheduledMessagesTest.sleep(2000);
      assertThat(replies()).hasSize(2);
      clock.set(at("2026-03-09T10:00:00Z"));      // Monday, open
      hub.ingestApi(ep, "hours-cust", "good morning", null).expect(200);
      ScheduledMessagesTest.sleep(2000);
      assertThat(replies()).hasSize(2);
      clock.set(at("2026-03-09T18:30:00Z"));      // Monday evening: a new closed period
      hub.ingestApi(ep, "hours-cust", "one more thing", null).expect(200);
      Eventually.that("a new closed period, a new auto-reply", 10_000, () -> replies().size() == 3);
      JsonObject reply = hub.admin().get("/api/v1/conversations/" + conversation + "/activities?kind=message").items().stream()
          .map(o -> (JsonObject) o).filter(m -> "out".equals(m.getString("direction"))).findFirst().orElseThrow();
      assertThat(reply.getJsonObject("sender").getString("type")).isEqualTo("system");
      assertThat(reply.getJsonObject("sender").getString("name")).isEqualTo("After Hours");
    } finally {
      clock.set(Clock.systemUTC());
    }
  }

  static List<CallbackServer.Received> replies() {
    return crm.received.stream().filter(r -> r.path().equals("/hours")).toList();
  }

  static Clock at(String instant) {
    return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
  }
}
