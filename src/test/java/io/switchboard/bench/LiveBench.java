package io.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;

/**
 * The live scenarios that are not about ingest: fan-out to 1,000 member sockets of one inbox against a bare
 * broadcast (the ceiling), and how much an idle socket costs.
 */
final class LiveBench {

  private LiveBench() {
  }

  /** Fan-out: one inbox, {@code sockets} member sockets, messages at 10/s. */
  static JsonObject fanOutHub(Harness h, int users, int socketsPerUser, int messages) throws Exception {
    List<JsonObject> endpoints = h.inboxWithApiEndpoints("Fan out", 1);
    long inbox = endpoints.get(0).getLong("inbox");
    Webhooks.Api api = new Webhooks.Api(endpoints, "fan-customer", 1);
    Ledger ledger = new Ledger("fan-out", api).prefix("fan");
    List<String> tokens = parallel(users, u -> h.memberToken(inbox, "fan" + u + "@bench.example"));
    List<String> perSocket = new ArrayList<>();
    for (String t : tokens) for (int s = 0; s < socketsPerUser; s++) perSocket.add(t);
    Fan fan = new Fan(messages, perSocket.size());
    List<WebSocket> sockets = open(perSocket.size(), i -> h.live(perSocket.get(i)), fan::onFrame);
    Thread.sleep(1000);
    for (int m = 0; m < messages; m++) {
      fan.sentAt[m] = System.nanoTime();
      Harness.Answer a = Harness.await(h.send(api.request("fan" + m, 0)), 60);
      ledger.sent("fan" + m, 0, a.status() / 100 == 2);
      Thread.sleep(100);
    }
    waitFor(() -> fan.deliveries.get() >= (long) messages * perSocket.size(), 30_000);
    sockets.forEach(WebSocket::close);
    return fan.report("hub", sockets.size()).put("exactly_once", ledger.check(h));
  }

