package io.switchboard.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fixed-rate scenarios, driven by {@link LoadClient} in its own process: end to end (webhook sent → the member's
 * socket has the {@code message.created} frame) at 1,000 msg/s and at half the sustained rate; and the overload:
 * a baseline at half the sustained rate, twice the sustained rate for 10 s, then half again, second by second, to
 * see how soon latency is back to the baseline's.
 */
final class RateBench {

  /** A second after the overload is back to normal when its p99 is within this factor of the baseline's p99… */
  static final double NORMAL_FACTOR = 2.0;
  /** …or under this many milliseconds (a quiet hub's p99 can be a few ms, which noise alone doubles). */
  static final double NORMAL_FLOOR_MS = 25;

  private RateBench() {
  }

  /** An inbox of 4 API endpoints and 1,000 senders, each of whom has written once (unmeasured). */
  static Webhooks.Api endToEndSetup(Harness h) throws Exception {
    Webhooks.Api api = new Webhooks.Api(h.inboxWithApiEndpoints("End to end", 4), "e2e-", 1000);
    Ledger seeded = new Ledger("end-to-end seeding", api).prefix("eseed");
    IngestBench.seed(h, api, "eseed", 1000, seeded);
    if (!seeded.check(h).getBoolean("exactly_once")) throw new IllegalStateException("seeding lost or doubled messages");
    return api;
  }

  static JsonObject endToEnd(Harness h, Webhooks.Api api, String name, String prefix, double rate, int seconds, String token)
      throws Exception {
    Ledger ledger = new Ledger(name, api).prefix("w" + prefix).prefix(prefix);
    JsonObject r = drive(h, api, token, List.of(warm("w" + prefix, rate), phase("measure", prefix, rate, seconds)), ledger);
    JsonObject p = measured(r);
    System.out.printf("  %s at %.0f/s: %d sent, %d acknowledged, %d frames; e2e %s; ack %s; client send delay p99 %.2f ms; CPU %s%n",
        name, rate, p.getInteger("sent"), p.getInteger("acknowledged"), p.getInteger("frames"), line(p.getJsonObject("e2e")),
        line(p.getJsonObject("ack")), p.getJsonObject("send_delay").getDouble("p99_ms"), r.getJsonObject("cpu").encode());
    r.put("rate_per_s", rate).put("seconds", seconds).put("exactly_once", ledger.check(h));
    return r;
  }

  /** The overload scenario on the sustained runs' endpoints and senders. */
  static JsonObject overload(Harness h, Webhooks.Api api, double sustained, boolean quick, String token) throws Exception {
    double normal = Math.max(50, Math.round(sustained / 2));
    double over = Math.max(100, Math.round(2 * sustained));
    int baseSeconds = 5;
    int overSeconds = 10;
    int afterSeconds = quick ? 8 : 15;
    Ledger ledger = new Ledger("overload", api).prefix("ovwarm").prefix("ovbase").prefix("ovload").prefix("ovafter");
    JsonObject r = drive(h, api, token, List.of(warm("ovwarm", normal), phase("baseline", "ovbase", normal, baseSeconds),
        phase("overload", "ovload", over, overSeconds), phase("after", "ovafter", normal, afterSeconds)), ledger);
    JsonObject base = phase(r, "baseline");
    JsonObject load = phase(r, "overload");
    JsonObject after = phase(r, "after");
    double ackLimit = Math.max(NORMAL_FLOOR_MS, NORMAL_FACTOR * base.getJsonObject("ack").getDouble("p99_ms"));
    double e2eLimit = Math.max(NORMAL_FLOOR_MS, NORMAL_FACTOR * base.getJsonObject("e2e").getDouble("p99_ms"));
    int lastAbnormal = -1;
    JsonArray seconds = new JsonArray();
    for (Object o : after.getJsonArray("per_second")) {
      JsonObject s = (JsonObject) o;
      double ack = s.getJsonObject("ack").getDouble("p99_ms");
      double e2e = s.getJsonObject("e2e").getDouble("p99_ms");
      boolean normalSecond = s.getInteger("refused") == 0 && s.getInteger("other") == 0 && s.getInteger("frames_missing") == 0
          && ack >= 0 && ack <= ackLimit && e2e >= 0 && e2e <= e2eLimit;
      if (!normalSecond) lastAbnormal = s.getInteger("second");
      seconds.add(new JsonObject().put("second", s.getInteger("second")).put("ack_p99_ms", ack).put("e2e_p99_ms", e2e)
          .put("refused", s.getInteger("refused")).put("other", s.getInteger("other"))
          .put("frames_missing", s.getInteger("frames_missing")).put("normal", normalSecond));
    }
    // every answer under overload is an acknowledgement or a 503 with Retry-After, and a refusal comes within 2 s
    long refused = load.getJsonObject("statuses").getLong("503", 0L);
    long other = 0;
    for (Map.Entry<String, Object> e : load.getJsonObject("statuses")) {
      if (!e.getKey().startsWith("2") && !e.getKey().equals("503")) other += ((Number) e.getValue()).longValue();
    }
    double refusalMax = load.getJsonObject("refusal").getDouble("max_ms");
    JsonObject verdict = new JsonObject().put("normal_rate_per_s", normal).put("overload_rate_per_s", over)
        .put("overload_seconds", overSeconds).put("refused", refused).put("refused_without_retry_after",
            load.getInteger("refused_without_retry_after")).put("refusal_max_ms", refusalMax).put("other_answers", other)
        .put("ack_limit_ms", Cpu.round(ackLimit)).put("e2e_limit_ms", Cpu.round(e2eLimit))
        .put("after_seconds", seconds.size())
        // null: still not normal in the last second measured
        .put("normal_after_s", lastAbnormal + 1 >= seconds.size() ? null : lastAbnormal + 1).put("after_per_second", seconds);
    System.out.printf("  overload %.0f/s for %d s (baseline and after at %.0f/s): %d acknowledged, %d refused (503, max %.0f ms, %d"
            + " without Retry-After), %d other answers; ack during overload %s; back to normal (ack p99 <= %.0f ms, e2e p99 <= %.0f ms)"
            + " %s; CPU %s%n", over, overSeconds, normal, load.getInteger("acknowledged"), refused, refusalMax,
        load.getInteger("refused_without_retry_after"), other, line(load.getJsonObject("ack")), ackLimit, e2eLimit, normalAfter(verdict),
        r.getJsonObject("cpu").encode());
    return r.put("verdict", verdict).put("exactly_once", ledger.check(h));
  }

