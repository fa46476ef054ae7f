package io.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ceiling and the sustained ingest rate. Ceiling: the raw PostgreSQL commit rate of a single-row insert
 * transaction on the hub's own database, from this process (Vert.x PG client) and, when installed, from pgbench,
 * at the hub's pool size and at 64 connections; the best of them is the ceiling. Sustained: each sender first
 * writes once (so the run measures known senders in their conversations), then wrk warms the hub up unmeasured
 * and drives it for the measured run; a member's socket records how late each frame comes.
 */
final class IngestBench {

  /** Senders per channel: each has one conversation per endpoint it writes to. */
  static final int SENDERS = 5000;

  private IngestBench() {
  }

  /** What the sustained runs need: API-channel endpoints (20 of 5 inboxes) and SMS numbers (8 of 2 inboxes). */
  record Setup(Webhooks.Api api, Webhooks.Sms sms) {
    static Setup create(Harness h) {
      List<JsonObject> endpoints = new ArrayList<>();
      for (int i = 0; i < 5; i++) endpoints.addAll(h.inboxWithApiEndpoints("Ingest " + i, 4));
      String token = "bench-auth-token";
      List<String> numbers = new ArrayList<>(h.inboxWithNumbers("SMS 1", 4, token, 1000));
      numbers.addAll(h.inboxWithNumbers("SMS 2", 4, token, 2000));
      return new Setup(new Webhooks.Api(endpoints, "c-", SENDERS), new Webhooks.Sms(h.base(), numbers, token, SENDERS));
    }
  }

  /**
   * One channel at its sustained rate: seeding, wrk warm-up, the measured wrk run with the live socket, then the
   * exactly-once check. {@code p} prefixes the ids (letters only: SMS ids must look like Twilio's).
   */
  static JsonObject sustained(Harness h, String what, Webhooks.Source source, String p, double ceiling, boolean quick,
                              String token) throws Exception {
    Ledger ledger = new Ledger(what, source).prefix(p + "seed").prefix(p + "warm").prefix(p + "run");
    seed(h, source, p + "seed", SENDERS, ledger);
    h.settle();
    int warmSeconds = quick ? 3 : 10;
    int runSeconds = quick ? 5 : 15;
    JsonObject out = new JsonObject().put("channel", source.channel()).put("connections", Wrk.CONNECTIONS)
        .put("warm_up_seconds", warmSeconds).put("seconds", runSeconds);
    try (LiveLag live = LiveLag.open(h, token, List.of(p + "warm", p + "run"))) {
      Wrk.Prepared warmReqs = Wrk.prepare(h, source, p + "warm", (int) (warmSeconds * Math.max(1.5 * ceiling, 2000)));
      Wrk.Run warm = Wrk.run(h, warmReqs, warmSeconds, ledger, null);
      System.out.printf("  %s warm-up (wrk, %d connections, %d s): %.0f acknowledged/s%n", what, Wrk.CONNECTIONS, warmSeconds,
          warm.ackedPerSecond());
      int count = (int) (runSeconds * Math.max(2000, Math.max(2 * ceiling, 3 * warm.ackedPerSecond())));
      Wrk.Prepared runReqs = Wrk.prepare(h, source, p + "run", count);
      Watch watch = Watch.begin(h, h.cpu());
      Wrk.Run run = Wrk.run(h, runReqs, runSeconds, ledger, watch.cpu);
      JsonObject cpu = watch.cpu.result();
      long stored = h.scalar("SELECT count(*) FROM activity WHERE left(provider_id, " + (p.length() + 3) + ") = '" + p + "run'");
      // frames still on their way come within the drain; what is missing after it is reported as missing
      live.await(p + "run", stored, 5000);
      JsonObject lag = live.json(p + "run", stored);
      JsonObject metrics = watch.metrics();
      System.out.printf("  %s: %.0f acknowledged/s (wrk %d s%s), ack %s; live lag over %d/%d frames: %s; CPU %s%n", what,
          run.ackedPerSecond(), runSeconds, run.exhausted() ? ", REQUESTS RAN OUT: a lower bound" : "", run.latency().encode(),
          lag.getInteger("frames"), stored, lag.getJsonObject("lag_created_to_frame").encode(), cpu.encode());
      System.out.println("  " + what + " metrics: " + Metrics.line(metrics));
      out.put("sustained_per_s", Math.round(run.ackedPerSecond())).put("warm_up", warm.json()).put("run", run.json())
          .put("live", lag).put("cpu", cpu).put("metrics", metrics);
    }
    return out.put("exactly_once", ledger.check(h));
  }

  /** One message from each sender, 32 at a time, as fast as the hub takes them (unmeasured). */
  static void seed(Harness h, Webhooks.Source source, String prefix, int senders, Ledger ledger) throws Exception {
    long t0 = System.nanoTime();
    AtomicInteger next = new AtomicInteger();
    List<Future<Void>> lanes = new ArrayList<>();
    for (int l = 0; l < 32; l++) {
      Promise<Void> lane = Promise.promise();
      lanes.add(lane.future());
      h.vertx.runOnContext(v -> seedNext(h, source, prefix, senders, ledger, next, lane));
    }
    Harness.await(Future.all(lanes), 600);
    System.out.printf("  seeded %d senders (%s) in %.1f s%n", senders, prefix, (System.nanoTime() - t0) / 1e9);
  }

