package io.switchboard.live;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.LiveClient;
import io.switchboard.testing.TestDatabase;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@WithHub({"live.queue_limit=200", "live.frames_per_second=20"})
class LiveGatewayTest {

  static TestHub hub;

  private static boolean isMessage(JsonObject f, String text) {
    return "message.created".equals(f.getString("type"))
        && text.equals(f.getJsonObject("data").getJsonObject("activity").getString("text"));
  }

  @Test
  @DisplayName("a member receives message.created for an ingested message, with enough data to render it")
  void memberReceivesMessages() {
    long inbox = hub.inbox("Live Basic");
    JsonObject ep = hub.apiEndpoint(inbox, null);
    ApiClient agent = hub.user("live-basic@example.com", "agent");
    hub.member(inbox, agent.userId());
    try (LiveClient live = LiveClient.agent(hub, agent)) {
      JsonObject hello = live.awaitType("hello");
      assertThat(hello.getJsonArray("inboxes").getList()).contains((int) inbox);
      hub.ingestApi(ep, "cust-live", "is anyone there?", "lb-1").expect(200);
      JsonObject created = live.awaitType("conversation.created");
      JsonObject msg = live.await(f -> isMessage(f, "is anyone there?"), Duration.ofSeconds(10));
      assertThat(msg.getLong("seq")).isGreaterThan(created.getLong("seq"));
      assertThat(msg.getLong("inbox")).isEqualTo(inbox);
      assertThat(msg.getLong("conversation")).isNotNull();
      assertThat(msg.getString("at")).isNotBlank();
      JsonObject data = msg.getJsonObject("data");
      assertThat(data.getJsonObject("activity").getString("direction")).isEqualTo("in");
      // the frame carries the activity exactly as the REST API shows it
      JsonObject rest = agent.get("/api/v1/conversations/" + msg.getLong("conversation") + "/activities?kind=message")
          .expect(200).items().getJsonObject(0);
      assertThat(data.getJsonObject("activity")).isEqualTo(rest);
      assertThat(data.getJsonObject("conversation").getJsonObject("contact").getString("name")).isEqualTo("Customer cust-live");
    }
  }

  @Test
  @DisplayName("a non-member of an inbox receives nothing of it, ever, across many messages")
  void nonMemberReceivesNothing() {
    long mine = hub.inbox("Live Mine");
    long theirs = hub.inbox("Live Theirs");
    JsonObject myEp = hub.apiEndpoint(mine, null);
    JsonObject theirEp = hub.apiEndpoint(theirs, null);
    ApiClient agent = hub.user("live-outsider@example.com", "agent");
    hub.member(mine, agent.userId());
    long start;
    try (LiveClient live = LiveClient.agent(hub, agent)) {
      start = live.awaitType("hello").getLong("seq");
      for (int i = 0; i < 100; i++) hub.ingestApi(theirEp, "cust-other-" + (i % 7), "secret " + i, "nm-" + i).expect(200);
      hub.ingestApi(myEp, "cust-mine", "mine", "nm-mine").expect(200);
      live.await(f -> isMessage(f, "mine"), Duration.ofSeconds(10));
      List<JsonObject> leaked = live.collect(f -> f.getLong("inbox") != null && f.getLong("inbox") == theirs, Duration.ofSeconds(1));
      assertThat(leaked).isEmpty();
      // a resume replays nothing this socket already got live, and leaks nothing either
      live.send(new JsonObject().put("op", "resume").put("after", start));
      JsonObject resumed = live.awaitType("resumed");
      assertThat(resumed.getInteger("count")).isZero();
    }
    try (LiveClient again = LiveClient.agent(hub, agent)) {
      again.awaitType("hello");
      again.send(new JsonObject().put("op", "resume").put("after", start));
      List<JsonObject> frames = again.collect(f -> f.getLong("inbox") != null, Duration.ofSeconds(2));
      assertThat(frames).isNotEmpty().allMatch(f -> f.getLong("inbox") == mine);
    }
  }