  /** "3 s after", or that it was not normal again within the seconds measured. */
  static String normalAfter(JsonObject verdict) {
    Integer s = verdict.getInteger("normal_after_s");
    return s == null ? "not within the " + verdict.getInteger("after_seconds") + " s measured" : s + " s after";
  }

  private static JsonObject phase(String name, String prefix, double rate, int seconds) {
    return new JsonObject().put("name", name).put("prefix", prefix).put("rate", rate).put("seconds", seconds);
  }

  /** 2 s at the same rate before the measured phases, outside the window: the client's JVM compiles its code. */
  private static JsonObject warm(String prefix, double rate) {
    return phase("warm-up", prefix, rate, 2).put("measured", false);
  }

  /** A phase of a load client's result, by name. */
  static JsonObject phase(JsonObject result, String name) {
    for (Object o : result.getJsonArray("phases")) {
      if (name.equals(((JsonObject) o).getString("name"))) return (JsonObject) o;
    }
    throw new IllegalArgumentException("no phase " + name);
  }

  /** The measured phase of an end-to-end run. */
  static JsonObject measured(JsonObject result) {
    return phase(result, "measure");
  }

  /** Runs the load client over the phases; the CPU window is its sending, metrics are read after its drain. */
  private static JsonObject drive(Harness h, Webhooks.Api api, String token, List<JsonObject> phases, Ledger ledger)
      throws Exception {
    h.settle();
    Path out = h.dir.resolve("load-" + phases.get(0).getString("prefix") + ".json");
    Path spec = h.dir.resolve("load-" + phases.get(0).getString("prefix") + "-spec.json");
    Files.writeString(spec, new JsonObject().put("port", h.port).put("token", token).put("api", api.json())
        .put("phases", new JsonArray(new ArrayList<>(phases))).put("connections", 256).put("timeout_ms", 30_000)
        .put("drain_ms", 10_000).put("out", out.toString()).encode());
    // lean: one small heap and a serial collector; C1 only: measured here, C2 compiling during a short run took the
    // client from about 0.15 to 0.35-0.6 cores at 500 msg/s, after the same 2 s warm-up
    List<String> cmd = List.of(Proc.java(), "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", Proc.classPath(),
        LoadClient.class.getName(), spec.toString());
    try (Proc client = Proc.start("load client", cmd, h.dir, Map.of())) {
      client.await(l -> l.equals("load client ready"), 60);
      Watch watch = Watch.begin(h, h.cpu().party("load client", () -> Cpu.ticks(client.pid(), false)));
      client.process.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
      client.process.getOutputStream().flush();
      double total = phases.stream().mapToDouble(p -> p.getDouble("seconds")).sum();
      client.await(l -> l.equals("load client load start"), (long) total + 60);
      watch.cpu.begin();
      client.await(l -> l.equals("load client load end"), (long) total + 120);
      JsonObject cpu = watch.endCpu();
      client.await(l -> l.equals("load client done"), 120);
      JsonObject result = new JsonObject(Files.readString(out));
      for (Object o : result.getJsonArray("phases")) {
        JsonObject p = (JsonObject) o;
        String prefix = p.getString("prefix");
        java.util.Set<Integer> unacked = new java.util.HashSet<>();
        p.getJsonArray("unacknowledged").forEach(j -> unacked.add((Integer) j));
        for (int j = 0; j < p.getInteger("sent"); j++) ledger.sent(prefix + j, j, !unacked.contains(j));
        p.remove("unacknowledged");
      }
      return result.put("cpu", cpu).put("metrics", watch.metrics());
    }
  }

  static String line(JsonObject l) {
    return String.format("p50 %.2f p99 %.2f max %.2f ms", l.getDouble("p50_ms"), l.getDouble("p99_ms"), l.getDouble("max_ms"));
  }
}
