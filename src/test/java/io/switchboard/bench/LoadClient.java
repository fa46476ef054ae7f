package io.switchboard.bench;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The fixed-rate load generator, in a process of its own so that what it costs is measured apart from the hub and
 * the harness: one Vert.x event loop sending API-channel webhooks on schedule (phases run back to back) and holding
 * a member's live socket to time each {@code message.created} frame against its message's due time. Started by the
 * harness with a spec file; prints "ready", waits for a line on stdin, prints "load start" and "load end" around
 * the measured phases' sending (the harness's CPU window; a warm-up phase before them lets this JVM compile its
 * code first), then waits for the frames still due, writes its result as JSON and prints "load client done".
 */
public final class LoadClient {

  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2)
      .setInternalBlockingPoolSize(2));
  private final JsonObject spec;
  private final Webhooks.Api api;
  private final List<OpenLoop> phases = new ArrayList<>();
  private final Map<String, OpenLoop> byPrefix = new HashMap<>();
  private final HttpClientAgent http;
  private final WebSocketClient ws;
  private long lastSeq;
  private int reopened;
  private boolean closing;

  private LoadClient(JsonObject spec) {
    this.spec = spec;
    this.api = Webhooks.Api.of(spec.getJsonObject("api"));
    for (Object o : spec.getJsonArray("phases")) {
      JsonObject p = (JsonObject) o;
      OpenLoop phase = new OpenLoop(p.getString("name"), p.getString("prefix"), p.getDouble("rate"), p.getDouble("seconds"),
          p.getBoolean("measured", true));
      phases.add(phase);
      byPrefix.put(phase.prefix, phase);
    }
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setDefaultHost("127.0.0.1")
        .setDefaultPort(spec.getInteger("port")), new PoolOptions().setHttp1MaxSize(spec.getInteger("connections", 256))
        .setMaxWaitQueueSize(-1));
    ws = vertx.createWebSocketClient(new WebSocketClientOptions().setConnectTimeout(30_000));
  }

  public static void main(String[] args) throws Exception {
    LoadClient c = new LoadClient(new JsonObject(Files.readString(Path.of(args[0]))));
    JsonObject result = c.run();
    Files.writeString(Path.of(c.spec.getString("out")), result.encode());
    System.out.println("load client done");
    System.exit(0);
  }

  private JsonObject run() throws Exception {
    CompletableFuture<Void> hello = new CompletableFuture<>();
    vertx.runOnContext(v -> connect(false, hello));
    hello.get(30, TimeUnit.SECONDS);
    System.out.println("load client ready");
    new BufferedReader(new InputStreamReader(System.in)).readLine();
    CompletableFuture<Void> ended = new CompletableFuture<>();
    vertx.runOnContext(v -> schedule(ended));
    ended.get(3600, TimeUnit.SECONDS);
    System.out.println("load client load end");
    // frames of acknowledged messages may still be on their way: wait for them, within reason
    long drainEnd = System.currentTimeMillis() + spec.getLong("drain_ms", 10_000L);
    while (System.currentTimeMillis() < drainEnd && missing() > 0) Thread.sleep(50);
    CompletableFuture<JsonObject> result = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      closing = true;
      JsonArray out = new JsonArray();
      phases.forEach(p -> out.add(p.json()));
      result.complete(new JsonObject().put("phases", out).put("socket_reopened", reopened));
    });
    return result.get(60, TimeUnit.SECONDS);
  }

  private int missing() throws Exception {
    CompletableFuture<Integer> n = new CompletableFuture<>();
    vertx.runOnContext(v -> n.complete(phases.stream().mapToInt(OpenLoop::framesMissing).sum()));
    return n.get(10, TimeUnit.SECONDS);
  }

  /** Every millisecond, sends what has fallen due; phases follow each other without a gap. */
  private void schedule(CompletableFuture<Void> ended) {
    long t0 = System.nanoTime() + 5_000_000;
    double offset = 0;
    for (OpenLoop p : phases) {
      p.start = t0 + (long) (offset * 1e9);
      offset += p.count / p.rate;
    }
    int[] cursor = {0, 0}; // phase, message
    boolean[] measuring = {false};
    vertx.setPeriodic(1, id -> {
      long now = System.nanoTime();
      while (cursor[0] < phases.size()) {
        OpenLoop p = phases.get(cursor[0]);
        if (cursor[1] >= p.count) {
          cursor[0]++;
          cursor[1] = 0;
          continue;
        }
        if (p.due(cursor[1]) > now) break;
        if (p.measured && !measuring[0]) {
          measuring[0] = true;
          System.out.println("load client load start");
        }
        send(p, cursor[1]++, now);
      }
      if (cursor[0] >= phases.size() && phases.stream().allMatch(OpenLoop::done)) {
        vertx.cancelTimer(id);
        ended.complete(null);
      }
    });
  }

  private void send(OpenLoop p, int j, long now) {
    Webhooks.Req req = api.request(p.prefix + j, j);
    p.sending(j, now);
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setURI(req.path())
        .setIdleTimeout(spec.getLong("timeout_ms", 30_000L));
    req.headers().forEach(o::putHeader);
    http.request(o)
        .compose(r -> r.send(Buffer.buffer(req.body())))
        .compose(res -> res.body().map(b -> res))
        .onComplete(ar -> {
          long at = System.nanoTime();
          if (ar.succeeded()) p.answered(j, ar.result().statusCode(), ar.result().getHeader("Retry-After") != null, at);
          else p.answered(j, 0, false, at);
        });
  }

  /** The member's socket; reopened and resumed from the last seq when the hub closes it. */
  private void connect(boolean resume, CompletableFuture<Void> hello) {
    ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(spec.getInteger("port"))
        .setURI("/live?access_token=" + spec.getString("token"))).onComplete(ar -> {
          if (ar.failed()) {
            if (!closing) vertx.setTimer(200, t -> connect(resume, hello));
            return;
          }
          var socket = ar.result();
          socket.textMessageHandler(text -> {
            if (text.startsWith("{\"type\":\"hello\"")) {
              if (resume) socket.writeTextMessage("{\"op\":\"resume\",\"after\":" + lastSeq + "}");
              hello.complete(null);
              return;
            }
            onFrame(text);
          });
          socket.closeHandler(v -> {
            if (closing) return;
            reopened++;
            vertx.setTimer(100, t -> connect(true, new CompletableFuture<>()));
          });
        });
  }

  /** Finds seq and the activity's provider id without parsing the frame: this runs for every frame. */
  private void onFrame(String text) {
    long now = System.nanoTime();
    if (text.startsWith("{\"seq\":")) {
      int end = text.indexOf(',', 7);
      if (end > 7) lastSeq = Math.max(lastSeq, Long.parseLong(text.substring(7, end)));
    }
    if (!text.contains("\"message.created\"")) return;
    int k = text.indexOf("\"provider_id\"");
    if (k < 0) return;
    int q1 = text.indexOf('"', text.indexOf(':', k) + 1);
    int q2 = text.indexOf('"', q1 + 1);
    if (q1 < 0 || q2 < 0) return;
    String id = text.substring(q1 + 1, q2);
    int digits = id.length();
    while (digits > 0 && Character.isDigit(id.charAt(digits - 1))) digits--;
    OpenLoop p = byPrefix.get(id.substring(0, digits));
    if (p == null || digits == id.length()) return;
    p.framed(Integer.parseInt(id.substring(digits)), now);
  }
}
