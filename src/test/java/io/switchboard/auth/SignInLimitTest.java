package io.switchboard.auth;

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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sign-in limit holds when attempts arrive all at once: each attempt is counted before its password is checked,
 * so a burst cannot slip past the count. Each test signs in from its own address (through a trusted proxy), as
 * different clients would.
 */
// a password queue large enough to take every attempt of a burst: what stops them here is the limit itself
@WithHub({"http.trusted_proxies=127.0.0.1", "auth.password_queue=200"})
class SignInLimitTest {

  static TestHub hub;

  @Test
  @DisplayName("60 wrong passwords for one e-mail sent at once: 10 are checked (401), the rest are refused with 429")
  void concurrentAttemptsOnOneAccount() {
    hub.user("target@example.com", "agent");
    List<HttpResponse<String>> answers = burst(60, i -> login("198.51.100.1", "target@example.com", "wrong-guess-" + i));
    assertThat(count(answers, 401)).as(statuses(answers)).isEqualTo(10);
    assertThat(count(answers, 429)).as(statuses(answers)).isEqualTo(50);
    assertThat(answers.stream().filter(r -> r.statusCode() == 429).allMatch(r -> r.headers().firstValue("Retry-After").isPresent()))
        .isTrue();
    // the account stays locked for the minute, even for its owner from elsewhere
    assertThat(send(login("198.51.100.2", "target@example.com", TestHub.password("target@example.com"))).statusCode()).isEqualTo(429);
  }

  @Test
  @DisplayName("120 wrong sign-ins from one address at once, on many accounts: 30 are checked, the rest are refused with 429")
  void concurrentAttemptsFromOneAddress() {
    List<HttpResponse<String>> answers = burst(120, i -> login("198.51.100.9", "someone" + i + "@example.com", "wrong-guess"));
    assertThat(count(answers, 401)).as(statuses(answers)).isEqualTo(30);
    assertThat(count(answers, 429)).as(statuses(answers)).isEqualTo(90);
    // another address is not held up
    assertThat(send(login("198.51.100.10", TestHub.ADMIN_EMAIL, TestHub.ADMIN_PASSWORD)).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("a right password after a few wrong ones signs in and clears the account's count")
  void rightPasswordClearsTheCount() {
    hub.user("forgetful@example.com", "agent");
    for (int i = 0; i < 9; i++) {
      assertThat(send(login("198.51.100.20", "forgetful@example.com", "wrong-guess-" + i)).statusCode()).isEqualTo(401);
    }
    assertThat(send(login("198.51.100.20", "forgetful@example.com", TestHub.password("forgetful@example.com"))).statusCode())
        .isEqualTo(200);
    for (int i = 0; i < 9; i++) {
      assertThat(send(login("198.51.100.20", "forgetful@example.com", "wrong-again-" + i)).statusCode()).isEqualTo(401);
    }
  }

  static HttpRequest login(String client, String email, String password) {
    return HttpRequest.newBuilder(URI.create(hub.base() + "/api/v1/auth/login")).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json").header("X-Forwarded-For", client)
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("email", email).put("password", password).encode())).build();
  }

  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  static HttpResponse<String> send(HttpRequest req) {
    try {
      return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends {@code n} requests at once and waits (at most a minute) for every answer. */
  static List<HttpResponse<String>> burst(int n, IntFunction<HttpRequest> request) {
    List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
    for (int i = 0; i < n; i++) sent.add(HTTP.sendAsync(request.apply(i), HttpResponse.BodyHandlers.ofString()));
    try {
      CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the burst was not answered within a minute", e);
    }
    return sent.stream().map(CompletableFuture::join).toList();
  }

  /** The answers by status, with one body of each, for a failure's message. */
  static String statuses(List<HttpResponse<String>> answers) {
    java.util.Map<Integer, String> bodies = new java.util.TreeMap<>();
    answers.forEach(r -> bodies.merge(r.statusCode(), "1 " + r.body(), (a, b) -> (Integer.parseInt(a.split(" ", 2)[0]) + 1) + " " + a.split(" ", 2)[1]));
    return bodies.toString();
  }

  static long count(List<HttpResponse<String>> answers, int status) {
    return answers.stream().filter(r -> r.statusCode() == status).count();
  }
}