  @Test
  @DisplayName("revoking a membership mid-stream stops delivery at once; granting starts it")
  void revokeAndGrant() {
    long inbox = hub.inbox("Live Revoke");
    JsonObject ep = hub.apiEndpoint(inbox, null);
    ApiClient agent = hub.user("live-revoke@example.com", "agent");
    hub.member(inbox, agent.userId());
    try (LiveClient live = LiveClient.agent(hub, agent)) {
      live.awaitType("hello");
      hub.ingestApi(ep, "cust-rev", "before", "rv-1").expect(200);
      live.await(f -> isMessage(f, "before"), Duration.ofSeconds(10));
      hub.removeMember(inbox, agent.userId());
      JsonObject revoked = live.awaitType("inbox.access_revoked");
      assertThat(revoked.getLong("inbox")).isEqualTo(inbox);
      hub.ingestApi(ep, "cust-rev", "after", "rv-2").expect(200);
      assertThat(live.collect(f -> f.getLong("inbox") != null && f.getLong("inbox") == inbox, Duration.ofSeconds(1))).isEmpty();

      hub.member(inbox, agent.userId());
      assertThat(live.awaitType("inbox.access_granted").getLong("inbox")).isEqualTo(inbox);
      hub.ingestApi(ep, "cust-rev", "welcome back", "rv-3").expect(200);
      live.await(f -> isMessage(f, "welcome back"), Duration.ofSeconds(10));
    }
  }

  @Test
  @DisplayName("a client that disconnects while 100 messages arrive and resumes gets exactly those 100, in order")
  void resumeAfterDisconnect() {
    long inbox = hub.inbox("Live Resume");
    JsonObject ep = hub.apiEndpoint(inbox, null);
    ApiClient agent = hub.user("live-resume@example.com", "agent");
    hub.member(inbox, agent.userId());
    long lastSeq;
    try (LiveClient live = LiveClient.agent(hub, agent)) {
      live.awaitType("hello");
      hub.ingestApi(ep, "cust-res", "seen", "rs-0").expect(200);
      lastSeq = live.await(f -> isMessage(f, "seen"), Duration.ofSeconds(10)).getLong("seq");
    }
    for (int i = 1; i <= 100; i++) hub.ingestApi(ep, "cust-res", "missed " + i, "rs-" + i).expect(200);
    try (LiveClient live = LiveClient.agent(hub, agent)) {
      live.awaitType("hello");
      live.send(new JsonObject().put("op", "resume").put("after", lastSeq));
      List<JsonObject> got = live.collect(f -> "message.created".equals(f.getString("type")) || "resumed".equals(f.getString("type")),
          Duration.ofSeconds(3));
      List<String> texts = got.stream().filter(f -> "message.created".equals(f.getString("type")))
          .map(f -> f.getJsonObject("data").getJsonObject("activity").getString("text")).toList();
      assertThat(texts).hasSize(100);
      for (int i = 1; i <= 100; i++) assertThat(texts.get(i - 1)).isEqualTo("missed " + i);
      List<Long> seqs = got.stream().filter(f -> "message.created".equals(f.getString("type"))).map(f -> f.getLong("seq")).toList();
      assertThat(seqs).isSorted().doesNotHaveDuplicates().allMatch(s -> s > lastSeq);
      assertThat(got.get(got.size() - 1).getString("type")).isEqualTo("resumed");
      // live again afterwards
      hub.ingestApi(ep, "cust-res", "live again", "rs-live").expect(200);
      live.await(f -> isMessage(f, "live again"), Duration.ofSeconds(10));
    }
  }

  @Test
  @DisplayName("a resume sent the moment the socket opens, before hello, is held and served; ?after=N resumes on connect")
  void resumeAtConnect() {
    long inbox = hub.inbox("Live Early Resume");
    JsonObject ep = hub.apiEndpoint(inbox, null);
    ApiClient agent = hub.user("live-early@example.com", "agent");
    hub.member(inbox, agent.userId());
    long lastSeq;
    try (LiveClient live = LiveClient.agent(hub, agent)) {
      live.awaitType("hello");
      hub.ingestApi(ep, "cust-early", "seen", "er-0").expect(200);
      lastSeq = live.await(f -> isMessage(f, "seen"), Duration.ofSeconds(10)).getLong("seq");
    }
    for (int i = 1; i <= 20; i++) hub.ingestApi(ep, "cust-early", "missed " + i, "er-" + i).expect(200);

    // the op goes out with the upgrade's first bytes, long before the hub has loaded the access list
    try (LiveClient live = LiveClient.agent(hub, agent)) {
      live.send(new JsonObject().put("op", "resume").put("after", lastSeq));
      live.send(new JsonObject().put("op", "ping"));
      List<JsonObject> got = live.collect(f -> true, Duration.ofSeconds(3));
      assertThat(got).noneMatch(f -> "error".equals(f.getString("type")));
      assertThat(got.get(0).getString("type")).isEqualTo("hello");
      assertMissed(got, lastSeq, 20);
      // served in the order sent: the ping after the resume
      List<String> types = got.stream().map(f -> f.getString("type")).toList();
      assertThat(types.indexOf("pong")).as(types.toString()).isGreaterThan(types.indexOf("resumed"));
    }

    // or asked for in the URL
    try (LiveClient live = LiveClient.connect(hub.wsUrl("/live?after=" + lastSeq), Map.of("Cookie", agent.cookieHeader(),
        "Origin", hub.base()), true)) {
      List<JsonObject> got = live.collect(f -> true, Duration.ofSeconds(3));
      assertThat(got.get(0).getString("type")).isEqualTo("hello");
      assertMissed(got, lastSeq, 20);
      hub.ingestApi(ep, "cust-early", "live again", "er-live").expect(200);
      live.await(f -> isMessage(f, "live again"), Duration.ofSeconds(10));
    }
    assertThatThrownBy(() -> LiveClient.connect(hub.wsUrl("/live?after=yesterday"), Map.of("Cookie", agent.cookieHeader(),
        "Origin", hub.base()), true)).isInstanceOfSatisfying(LiveClient.Refused.class, r -> assertThat(r.status).isEqualTo(400));
  }

