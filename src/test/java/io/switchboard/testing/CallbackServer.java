package io.switchboard.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.MultiMap;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A stand-in for a provider or an integration: a real HTTP server on 127.0.0.1 that records what it receives
 * and answers what the test says.
 */
public final class CallbackServer implements AutoCloseable {

  public record Received(String method, String path, String query, MultiMap headers, String body) {
  }

  public record Answer(int status, String body, String contentType) {
    public static Answer ok(String body) {
      return new Answer(200, body, "application/json");
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  public final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile Function<Received, Answer> answer = r -> Answer.ok("{}");

  public CallbackServer() {
    try {
      server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(body -> {
      Received r = new Received(req.method().name(), req.path(), req.query(), MultiMap.caseInsensitiveMultiMap().addAll(req.headers()),
          body.toString());
      received.add(r);
      Answer a = answer.apply(r);
      req.response().setStatusCode(a.status());
      if (a.contentType() != null) req.response().putHeader("Content-Type", a.contentType());
      req.response().end(a.body() == null ? "" : a.body());
    });
  }

  public void answer(Function<Received, Answer> f) {
    this.answer = f;
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  public Received await(java.util.function.Predicate<Received> match, long timeoutMs) {
    // what a timeout shows is how many requests did arrive
    Eventually.value("a matching request arrives; requests so far", timeoutMs, received::size,
        n -> received.stream().anyMatch(match));
    return received.stream().filter(match).findFirst().orElseThrow();
  }

  @Override
  public void close() {
    vertx.close();
  }
}
