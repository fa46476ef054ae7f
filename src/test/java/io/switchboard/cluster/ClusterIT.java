package io.switchboard.cluster;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.CallbackServer;
import io.switchboard.testing.Eventually;
import io.switchboard.testing.LiveClient;
import io.switchboard.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Three hub processes on loopback, clustered over Hazelcast, sharing one PostgreSQL. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

  static final String PASSWORD = "cluster-hub-secret-1";
  static final List<Node> nodes = new ArrayList<>();
  static String dbUrl;

  record Node(Process process, int port, List<String> log) {
    String base() {
      return "http://127.0.0.1:" + port;
    }
  }

  @BeforeAll
  static void startNodes() throws Exception {
    dbUrl = TestDatabase.fresh();
    String cluster = "it-" + UUID.randomUUID();
    int[] hz = {freePort(), freePort(), freePort()};
    String members = "127.0.0.1:" + hz[0] + ",127.0.0.1:" + hz[1] + ",127.0.0.1:" + hz[2];
    for (int i = 0; i < 3; i++) nodes.add(start(hz[i], members, cluster));
    for (Node n : nodes) awaitReady(n);
  }

  @AfterAll
  static void stopNodes() {
    for (Node n : nodes) n.process.destroyForcibly();
  }

  @Test
  @Order(1)
  @DisplayName("a webhook posted to node B reaches an agent's socket on node A")
  void crossNodeDelivery() {
    Node a = nodes.get(0);
    Node b = nodes.get(1);
    ApiClient adminA = ApiClient.login(a.base(), "admin@localhost", PASSWORD);
    long inbox = adminA.post("/api/v1/inboxes", new JsonObject().put("name", "Across")).expect(201).json().getLong("id");
    JsonObject ep = adminA.post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "api")).expect(201).json();
    try (LiveClient live = LiveClient.connect("ws://127.0.0.1:" + a.port + "/live", Map.of("Cookie", adminA.cookieHeader()), true)) {
      live.awaitType("hello");
      ApiClient.bearer(b.base(), ep.getString("secret")).post("/hooks/api/" + ep.getString("key"),
          new JsonObject().put("from", "c-across").put("text", "from node B")).expect(200);
      JsonObject frame = live.await(f -> "message.created".equals(f.getString("type"))
          && "from node B".equals(f.getJsonObject("data").getJsonObject("activity").getString("text")), Duration.ofSeconds(15));
      assertThat(frame.getLong("inbox")).isEqualTo(inbox);
    }
  }

  @Test
  @Order(2)
  @DisplayName("500 queued replies are each sent exactly once with every node dispatching")
  void outboxOnceAcrossNodes() throws Exception {
    try (CallbackServer crm = new CallbackServer()) {
      ApiClient admin0 = ApiClient.login(nodes.get(0).base(), "admin@localhost", PASSWORD);
      long inbox = admin0.post("/api/v1/inboxes", new JsonObject().put("name", "Outbox Everywhere")).expect(201).json().getLong("id");
      JsonObject ep = admin0.post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "api")
          .put("settings", new JsonObject().put("callback_url", crm.url("/deliver")))).expect(201).json();
      long conversation = ApiClient.bearer(nodes.get(1).base(), ep.getString("secret")).post("/hooks/api/" + ep.getString("key"),
          new JsonObject().put("from", "c-outbox").put("text", "hello")).expect(200).json().getLong("conversation_id");
      List<ApiClient> admins = new ArrayList<>();
      for (Node n : nodes) admins.add(ApiClient.login(n.base(), "admin@localhost", PASSWORD));
      for (int i = 0; i < 500; i++) {
        admins.get(i % 3).post("/api/v1/conversations/" + conversation + "/messages", new JsonObject().put("text", "reply " + i))
            .expect(201);
      }
      Eventually.that("500 deliveries arrive", 120_000, 100, () -> crm.received.size() >= 500);
      Thread.sleep(2000); // a fixed wait, on purpose: anything sent twice would show up now
      Map<String, Integer> perDelivery = new HashMap<>();
      for (CallbackServer.Received r : crm.received) perDelivery.merge(r.headers().get("X-Switchboard-Delivery"), 1, Integer::sum);
      assertThat(perDelivery).hasSize(500);
      assertThat(perDelivery.values()).allMatch(c -> c == 1);
    }
  }

  @Test
  @Order(3)
  @DisplayName("killing node A mid-stream: the agent resumes on node B and ends with every message exactly once")
  void killedNodeLosesNothing() throws Exception {
    // kill the node that publishes events: the hardest case (this test runs last)
    Node a = nodes.stream().filter(n -> n.log.stream().anyMatch(l -> l.contains("now publishes events"))).findFirst().orElseThrow();
    Node b = nodes.stream().filter(n -> n != a).findFirst().orElseThrow();
    ApiClient adminB = ApiClient.login(b.base(), "admin@localhost", PASSWORD);
    long inbox = adminB.post("/api/v1/inboxes", new JsonObject().put("name", "Survivors")).expect(201).json().getLong("id");
    JsonObject ep = adminB.post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "api")).expect(201).json();
    ApiClient integration = ApiClient.bearer(b.base(), ep.getString("secret"));

    Set<String> seen = new HashSet<>();
    List<String> duplicates = new ArrayList<>();
    long lastSeq;
    try (LiveClient onA = LiveClient.connect("ws://127.0.0.1:" + a.port + "/live", Map.of("Cookie", adminB.cookieHeader()), true)) {
      lastSeq = onA.awaitType("hello").getLong("seq");
      Thread sender = new Thread(() -> {
        for (int i = 0; i < 200; i++) {
          integration.post("/hooks/api/" + ep.getString("key"), new JsonObject().put("from", "c-kill-" + (i % 5))
              .put("text", "stream " + i).put("external_id", "kill-" + i)).expect(200);
          try {
            Thread.sleep(15);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      sender.start();
      while (seen.size() < 60) {
        JsonObject f = onA.await(x -> "message.created".equals(x.getString("type")) && x.getLong("inbox") == inbox, Duration.ofSeconds(20));
        lastSeq = Math.max(lastSeq, f.getLong("seq"));
        if (!seen.add(text(f))) duplicates.add(text(f));
      }
      a.process.destroyForcibly(); // SIGKILL: no goodbye
      // frames already on the wire may still arrive before the client notices
      for (JsonObject f : onA.collect(x -> "message.created".equals(x.getString("type")) && x.getLong("inbox") == inbox,
          Duration.ofSeconds(2))) {
        lastSeq = Math.max(lastSeq, f.getLong("seq"));
        if (!seen.add(text(f))) duplicates.add(text(f));
      }
      sender.join(60_000);
    }
    try (LiveClient onB = LiveClient.connect("ws://127.0.0.1:" + b.port + "/live", Map.of("Cookie", adminB.cookieHeader()), true)) {
      onB.awaitType("hello");
      onB.send(new JsonObject().put("op", "resume").put("after", lastSeq));
      List<JsonObject> frames = onB.collect(x -> "message.created".equals(x.getString("type")) && x.getLong("inbox") == inbox,
          Duration.ofSeconds(5));
      for (JsonObject f : frames) if (!seen.add(text(f))) duplicates.add(text(f));
    }
    assertThat(duplicates).isEmpty();
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < 200; i++) expected.add("stream " + i);
    assertThat(seen).isEqualTo(expected);
  }

  private static String text(JsonObject frame) {
    return frame.getJsonObject("data").getJsonObject("activity").getString("text");
  }

  private static Node start(int hzPort, String members, String cluster) throws Exception {
    Path dir = Files.createTempDirectory("sb-node");
    int port = freePort();
    ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx384m", "-jar",
        Path.of("target", "switchboard.jar").toAbsolutePath().toString(), "--cluster").directory(dir.toFile()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("SWITCHBOARD_DB_URL", dbUrl);
    env.put("SWITCHBOARD_HTTP_PORT", String.valueOf(port));
    env.put("SWITCHBOARD_HTTP_HOST", "127.0.0.1");
    env.put("SWITCHBOARD_SMTP_PORT", "0");
    env.put("SWITCHBOARD_SMTP_HOST", "127.0.0.1");
    env.put("SWITCHBOARD_ADMIN_PASSWORD", PASSWORD);
    env.put("SWITCHBOARD_CLUSTER_NAME", cluster);
    env.put("SWITCHBOARD_CLUSTER_HOST", "127.0.0.1");
    env.put("SWITCHBOARD_CLUSTER_PORT", String.valueOf(hzPort));
    env.put("SWITCHBOARD_CLUSTER_MEMBERS", members);
    env.put("SWITCHBOARD_DB_POOL_SIZE", "6");
    env.put("SWITCHBOARD_HTTP_INSTANCES", "1");
    Process p = pb.start();
    List<String> log = new CopyOnWriteArrayList<>();
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          log.add(line);
          System.out.println("[node " + port + "] " + line);
        }
      } catch (Exception ignored) {
        // ended
      }
    });
    t.setDaemon(true);
    t.start();
    return new Node(p, port, log);
  }

  private static void awaitReady(Node n) {
    ApiClient anon = new ApiClient(n.base());
    Eventually.that("node on port " + n.port + " is ready (its log is in the test output)", 120_000, 250, () -> {
      if (!n.process.isAlive()) throw new AssertionError("node exited:\n" + String.join("\n", n.log));
      try {
        return anon.get("/ready").status() == 200;
      } catch (IllegalStateException notYet) {
        return false; // not listening yet
      }
    });
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
