package io.switchboard.auth;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A burst of sign-ins must not slow message traffic: checking passwords is slow on purpose, so it runs on a small
 * pool of its own with a bounded queue, and what does not fit is refused at once (429, Retry-After) instead of
 * occupying the event loops or the shared worker pool.
 */
// no sign-in limit to speak of: only the bounded password pool protects the hub here
@WithHub("auth.login_attempts_per_minute=100000")
class SignInLoadTest {

  static TestHub hub;

  @Test
  @DisplayName("during a burst of 400 sign-ins (100 a second), /health and an API-channel webhook keep answering quickly (p99 < 500 ms)")
  void signInBurstDoesNotSlowTraffic() throws Exception {
    JsonObject endpoint = hub.apiEndpoint(hub.inbox("Load"), null);
    ApiClient anon = new ApiClient(hub.base());
    for (int i = 0; i < 20; i++) {
      // warm up both paths before measuring
      anon.get("/health").expect(200);
      hub.ingestApi(endpoint, "+1555000" + (1000 + i), "warm-up " + i, "warm-" + i).expect(200);
    }

    // 400 sign-ins at 100 a second: several times what a node can check, as a password-guessing client would send
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<CompletableFuture<HttpResponse<String>>> burst = Collections.synchronizedList(new ArrayList<>());
    ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
    CompletableFuture<Void> allSent = new CompletableFuture<>();
    AtomicInteger next = new AtomicInteger();
    sender.scheduleAtFixedRate(() -> {
      for (int k = 0; k < 10; k++) {
        int i = next.getAndIncrement();
        if (i >= 400) {
          allSent.complete(null);
          return;
        }
        HttpRequest req = HttpRequest.newBuilder(URI.create(hub.base() + "/api/v1/auth/login")).timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("email", "guess" + i + "@example.com")
                .put("password", "wrong-password-" + i).encode())).build();
        burst.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
      }
    }, 0, 100, TimeUnit.MILLISECONDS);

    List<Long> latencies = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    int n = 0;
    // probe for as long as the burst lasts (at most a minute)
    while (!(allSent.isDone() && burst.stream().allMatch(CompletableFuture::isDone)) && System.nanoTime() < deadline) {
      long t0 = System.nanoTime();
      ApiClient.Response r = n % 2 == 0 ? anon.get("/health")
          : hub.ingestApi(endpoint, "+1555001" + (1000 + n), "during the burst " + n, "burst-" + n);
      latencies.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      if (r.status() != 200) failed.add(r.toString());
      n++;
      Thread.sleep(20);
    }
    sender.shutdownNow();
    CompletableFuture.allOf(burst.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    String seen = latencies.size() + " probes during the burst, in ms, in order: " + latencies;
    assertThat(failed).as(seen).isEmpty();
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    long p99 = sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
    assertThat(p99).as("p99 of " + seen).isLessThan(500);

    assertThat(burst).hasSize(400);
    for (CompletableFuture<HttpResponse<String>> f : burst) {
      // every attempt is answered: checked (401) or, beyond what the node takes on at once, refused for now (429)
      assertThat(f.join().statusCode()).isIn(401, 429);
      if (f.join().statusCode() == 429) assertThat(f.join().headers().firstValue("Retry-After")).isPresent();
    }
  }
}
