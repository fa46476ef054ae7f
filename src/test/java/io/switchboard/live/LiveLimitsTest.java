package io.switchboard.live;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.Eventually;
import io.switchboard.testing.LiveClient;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@WithHub({"live.heartbeat_seconds=1", "live.sockets_per_user=3"})
class LiveLimitsTest {

  static TestHub hub;

  @Test
  @DisplayName("a user may hold only so many sockets at once; closing one frees a place")
  void socketsPerUser() {
    ApiClient agent = hub.user("many-tabs@example.com", "agent");
    List<LiveClient> tabs = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        LiveClient c = LiveClient.agent(hub, agent);
        c.awaitType("hello");
        tabs.add(c);
      }
      assertThatThrownBy(() -> LiveClient.agent(hub, agent))
          .isInstanceOfSatisfying(LiveClient.Refused.class, e -> assertThat(e.status).isEqualTo(429));
      tabs.remove(0).close();
      try (LiveClient again = retryConnect(agent)) {
        again.awaitType("hello");
      }
    } finally {
      tabs.forEach(LiveClient::abort);
    }
  }

  @Test
  @DisplayName("heartbeats find dead peers: a client that answers no ping is closed with 4408; a live one stays")
  void heartbeat() {
    ApiClient agent = hub.user("heartbeat@example.com", "agent");
    LiveClient dead = LiveClient.connect(hub.wsUrl("/live"), Map.of("Cookie", agent.cookieHeader()), false);
    try (LiveClient alive = LiveClient.agent(hub, agent)) {
      alive.awaitType("hello");
      // a fixed wait, on purpose: several heartbeats go by, and the live socket must not be closed meanwhile
      try {
        Thread.sleep(4_000);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      dead.startReading();
      assertThat(dead.closeCode(Duration.ofSeconds(5))).isEqualTo(4408);
      assertThat(alive.isOpen()).isTrue();
    } finally {
      dead.abort();
    }
  }

  private static LiveClient retryConnect(ApiClient agent) {
    return Eventually.found("the closed socket frees its place", 5_000, 100, () -> {
      try {
        return LiveClient.agent(hub, agent);
      } catch (LiveClient.Refused stillCounted) {
        return null;
      }
    });
  }
}
