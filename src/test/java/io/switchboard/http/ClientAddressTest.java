package io.switchboard.http;

import io.switchboard.testing.TestHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Who the client is behind load balancers: X-Forwarded-For counts only when a trusted proxy says it. */
class ClientAddressTest {

  @Test
  @DisplayName("the right-most untrusted hop of X-Forwarded-For is the client; untrusted peers cannot claim an address")
  void resolves() {
    ClientAddress a = new ClientAddress(List.of("10.0.0.0/8", "192.168.1.5", "fd00::/8"));
    assertThat(a.resolve("10.1.2.3", List.of("203.0.113.7"))).isEqualTo("203.0.113.7");
    // a client may send its own X-Forwarded-For: only what the trusted proxies appended counts
    assertThat(a.resolve("10.1.2.3", List.of("1.1.1.1, 203.0.113.7, 192.168.1.5"))).isEqualTo("203.0.113.7");
    assertThat(a.resolve("10.1.2.3", List.of("1.1.1.1", "203.0.113.7"))).isEqualTo("203.0.113.7");
    assertThat(a.resolve("203.0.113.9", List.of("1.1.1.1"))).isEqualTo("203.0.113.9");
    assertThat(a.resolve("fd12::1", List.of("2001:db8::7"))).isEqualTo("2001:db8::7");
    assertThat(a.resolve("10.1.2.3", List.of())).isEqualTo("10.1.2.3");
    assertThat(a.resolve("10.1.2.3", List.of("evil.example, 10.0.0.9"))).isEqualTo("10.0.0.9");
    assertThat(new ClientAddress(List.of()).resolve("10.1.2.3", List.of("203.0.113.7"))).isEqualTo("10.1.2.3");
    assertThatThrownBy(() -> new ClientAddress(List.of("proxy.example"))).hasMessageContaining("proxy.example");
    assertThatThrownBy(() -> new ClientAddress(List.of("10.0.0.0/33"))).hasMessageContaining("prefix");
  }

  @Test
  @DisplayName("behind a trusted proxy, one client's failed sign-ins do not lock out the others")
  void signInLimitsPerClient() throws Exception {
    try (TestHub hub = TestHub.start(Map.of("http.trusted_proxies", new JsonArray().add("127.0.0.1").add("::1"),
        "auth.login_attempts_per_minute", 3))) {
      // per address the limit is three times the per-account one: 9 failures from the attacker, on nine accounts
      for (int i = 0; i < 9; i++) {
        assertThat(login(hub, "203.0.113.7", "nobody" + i + "@example.com", "guess").statusCode()).isEqualTo(401);
      }
      assertThat(login(hub, "203.0.113.7", TestHub.ADMIN_EMAIL, TestHub.ADMIN_PASSWORD).statusCode()).isEqualTo(429);
      assertThat(login(hub, "198.51.100.20", TestHub.ADMIN_EMAIL, TestHub.ADMIN_PASSWORD).statusCode()).isEqualTo(200);
    }
  }

  private static HttpResponse<String> login(TestHub hub, String client, String email, String password) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(hub.base() + "/api/v1/auth/login"))
        .header("Content-Type", "application/json").header("X-Forwarded-For", client)
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("email", email).put("password", password).encode())).build();
    return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
  }
}