  /** The ceiling: the same sockets and rate on a bare Vert.x broadcast server in its own process. */
  static JsonObject fanOutBare(Harness h, int sockets, int messages, int frameBytes) throws Exception {
    int port = Harness.freePort();
    try (Proc bare = Proc.start("bare", List.of(Proc.java(), "-Xmx1g", "-cp", System.getProperty("java.class.path"),
        BareBroadcast.class.getName(), String.valueOf(port)), Path.of("."), Map.of())) {
      bare.await(l -> l.contains("bare broadcast listening"), 60);
      Fan fan = new Fan(messages, sockets);
      List<WebSocket> open = open(sockets, i -> h.ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
          .setURI("/")), fan::onFrame);
      Thread.sleep(1000);
      String padding = "x".repeat(Math.max(0, frameBytes - 80));
      var publisher = h.vertx.createHttpClient();
      for (int m = 0; m < messages; m++) {
        fan.sentAt[m] = System.nanoTime();
        Buffer body = Buffer.buffer("{\"type\":\"message.created\",\"data\":{\"activity\":{\"provider_id\":\"fan" + m
            + "\"},\"pad\":\"" + padding + "\"}}");
        Harness.await(publisher.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
            .setPort(port).setURI("/publish")).compose(r -> r.send(body)).compose(r -> r.body()), 30);
        Thread.sleep(100);
      }
      waitFor(() -> fan.deliveries.get() >= (long) messages * sockets, 30_000);
      open.forEach(WebSocket::close);
      return fan.report("bare", open.size());
    }
  }

  /** Idle authenticated sockets, and what each costs the hub in heap and RSS. */
  static JsonObject connections(Harness h, int users, int socketsPerUser) throws Exception {
    long inbox = h.inboxWithApiEndpoints("Idle", 1).get(0).getLong("inbox");
    List<String> tokens = parallel(users, u -> h.memberToken(inbox, "idle" + u + "@bench.example"));
    long heapBefore = h.hubHeapAfterGc();
    long rssBefore = h.hub.rssBytes();
    List<String> perSocket = new ArrayList<>();
    for (String t : tokens) for (int s = 0; s < socketsPerUser; s++) perSocket.add(t);
    long t0 = System.nanoTime();
    List<WebSocket> sockets = open(perSocket.size(), i -> h.live(perSocket.get(i)), text -> { });
    double openSeconds = (System.nanoTime() - t0) / 1e9;
    Thread.sleep(2000);
    long heapAfter = h.hubHeapAfterGc();
    long rssAfter = h.hub.rssBytes();
    int held = sockets.size();
    sockets.forEach(WebSocket::close);
    double heapPer = (heapAfter - heapBefore) / (double) held;
    double rssPer = (rssAfter - rssBefore) / (double) held;
    System.out.printf("  %d idle sockets held (opened in %.1f s): heap %d MiB (+%.1f KiB/socket), RSS %d MiB (+%.1f KiB/socket)%n",
        held, openSeconds, heapAfter >> 20, heapPer / 1024, rssAfter >> 20, rssPer / 1024);
    return new JsonObject().put("sockets", held).put("open_seconds", Math.round(openSeconds * 10) / 10.0)
        .put("heap_before_bytes", heapBefore).put("heap_after_bytes", heapAfter).put("heap_per_socket_bytes", Math.round(heapPer))
        .put("rss_before_bytes", rssBefore).put("rss_after_bytes", rssAfter).put("rss_per_socket_bytes", Math.round(rssPer));
  }

  /** Deliveries of numbered messages (provider id "fan<m>") to many sockets. */
  private static final class Fan {
    final long[] sentAt;
    final AtomicLongArray lastArrival;
    final AtomicInteger[] arrivals;
    final Latency perDelivery = new Latency();
    final AtomicLong deliveries = new AtomicLong();
    final int sockets;

    Fan(int messages, int sockets) {
      this.sentAt = new long[messages];
      this.lastArrival = new AtomicLongArray(messages);
      this.arrivals = new AtomicInteger[messages];
      for (int i = 0; i < messages; i++) arrivals[i] = new AtomicInteger();
      this.sockets = sockets;
    }

    void onFrame(String text) {
      long now = System.nanoTime();
      if (!text.contains("message.created")) return;
      int m = numbered(text, "fan");
      if (m < 0) return;
      perDelivery.record(now - sentAt[m]);
      lastArrival.accumulateAndGet(m, now, Math::max);
      arrivals[m].incrementAndGet();
      deliveries.incrementAndGet();
    }

    JsonObject report(String what, int open) {
      Latency complete = new Latency();
      for (int m = 0; m < sentAt.length; m++) if (arrivals[m].get() == sockets) complete.record(lastArrival.get(m) - sentAt[m]);
      System.out.printf("  fan-out %s, %d sockets: per delivery %s; to all sockets %s%n", what, open, perDelivery.line(), complete.line());
      return new JsonObject().put("sockets", open).put("messages", sentAt.length).put("deliveries", deliveries.get())
          .put("expected_deliveries", (long) sentAt.length * sockets)
          .put("per_delivery", perDelivery.json()).put("to_all_sockets", complete.json());
    }
  }

  /** The number of a bench message (provider id "fan17") in a frame, found without parsing the frame; -1 if none. */
  static int numbered(String frame, String word) {
    var m = PATTERNS.computeIfAbsent(word, w -> java.util.regex.Pattern.compile("\"provider_id\":\\s*\"" + w + "(\\d+)\"")).matcher(frame);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  private static final Map<String, java.util.regex.Pattern> PATTERNS = new java.util.concurrent.ConcurrentHashMap<>();

  /** Opens n sockets, at most 200 handshakes at a time; each gets the handler. */
  private static List<WebSocket> open(int n, Function<Integer, Future<WebSocket>> connect,
                                      io.vertx.core.Handler<String> handler) throws Exception {
    List<WebSocket> out = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    List<Future<Void>> lanes = new ArrayList<>();
    for (int lane = 0; lane < 200; lane++) {
      Promise<Void> p = Promise.promise();
      lanes.add(p.future());
      openNext(n, next, connect, handler, out, failures, p);
    }
    Harness.await(Future.all(lanes), 600);
    if (failures.get() > 0) System.out.printf("  (%d sockets failed to open)%n", failures.get());
    return out;
  }

  private static void openNext(int n, AtomicInteger next, Function<Integer, Future<WebSocket>> connect,
                               io.vertx.core.Handler<String> handler, List<WebSocket> out, AtomicInteger failures, Promise<Void> done) {
    int i = next.getAndIncrement();
    if (i >= n) {
      done.tryComplete();
      return;
    }
    connect.apply(i).onComplete(ar -> {
      if (ar.succeeded()) {
        ar.result().textMessageHandler(handler);
        out.add(ar.result());
      } else {
        failures.incrementAndGet();
      }
      openNext(n, next, connect, handler, out, failures, done);
    });
  }

  private static List<String> parallel(int n, Function<Integer, String> make) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<String>> fs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int u = i;
        fs.add(pool.submit(() -> make.apply(u)));
      }
      List<String> out = new ArrayList<>();
      for (var f : fs) out.add(f.get());
      return out;
    } finally {
      pool.shutdown();
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier done, long ms) throws InterruptedException {
    long end = System.currentTimeMillis() + ms;
    while (!done.getAsBoolean() && System.currentTimeMillis() < end) Thread.sleep(20);
  }
}
