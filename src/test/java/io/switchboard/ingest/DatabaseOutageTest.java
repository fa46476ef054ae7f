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

      restarted = Database.open(hub.switchboard.hub().config, true); // same folder, same port
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