  /** The frames hold exactly the {@code count} messages after {@code after}, in seq order, then "resumed". */
  private static void assertMissed(List<JsonObject> got, long after, int count) {
    List<JsonObject> messages = got.stream().filter(f -> "message.created".equals(f.getString("type"))).toList();
    assertThat(messages.stream().map(f -> f.getJsonObject("data").getJsonObject("activity").getString("text")))
        .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, count).mapToObj(i -> "missed " + i).toList());
    assertThat(messages.stream().map(f -> f.getLong("seq")).toList()).isSorted().doesNotHaveDuplicates().allMatch(x -> x > after);
    List<String> types = got.stream().map(f -> f.getString("type")).toList();
    assertThat(types).contains("resumed");
    assertThat(types.indexOf("resumed")).isGreaterThan(types.lastIndexOf("message.created"));
  }

  @Test
  @DisplayName("a resume from before the retention window gets a resync frame instead")
  void resyncWhenTooOld() throws Exception {
    long inbox = hub.inbox("Live Resync");
    JsonObject ep = hub.apiEndpoint(inbox, null);
    hub.ingestApi(ep, "cust-old", "old news", "old-1").expect(200);
    ApiClient agent = hub.user("live-resync@example.com", "agent");
    hub.member(inbox, agent.userId());
    try (LiveClient live = LiveClient.agent(hub, agent)) {
      long now = live.awaitType("hello").getLong("seq");
      try (Connection c = TestDatabase.connect(hub.dbUrl)) {
        c.createStatement().executeUpdate("DELETE FROM event WHERE seq <= " + (now - 1)); // as retention would
      }
      live.send(new JsonObject().put("op", "resume").put("after", 1));
      JsonObject resync = live.awaitType("resync");
      assertThat(resync.getLong("seq")).isGreaterThanOrEqualTo(now);
      live.send(new JsonObject().put("op", "resume").put("after", now + 1_000_000));
      live.awaitType("resync");
    }
  }

  @Test
  @DisplayName("a client that stops reading does not delay delivery to another client, and is closed with the resync code")
  void slowConsumerIsolated() {
    long inbox = hub.inbox("Live Slow");
    JsonObject ep = hub.apiEndpoint(inbox, null);
    ApiClient fast = hub.user("live-fast@example.com", "agent");
    ApiClient slow = hub.user("live-slow@example.com", "agent");
    hub.member(inbox, fast.userId());
    hub.member(inbox, slow.userId());
    LiveClient stuck = LiveClient.connect(hub.wsUrl("/live"), Map.of("Cookie", slow.cookieHeader()), false);
    try (LiveClient quick = LiveClient.agent(hub, fast)) {
      quick.awaitType("hello");
      // far more than the socket buffers and the 200-frame queue hold
      String big = "x".repeat(32_000);
      for (int i = 0; i < 600; i++) hub.ingestApi(ep, "cust-slow-" + (i % 10), big + i, "sl-" + i).expect(200);
      // measured from the last acknowledgement, so that a slow machine's ingest does not count against delivery
      long acknowledged = System.nanoTime();
      for (int i = 0; i < 600; i++) {
        String text = big + i;
        quick.await(f -> isMessage(f, text), Duration.ofSeconds(20));
      }
      assertThat(Duration.ofNanos(System.nanoTime() - acknowledged)).isLessThan(Duration.ofSeconds(15));
      stuck.startReading();
      assertThat(stuck.closeCode(Duration.ofSeconds(20))).isEqualTo(4100);
    } finally {
      stuck.abort();
    }
  }

  @Test
  @DisplayName("upgrades without credentials, or with a cookie from another site, are refused before the upgrade")
  void refusedUpgrades() {
    assertThatThrownBy(() -> LiveClient.connect(hub.wsUrl("/live"), Map.of(), true))
        .isInstanceOfSatisfying(LiveClient.Refused.class, e -> assertThat(e.status).isEqualTo(401));
    assertThatThrownBy(() -> LiveClient.connect(hub.wsUrl("/live?access_token=nope"), Map.of(), true))
        .isInstanceOfSatisfying(LiveClient.Refused.class, e -> assertThat(e.status).isEqualTo(401));
    ApiClient agent = hub.user("live-origin@example.com", "agent");
    assertThatThrownBy(() -> LiveClient.connect(hub.wsUrl("/live"), Map.of("Cookie", agent.cookieHeader(), "Origin", "https://evil.example"), true))
        .isInstanceOfSatisfying(LiveClient.Refused.class, e -> assertThat(e.status).isEqualTo(403));
    String token = agent.post("/api/v1/tokens", new JsonObject()).expect(201).json().getString("token");
    try (LiveClient byToken = LiveClient.connect(hub.wsUrl("/live?access_token=" + token), Map.of("Origin", "https://anywhere.example"), true)) {
      assertThat(byToken.awaitType("hello").getJsonObject("user").getLong("id")).isEqualTo(agent.userId());
    }
  }

  @Test
  @DisplayName("malformed frames and unknown ops get error frames; oversized frames and floods close with 4xxx; others are unaffected")
  void badFrames() {
    ApiClient agent = hub.user("live-bad@example.com", "agent");
    try (LiveClient live = LiveClient.agent(hub, agent); LiveClient bystander = LiveClient.agent(hub, agent)) {
      live.awaitType("hello");
      bystander.awaitType("hello");
      live.sendText("not json");
      assertThat(live.awaitType("error").getString("code")).isEqualTo("bad_frame");
      live.send(new JsonObject().put("op", "dance"));
      assertThat(live.awaitType("error").getString("code")).isEqualTo("unknown_op");
      live.send(new JsonObject().put("op", "resume").put("after", "yesterday"));
      assertThat(live.awaitType("error").getString("code")).isEqualTo("bad_resume");
      live.send(new JsonObject().put("op", "typing").put("conversation", 999_999));
      assertThat(live.awaitType("error").getString("code")).isEqualTo("not_found");
      live.send(new JsonObject().put("op", "ping"));
      live.awaitType("pong");
      live.sendText("{\"op\":\"ping\",\"pad\":\"" + "x".repeat(70_000) + "\"}");
      assertThat(live.closeCode(Duration.ofSeconds(5))).isEqualTo(4413);
    }
    try (LiveClient flood = LiveClient.agent(hub, agent); LiveClient bystander = LiveClient.agent(hub, agent)) {
      flood.awaitType("hello");
      bystander.awaitType("hello");
      for (int i = 0; i < 200 && flood.isOpen(); i++) {
        try {
          flood.send(new JsonObject().put("op", "ping"));
        } catch (RuntimeException closed) {
          break;
        }
      }
      assertThat(flood.closeCode(Duration.ofSeconds(5))).isEqualTo(4429);
      bystander.send(new JsonObject().put("op", "ping"));
      bystander.awaitType("pong");
    }
  }

  @Test
  @DisplayName("a deactivated user is disconnected; signing out closes that session's sockets")
  void deactivationAndLogout() {
    ApiClient leaver = hub.user("live-leaver@example.com", "agent");
    ApiClient outer = hub.user("live-logout@example.com", "agent");
    try (LiveClient a = LiveClient.agent(hub, leaver); LiveClient b = LiveClient.agent(hub, outer)) {
      a.awaitType("hello");
      b.awaitType("hello");
      hub.admin().delete("/api/v1/users/" + leaver.userId()).expect(204);
      assertThat(a.closeCode(Duration.ofSeconds(5))).isEqualTo(4403);
      outer.post("/api/v1/auth/logout", null).expect(204);
      assertThat(b.closeCode(Duration.ofSeconds(5))).isEqualTo(4401);
    }
  }

  @Test
  @DisplayName("typing goes to the other agents of the same inbox; presence counts several tabs as one user")
  void typingAndPresence() {
    long inbox = hub.inbox("Live Typing");
    long elsewhere = hub.inbox("Live Elsewhere");
    JsonObject ep = hub.apiEndpoint(inbox, null);
    ApiClient ann = hub.user("live-ann@example.com", "agent");
    ApiClient bob = hub.user("live-bob@example.com", "agent");
    ApiClient cid = hub.user("live-cid@example.com", "agent");
    hub.member(inbox, ann.userId());
    hub.member(inbox, bob.userId());
    hub.member(elsewhere, cid.userId());
    long conversation = hub.ingestApi(ep, "cust-typing", "hi", "ty-1").expect(200).json().getLong("conversation_id");
    try (LiveClient annTab = LiveClient.agent(hub, ann); LiveClient bobTab = LiveClient.agent(hub, bob);
         LiveClient cidTab = LiveClient.agent(hub, cid)) {
      annTab.awaitType("hello");
      bobTab.awaitType("hello");
      cidTab.awaitType("hello");
      annTab.send(new JsonObject().put("op", "typing").put("conversation", conversation));
      JsonObject typing = bobTab.awaitType("typing");
      assertThat(typing.getLong("conversation")).isEqualTo(conversation);
      assertThat(typing.getJsonObject("data").getJsonObject("user").getLong("id")).isEqualTo(ann.userId());
      assertThat(typing.containsKey("seq")).isFalse();
      assertThat(annTab.collect(f -> "typing".equals(f.getString("type")), Duration.ofMillis(500))).isEmpty();
      assertThat(cidTab.collect(f -> "typing".equals(f.getString("type")), Duration.ofMillis(500))).isEmpty();

      assertThat(ann.get("/api/v1/presence").items().stream().map(o -> (JsonObject) o)
          .filter(p -> p.getLong("user_id") == ann.userId()).findFirst().orElseThrow().getString("status")).isEqualTo("online");
      try (LiveClient annSecondTab = LiveClient.agent(hub, ann)) {
        annSecondTab.awaitType("hello");
        annTab.send(new JsonObject().put("op", "presence").put("status", "away"));
        // still online: the other tab is
        assertThat(bobTab.collect(f -> "presence".equals(f.getString("type"))
            && "away".equals(f.getJsonObject("data").getString("status")), Duration.ofMillis(700))).isEmpty();
        annSecondTab.send(new JsonObject().put("op", "presence").put("status", "away"));
        JsonObject away = bobTab.await(f -> "presence".equals(f.getString("type"))
            && "away".equals(f.getJsonObject("data").getString("status")), Duration.ofSeconds(5));
        assertThat(away.getJsonObject("data").getJsonObject("user").getLong("id")).isEqualTo(ann.userId());
      }
      annTab.close();
      bobTab.await(f -> "presence".equals(f.getString("type")) && "offline".equals(f.getJsonObject("data").getString("status")),
          Duration.ofSeconds(5));
    }
  }

  @Test
  @DisplayName("messages from a blocked contact are stored but raise no live notification")
  void blockedContactIsQuiet() throws Exception {
    long inbox = hub.inbox("Live Blocked");
    JsonObject ep = hub.apiEndpoint(inbox, null);
    long conversation = hub.ingestApi(ep, "cust-spam", "first", "bl-1").expect(200).json().getLong("conversation_id");
    try (Connection c = TestDatabase.connect(hub.dbUrl)) {
      c.createStatement().executeUpdate("UPDATE contact SET blocked = true WHERE id = (SELECT contact_id FROM conversation WHERE id = "
          + conversation + ")");
    }
    try (LiveClient live = LiveClient.agent(hub, hub.admin())) {
      live.awaitType("hello");
      hub.ingestApi(ep, "cust-spam", "buy now", "bl-2").expect(200);
      hub.ingestApi(hub.apiEndpoint(inbox, null), "cust-fine", "real question", "bl-3").expect(200);
      live.await(f -> isMessage(f, "real question"), Duration.ofSeconds(10));
      assertThat(live.collect(f -> isMessage(f, "buy now"), Duration.ofMillis(500))).isEmpty();
    }
    assertThat(hub.admin().get("/api/v1/conversations/" + conversation + "/activities").items().stream()
        .map(o -> ((JsonObject) o).getString("text")).toList()).contains("buy now");
  }
}