  private static void seedNext(Harness h, Webhooks.Source source, String prefix, int senders, Ledger ledger, AtomicInteger next,
                               Promise<Void> lane) {
    int i = next.getAndIncrement();
    if (i >= senders) {
      lane.tryComplete();
      return;
    }
    h.send(source.request(prefix + i, i)).onComplete(ar -> {
      ledger.sent(prefix + i, i, ar.succeeded() && ar.result().status() / 100 == 2);
      seedNext(h, source, prefix, senders, ledger, next, lane);
    });
  }

  /** Single-row insert transactions per second on the hub's own database; the best figure is the ceiling. */
  static JsonObject ceiling(Harness h, boolean quick) throws Exception {
    try (var c = h.pg()) {
      c.createStatement().execute("CREATE TABLE IF NOT EXISTS bench_raw (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), "
          + "sender text NOT NULL, payload text NOT NULL)");
    }
    int seconds = quick ? 3 : 8;
    JsonObject out = new JsonObject();
    double best = 0;
    String bestFrom = null;
    for (int connections : new int[] {16, 64}) {
      Cpu.Window cpu = h.cpu().begin();
      JsonObject r = harnessCommits(h, connections, seconds).put("cpu", cpu.end());
      out.put("harness_" + connections, r);
      System.out.printf("  raw PostgreSQL from the harness, %d connections: %d commits/s, CPU %s%n", connections,
          r.getLong("commits_per_s"), r.getJsonObject("cpu").encode());
      if (r.getLong("commits_per_s") > best) {
        best = r.getLong("commits_per_s");
        bestFrom = "harness, " + connections + " connections";
      }
    }
    if (onPath("pgbench")) {
      for (int connections : new int[] {16, 64}) {
        JsonObject r = pgbench(h, connections, seconds);
        out.put("pgbench_" + connections, r);
        System.out.printf("  raw PostgreSQL from pgbench, %d connections: %s%n", connections, r.encode());
        if (r.getLong("commits_per_s", 0L) > best) {
          best = r.getLong("commits_per_s");
          bestFrom = "pgbench, " + connections + " connections";
        }
      }
    } else {
      out.put("pgbench", "not installed (Debian: apt-get install postgresql-client); the ceiling is the harness's own figure");
    }
    return out.put("ceiling_commits_per_s", Math.round(best)).put("ceiling_from", bestFrom);
  }

  private static JsonObject harnessCommits(Harness h, int connections, int seconds) throws Exception {
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(connections))
        .connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(h.pgPort).setDatabase("switchboard")
            .setUser("postgres").setPassword(h.pgPassword).setCachePreparedStatements(true))
        .using(h.vertx).build();
    Latency latency = new Latency();
    AtomicLong done = new AtomicLong();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    List<Future<Void>> workers = new ArrayList<>();
    long start = System.nanoTime();
    for (int w = 0; w < connections; w++) workers.add(loop(pool, end, latency, done));
    Harness.await(Future.all(workers), 120);
    double rate = done.get() / ((System.nanoTime() - start) / 1e9);
    Harness.await(pool.close(), 30);
    return new JsonObject().put("commits_per_s", Math.round(rate)).put("latency", latency.json());
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

  private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+)");

  /** The same transaction from pgbench (C, prepared statements, 2 threads), CPU measured as for wrk. */
  private static JsonObject pgbench(Harness h, int connections, int seconds) throws Exception {
    Path script = h.dir.resolve("raw.sql");
    Files.writeString(script, "BEGIN;\nINSERT INTO bench_raw (sender, payload) VALUES ('c-1', 'bench message payload of a typical size');\nCOMMIT;\n");
    Path stat = h.dir.resolve("pgbench.stat");
    ProcessBuilder pb = new ProcessBuilder("sh", "-c", "\"$@\"; rc=$?; cat /proc/$$/stat > '" + stat + "'; exit $rc", "sh",
        "pgbench", "-n", "-M", "prepared", "-c", String.valueOf(connections), "-j", "2", "-T", String.valueOf(seconds),
        "-f", script.toString(), "-h", "127.0.0.1", "-p", String.valueOf(h.pgPort), "-U", "postgres", "switchboard")
        .redirectErrorStream(true);
    pb.environment().put("PGPASSWORD", h.pgPassword);
    Cpu.Window cpu = h.cpu().begin();
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS)) p.destroyForcibly();
    JsonObject cores = cpu.total("pgbench", Wrk.childTicks(stat)).end();
    Matcher m = TPS.matcher(output);
    if (!m.find()) return new JsonObject().put("error", output.length() > 500 ? output.substring(0, 500) : output);
    return new JsonObject().put("commits_per_s", Math.round(Double.parseDouble(m.group(1)))).put("cpu", cores);
  }

  static boolean onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, program))) return true;
    }
    return false;
  }
}
