package io.switchboard.channel.telephony;

import io.switchboard.testing.Eventually;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A stand-in for the provider's REST API and media host on 127.0.0.1, speaking Twilio's documented shapes:
 * {@code POST /2010-04-01/Accounts/{sid}/Messages.json} and {@code …/Calls.json} answer 201 with a JSON resource
 * whose {@code sid} is new, unless a scripted answer is queued; {@code GET} serves files put with {@link #serve}.
 * Every request is recorded as it arrived.
 */
final class FakeTwilio implements AutoCloseable {

  record Received(String method, String path, Map<String, String> headers, Map<String, List<String>> form, Buffer body) {
    String param(String name) {
      List<String> v = form.get(name);
      return v == null || v.isEmpty() ? null : v.get(0);
    }

    List<String> params(String name) {
      return form.getOrDefault(name, List.of());
    }
  }

  /** A scripted answer: status, JSON body (a new sid is filled in for 2xx without one), delay before answering. */
  record Answer(int status, JsonObject body, long delayMs) {
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<String, Deque<Answer>> scripts = new ConcurrentHashMap<>();
  private final Map<String, Object[]> files = new ConcurrentHashMap<>();
  private final Random random = new Random();

  FakeTwilio() {
    server = await(vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1"));
  }

  String base() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Queues an answer for the next request to a resource ({@code Messages.json} or {@code Calls.json}). */
  void script(String resource, int status, JsonObject body, long delayMs) {
    scripts.computeIfAbsent(resource, k -> new ConcurrentLinkedDeque<>()).add(new Answer(status, body, delayMs));
  }

  void serve(String path, byte[] bytes, String contentType) {
    files.put(path, new Object[] {bytes, contentType});
  }

  /** A path that is accepted but never answered, like a stalled media host. */
  void hang(String path) {
    files.put(path, new Object[] {null, null});
  }

  static String newSid(String prefix) {
    byte[] b = new byte[16];
    new Random().nextBytes(b);
    return prefix + HexFormat.of().formatHex(b);
  }

  List<Received> to(String resource) {
    return received.stream().filter(r -> r.method().equals("POST") && r.path().endsWith("/" + resource)).toList();
  }

  /** The first recorded request matching, waiting up to the timeout. */
  Received await(Predicate<Received> match, Duration timeout) {
    List<Received> got = Eventually.value("the provider receives a matching request", timeout.toMillis(),
        () -> List.copyOf(received), all -> all.stream().anyMatch(match));
    return got.stream().filter(match).findFirst().orElseThrow();
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(body -> {
      Map<String, String> headers = new LinkedHashMap<>();
      req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
      Map<String, List<String>> form = decode(body.toString(StandardCharsets.UTF_8));
      received.add(new Received(req.method().name(), req.path(), headers, form, body));
      if (req.method().name().equals("GET")) {
        Object[] file = files.get(req.path());
        if (file == null) {
          req.response().setStatusCode(404).end("not found");
        } else if (file[0] == null) {
          // never answered
        } else {
          req.response().putHeader("Content-Type", (String) file[1]).end(Buffer.buffer((byte[]) file[0]));
        }
        return;
      }
      String resource = req.path().substring(req.path().lastIndexOf('/') + 1);
      if (!req.path().matches("/2010-04-01/Accounts/[^/]+/(Messages|Calls)\\.json")) {
        req.response().setStatusCode(404).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("code", 20404).put("message", "The requested resource was not found").put("status", 404).encode());
        return;
      }
      Deque<Answer> queue = scripts.get(resource);
      Answer a = queue == null ? null : queue.poll();
      if (a == null) a = new Answer(201, null, 0);
      JsonObject out = a.body() == null ? new JsonObject() : a.body().copy();
      if (a.status() / 100 == 2 && out.getString("sid") == null) out.put("sid", newSid(resource.startsWith("Calls") ? "CA" : "SM"));
      if (a.status() / 100 == 2) {
        out.put("status", out.getString("status", "queued")).put("to", first(form, "To")).put("from", first(form, "From"))
            .put("account_sid", req.path().split("/")[3]);
      }
      Answer answer = a;
      Runnable reply = () -> req.response().setStatusCode(answer.status()).putHeader("Content-Type", "application/json").end(out.encode());
      if (answer.delayMs() > 0) vertx.setTimer(answer.delayMs(), id -> reply.run());
      else reply.run();
    });
  }

  private static String first(Map<String, List<String>> form, String name) {
    List<String> v = form.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  static Map<String, List<String>> decode(String body) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (body.isEmpty()) return out;
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    return out;
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> T await(io.vertx.core.Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    vertx.close();
  }
}
