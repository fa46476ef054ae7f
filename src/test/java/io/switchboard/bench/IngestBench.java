package io.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 1 and its ceiling. Ingest: API-channel webhooks across 20 endpoints of 5 inboxes and 5,000 senders, at
 * rising rates (each step {@value #STEP_SECONDS} s, open loop) until the p99 acknowledgement exceeds 100 ms; then
 * every message is checked to be stored exactly once. Ceiling: the raw PostgreSQL commit rate of a single-row
 * insert transaction on the same database, closed loop, at the hub's pool size and at 64 connections.
 */
final class IngestBench {

  static final int STEP_SECONDS = 8;
  static final int[] RATES = {250, 500, 750, 1000, 1250, 1500, 2000, 3000, 4000, 6000};

  private IngestBench() {
  }

  /** One kind of webhook: sends message i with external id {@code id}; completes with the HTTP status. */
  interface Sender {
    Future<Integer> send(int i, String id);
  }

  static JsonObject ingest(Harness h, boolean quick) throws Exception {
    List<JsonObject> endpoints = new ArrayList<>();
    for (int i = 0; i < 5; i++) endpoints.addAll(h.inboxWithApiEndpoints("Ingest " + i, 4));
    JsonObject api = ramp(h, quick, "b", "API channel", (i, id) ->
        h.postApi(endpoints.get(i % endpoints.size()), "c-" + (i % 5000), "bench message " + id, id));
    String token = "bench-auth-token";
    List<String> numbers = new ArrayList<>(h.inboxWithNumbers("SMS 1", 4, token, 1000));
    numbers.addAll(h.inboxWithNumbers("SMS 2", 4, token, 2000));
    JsonObject sms = ramp(h, quick, "SMb", "Twilio-style SMS", (i, id) ->
        h.postSms(numbers.get(i % numbers.size()), token, "+1202555" + (1000 + i % 5000), "bench sms " + id, id));
    return api.put("sms", sms);
  }

  /** Rising rates until the p99 acknowledgement exceeds 100 ms, then the exactly-once check of every message sent. */
  private static JsonObject ramp(Harness h, boolean quick, String idPrefix, String what, Sender sender) throws Exception {
    Set<String> unacked = ConcurrentHashMap.newKeySet();
    AtomicLong sentTotal = new AtomicLong();
    JsonArray steps = new JsonArray();
    int sustained = 0;
    JsonObject sustainedStep = null;
    // warm-up, not measured: the JIT compiles the hot path and the sender pool's contacts and conversations exist,
    // so the steps measure the steady state rather than the first minute of a process
    int[] warm = quick ? new int[] {300, 5} : new int[] {300, 30};
    String warmPrefix = idPrefix + "0x";
    OpenLoop.Result w = Harness.await(OpenLoop.run(h.vertx, warm[0], warm[0] * warm[1], 5000, i -> {
      sentTotal.incrementAndGet();
      return sender.send(i, warmPrefix + i).onComplete(ar -> {
        if (ar.failed() || ar.result() != 200) unacked.add(warmPrefix + i);
      }).recover(t -> Future.succeededFuture(599));
    }), 600);
    System.out.printf("  %s warm-up %d/s: achieved %.0f/s, %s%n", what, warm[0], w.achievedRate(), w.latency().line());
    for (int rate : RATES) {
      int count = rate * (quick ? 3 : STEP_SECONDS);
      String prefix = idPrefix + rate + "x";
      OpenLoop.Result r = Harness.await(OpenLoop.run(h.vertx, rate, count, 5000, i -> {
        String id = prefix + i;
        sentTotal.incrementAndGet();
        return sender.send(i, id)
            .onComplete(ar -> {
              if (ar.failed() || ar.result() != 200) unacked.add(id);
            })
            .recover(t -> Future.succeededFuture(599));
      }), 600);
      boolean ok = !r.overloaded() && r.failed() == 0 && r.latency().ms(99) <= 100 && r.achievedRate() >= 0.95 * rate;
      JsonObject step = new JsonObject().put("target_per_s", rate).put("achieved_per_s", Math.round(r.achievedRate()))
          .put("ok", r.ok()).put("failed", r.failed()).put("overloaded", r.overloaded()).put("ack", r.latency().json())
          .put("sustained", ok);
      steps.add(step);
      System.out.printf("  %s %5d/s: achieved %5.0f/s, %s%s%n", what, rate, r.achievedRate(), r.latency().line(),
          ok ? "" : "  <- not sustained");
      if (!ok) break;
      sustained = rate;
      sustainedStep = step;
    }
    // what was not acknowledged is redelivered, as a provider would; then each message must be there exactly once
    for (String id : unacked) {
      int attempts = 0;
      int i = Integer.parseInt(id.substring(id.lastIndexOf('x') + 1));
      while (attempts++ < 20) {
        int status = Harness.await(sender.send(i, id).recover(t -> Future.succeededFuture(599)), 60);
        if (status == 200) break;
        Thread.sleep(200);
      }
    }
    long stored = h.scalar("SELECT count(*) FROM activity WHERE provider_id LIKE '" + idPrefix + "%x%'");
    long distinct = h.scalar("SELECT count(DISTINCT provider_id) FROM activity WHERE provider_id LIKE '" + idPrefix + "%x%'");
    boolean exactlyOnce = stored == sentTotal.get() && distinct == stored;
    System.out.printf("  %s exactly once: %d sent, %d stored, %d distinct, %d redelivered -> %s%n", what, sentTotal.get(), stored,
        distinct, unacked.size(), exactlyOnce ? "ok" : "LOST OR DOUBLED");
    return new JsonObject().put("steps", steps).put("sustained_per_s", sustained)
        .put("at_sustained", sustainedStep)
        .put("messages_sent", sentTotal.get()).put("messages_stored", stored).put("distinct_stored", distinct)
        .put("redelivered", unacked.size()).put("exactly_once", exactlyOnce);
  }

  /** Single-row insert transactions per second on the hub's own database. */
  static JsonObject rawCommits(Harness h, int hubPoolSize, boolean quick) throws Exception {
    try (var c = h.pg()) {
      c.createStatement().execute("CREATE TABLE IF NOT EXISTS bench_raw (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), "
          + "sender text NOT NULL, payload text NOT NULL)");
    }
    JsonObject out = new JsonObject();
    double best = 0;
    for (int connections : new int[] {hubPoolSize, 64}) {
      Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(connections))
          .connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(h.pgPort).setDatabase("switchboard")
              .setUser("postgres").setPassword(h.pgPassword).setCachePreparedStatements(true))
          .using(h.vertx).build();
      Latency latency = new Latency();
      AtomicLong done = new AtomicLong();
      long seconds = quick ? 3 : 8;
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      List<Future<Void>> workers = new ArrayList<>();
      for (int w = 0; w < connections; w++) workers.add(loop(pool, end, latency, done));
      long start = System.nanoTime();
      Harness.await(Future.all(workers), 120);
      double rate = done.get() / ((System.nanoTime() - start) / 1e9);
      best = Math.max(best, rate);
      out.put("connections_" + connections, new JsonObject().put("commits_per_s", Math.round(rate)).put("latency", latency.json()));
      System.out.printf("  raw PostgreSQL, %d connections: %.0f commits/s, %s%n", connections, rate, latency.line());
      Harness.await(pool.close(), 30);
    }
    return out.put("ceiling_commits_per_s", Math.round(best));
  }

  private static Future<Void> loop(Pool pool, long end, Latency latency, AtomicLong done) {
    Promise<Void> finished = Promise.promise();
    step(pool, end, latency, done, finished);
    return finished.future();
  }

  /** One transaction, then the next from its completion: no chain of futures grows. */
  private static void step(Pool pool, long end, Latency latency, AtomicLong done, Promise<Void> finished) {
    if (System.nanoTime() >= end) {
      finished.complete();
      return;
    }
    long t0 = System.nanoTime();
    pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO bench_raw (sender, payload) VALUES ($1, $2)")
            .execute(Tuple.of("c-" + (t0 % 5000), "bench message payload of a typical size")))
        .onComplete(ar -> {
          if (ar.failed()) {
            finished.fail(ar.cause());
            return;
          }
          latency.record(System.nanoTime() - t0);
          done.incrementAndGet();
          step(pool, end, latency, done, finished);
        });
  }
}
