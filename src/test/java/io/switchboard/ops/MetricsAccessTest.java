package io.switchboard.ops;

import io.switchboard.testing.TestHub;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code /metrics} tells a lot about a hub (traffic, users online, the JVM): it answers only the addresses in
 * {@code metrics.allow} (this machine by default) and scrapers with the {@code metrics.token}; to everyone else it
 * does not exist.
 */
class MetricsAccessTest {

  @Test
  @DisplayName("from this machine /metrics answers; a client elsewhere (behind a trusted proxy) gets 404 like an unknown page")
  void loopbackOnlyByDefault() throws Exception {
    try (TestHub hub = TestHub.start(Map.of("http.trusted_proxies", "127.0.0.1"))) {
      HttpResponse<String> local = get(hub, "/metrics", Map.of());
      assertThat(local.statusCode()).isEqualTo(200);
      assertThat(local.body()).contains("switchboard_live_sockets");

      HttpResponse<String> remote = get(hub, "/metrics", Map.of("X-Forwarded-For", "203.0.113.7"));
      assertThat(remote.statusCode()).isEqualTo(404);
      assertThat(remote.body()).isEqualTo(get(hub, "/no-such-page", Map.of("X-Forwarded-For", "203.0.113.7")).body());
      // the operations endpoints that load balancers use stay open
      assertThat(get(hub, "/health", Map.of("X-Forwarded-For", "203.0.113.7")).statusCode()).isEqualTo(200);
      assertThat(get(hub, "/ready", Map.of("X-Forwarded-For", "203.0.113.7")).statusCode()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("with metrics.token set, a scraper anywhere gets /metrics with that bearer token, and not with another")
  void bearerToken() throws Exception {
    try (TestHub hub = TestHub.start(Map.of("http.trusted_proxies", "127.0.0.1", "metrics.token", "scrape-7f3a9c"))) {
      Map<String, String> remote = Map.of("X-Forwarded-For", "198.51.100.4");
      assertThat(get(hub, "/metrics", with(remote, "Authorization", "Bearer scrape-7f3a9c")).statusCode()).isEqualTo(200);
      assertThat(get(hub, "/metrics", with(remote, "Authorization", "Bearer scrape-7f3a9d")).statusCode()).isEqualTo(404);
      assertThat(get(hub, "/metrics", remote).statusCode()).isEqualTo(404);
    }
  }

  @Test
  @DisplayName("metrics.allow lists the addresses and ranges that may scrape; this machine too only when listed")
  void allowList() throws Exception {
    try (TestHub hub = TestHub.start(Map.of("http.trusted_proxies", "127.0.0.1", "metrics.allow", "10.20.0.0/16"))) {
      assertThat(get(hub, "/metrics", Map.of("X-Forwarded-For", "10.20.3.4")).statusCode()).isEqualTo(200);
      assertThat(get(hub, "/metrics", Map.of("X-Forwarded-For", "10.21.3.4")).statusCode()).isEqualTo(404);
      assertThat(get(hub, "/metrics", Map.of()).statusCode()).isEqualTo(404);
    }
  }

  @Test
  @DisplayName("a metrics.allow entry that is no address or range stops the start, naming the key")
  void badAllowEntry() {
    assertThatThrownBy(() -> TestHub.start(Map.of("metrics.allow", "prometheus.internal")).close())
        .hasStackTraceContaining("metrics.allow").hasStackTraceContaining("prometheus.internal");
  }

  private static Map<String, String> with(Map<String, String> headers, String name, String value) {
    Map<String, String> out = new java.util.HashMap<>(headers);
    out.put(name, value);
    return out;
  }

  private static HttpResponse<String> get(TestHub hub, String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hub.base() + path));
    headers.forEach(b::header);
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
