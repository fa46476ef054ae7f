package io.switchboard.ingest;

import io.switchboard.db.Database;
import io.switchboard.testing.ApiClient;
import io.switchboard.testing.ApiClient.Response;
import io.switchboard.testing.Eventually;
import io.switchboard.testing.TestHub;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** PostgreSQL stops while messages arrive: senders are told to retry, nothing is half-written, nothing is doubled. */
class DatabaseOutageTest {

  @Test
  @DisplayName("with PostgreSQL stopped mid-run senders get 503, nothing half-written remains, and redeliveries land exactly once")
  void outage() throws Exception {
    int pgPort;
    try (ServerSocket s = new ServerSocket(0)) {
      pgPort = s.getLocalPort();
    }
    TestHub hub = TestHub.start(Map.of("db.url", "", "db.embedded_port", pgPort, "db.pool_size", 4));
    Database restarted = null;
    try {
      long inbox = hub.inbox("Outage");
      JsonObject ep = hub.apiEndpoint(inbox, null);
      Map<String, List<Integer>> statuses = new HashMap<>();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 30; i++) ids.add("out-" + i);

      for (int i = 0; i < 10; i++) send(hub, ep, ids.get(i), statuses);
      hub.switchboard.database().close(); // PostgreSQL goes away
      for (int i = 10; i < 20; i++) send(hub, ep, ids.get(i), statuses);
      Response ready = new ApiClient(hub.base()).get("/ready");
      assertThat(ready.status()).isEqualTo(503);

      restarted = Database.open(hub.switchboard.node().config(), true); // same folder, same port
      Eventually.that("the hub is ready again", 30_000, () -> new ApiClient(hub.base()).get("/ready").status() == 200);
      for (int i = 20; i < 30; i++) send(hub, ep, ids.get(i), statuses);
      // providers retry everything that was not acknowledged, and some things that were
      for (String id : ids) send(hub, ep, id, statuses);

      for (int i = 0; i < 10; i++) assertThat(statuses.get(ids.get(i)).get(0)).isEqualTo(200);
      for (int i = 10; i < 20; i++) assertThat(statuses.get(ids.get(i)).get(0)).as(ids.get(i)).isEqualTo(503);
      assertThat(statuses.values().stream().flatMap(List::stream)).allMatch(s -> s == 200 || s == 503);
      for (String id : ids) assertThat(statuses.get(id)).last().isEqualTo(200);

      try (Connection c = restarted.jdbc()) {
        assertThat(scalar(c, "SELECT count(*) FROM activity WHERE provider_id LIKE 'out-%'")).isEqualTo(30);
        assertThat(scalar(c, "SELECT count(DISTINCT provider_id) FROM activity WHERE provider_id LIKE 'out-%'")).isEqualTo(30);
        // every contact and conversation written belongs to a stored message: nothing half-written
        assertThat(scalar(c, "SELECT count(*) FROM contact ct WHERE NOT EXISTS (SELECT 1 FROM activity a WHERE a.sender_id = ct.id)"))
            .isZero();
        assertThat(scalar(c, "SELECT count(*) FROM conversation cv WHERE NOT EXISTS (SELECT 1 FROM activity a WHERE a.conversation_id = cv.id)"))
            .isZero();
        assertThat(scalar(c, "SELECT count(*) FROM event WHERE type = 'message.created' AND data->'activity'->>'provider_id' LIKE 'out-%'"))
            .isEqualTo(30);
      }
      Database database = restarted;
      Eventually.that("every event numbered", 10_000, () -> {
        try (Connection c = database.jdbc()) {
          return scalar(c, "SELECT count(*) FROM event WHERE seq IS NULL") == 0;
        } catch (Exception e) {
          return false;
        }
      });
    } finally {
      hub.close();
      if (restarted != null) restarted.close();
    }
  }

  @Test
  @DisplayName("with PostgreSQL frozen (SIGSTOP), a webhook is answered 503 within 10 s and /ready agrees; afterwards it is stored once")
  void frozenDatabase() throws Exception {
    TestHub hub = TestHub.start(Map.of("db.url", "", "db.pool_size", 4));
    List<Long> frozen = new ArrayList<>();
    try {
      long inbox = hub.inbox("Frozen");
      JsonObject ep = hub.apiEndpoint(inbox, null);
      hub.ingestApi(ep, "before", "before the freeze", "fz-0").expect(200);

      long postmaster = Long.parseLong(java.nio.file.Files.readAllLines(hub.dataDir.resolve("pg").resolve("postmaster.pid")).get(0).trim());
      frozen.add(postmaster);
      ProcessHandle.of(postmaster).orElseThrow().descendants().forEach(p -> frozen.add(p.pid()));
      signal("STOP", frozen);

      long t0 = System.nanoTime();
      Response r = hub.ingestApi(ep, "during", "while frozen", "fz-1");
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(r.status()).as(r.toString()).isEqualTo(503);
      assertThat(r.raw().headers().firstValue("retry-after")).isPresent();
      assertThat(ms).as("answered in time for Twilio's 15 s").isLessThan(10_000);
      t0 = System.nanoTime();
      assertThat(new ApiClient(hub.base()).get("/ready").status()).isEqualTo(503);
      assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);

      signal("CONT", frozen);
      frozen.clear();
      Eventually.that("the hub is ready again", 30_000, () -> new ApiClient(hub.base()).get("/ready").status() == 200);
      // the provider retries; the message is there once, whether or not the first try went through in the end
      hub.ingestApi(ep, "during", "while frozen", "fz-1").expect(200);
      try (Connection c = hub.switchboard.database().jdbc()) {
        assertThat(scalar(c, "SELECT count(*) FROM activity WHERE provider_id = 'fz-1'")).isEqualTo(1);
      }
    } finally {
      if (!frozen.isEmpty()) signal("CONT", frozen);
      hub.close();
    }
  }

  private static void signal(String signal, List<Long> pids) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("kill", "-" + signal));
    pids.forEach(p -> cmd.add(String.valueOf(p)));
    new ProcessBuilder(cmd).inheritIO().start().waitFor();
  }

  private static void send(TestHub hub, JsonObject ep, String id, Map<String, List<Integer>> statuses) {
    // each message from its own sender, so a half-written contact or conversation would show
    Response r = hub.ingestApi(ep, "sender-" + id, "message " + id, id);
    if (r.status() == 503) assertThat(r.raw().headers().firstValue("retry-after")).isPresent();
    statuses.computeIfAbsent(id, k -> new ArrayList<>()).add(r.status());
  }

  private static long scalar(Connection c, String sql) throws Exception {
    try (ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
