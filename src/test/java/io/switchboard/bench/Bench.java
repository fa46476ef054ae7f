package io.switchboard.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The benchmark harness: starts the packaged hub on its embedded PostgreSQL in its own process, drives it over
 * loopback from this process with real HTTP and WebSocket clients, measures the machine's own ceilings in the
 * same run, and writes {@code target/bench/report.json} and {@code report.txt}. Exits non-zero if any message
 * was lost or stored twice. Run with {@code mvn -B -Pbench -DskipTests verify} (see README).
 */
public final class Bench {

  private Bench() {
  }

  public static void main(String[] args) throws Exception {
    boolean quick = false;
    boolean jfr = false;
    // Maven passes -Dbench.args as one argument: options may be separated by commas or spaces
    for (String a : String.join(",", args).split("[,\\s]+")) {
      if (a.equals("--quick") || a.equals("--quick=true")) quick = true;
      if (a.equals("--jfr")) jfr = true;
    }
    Path jar = Path.of("target", "switchboard.jar");
    if (!Files.exists(jar)) throw new IllegalStateException("build the jar first: mvn -B -DskipTests package");
    long started = System.nanoTime();
    JsonObject report = new JsonObject().put("started_at", Instant.now().toString())
        .put("machine", new JsonObject().put("cores", Runtime.getRuntime().availableProcessors())
            .put("java", System.getProperty("java.version")).put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch")))
        .put("command", "mvn -B -Pbench -DskipTests verify").put("quick", quick);
    boolean exactlyOnce;
    Files.createDirectories(Path.of("target", "bench"));
    try (Harness h = new Harness(jar, jfr)) {
      System.out.println("ceiling: raw PostgreSQL commits");
      JsonObject raw = IngestBench.rawCommits(h, 16, quick);
      System.out.println("scenario 1: ingest throughput");
      JsonObject ingest = IngestBench.ingest(h, quick);
      exactlyOnce = ingest.getBoolean("exactly_once") && ingest.getJsonObject("sms").getBoolean("exactly_once");
      h.settle();
      System.out.println("scenario 2: end-to-end latency");
      JsonObject e2e = LiveBench.endToEnd(h, 1000, quick ? 4 : 10);
      h.settle();
      System.out.println("scenario 3: fan-out");
      int messages = quick ? 30 : 100;
      JsonObject fanHub = LiveBench.fanOutHub(h, 100, 10, messages);
      JsonObject fanBare = LiveBench.fanOutBare(h, 1000, messages, e2e.getInteger("frame_bytes", 1500));
      h.settle();
      System.out.println("scenario 4: idle connections");
      JsonObject idle = LiveBench.connections(h, 50, quick ? 40 : 200);
      report.put("ceiling_raw_postgresql", raw).put("ingest", ingest).put("end_to_end", e2e)
          .put("fan_out", new JsonObject().put("hub", fanHub).put("bare_broadcast", fanBare)).put("connections", idle);
      report.put("budget", budget(raw, ingest, e2e, fanHub, fanBare, idle));
    }
    report.put("seconds", Math.round((System.nanoTime() - started) / 1e9));
    Path out = Path.of("target", "bench");
    Files.createDirectories(out);
    Files.writeString(out.resolve("report.json"), report.encodePrettily());
    String text = text(report);
    Files.writeString(out.resolve("report.txt"), text);
    System.out.println();
    System.out.println(text);
    System.out.println("written: target/bench/report.json, target/bench/report.txt");
    if (!exactlyOnce) {
      System.err.println("FAILED: messages were lost or stored twice");
      System.exit(1);
    }
    System.exit(0);
  }

  private static JsonArray budget(JsonObject raw, JsonObject ingest, JsonObject e2e, JsonObject fanHub, JsonObject fanBare,
                                  JsonObject idle) {
    double ceiling = raw.getLong("ceiling_commits_per_s");
    double sustained = ingest.getInteger("sustained_per_s");
    double e2eP99 = e2e.getJsonObject("latency").getDouble("p99_ms");
    double hubP99 = fanHub.getJsonObject("per_delivery").getDouble("p99_ms");
    double bareP99 = fanBare.getJsonObject("per_delivery").getDouble("p99_ms");
    long heap = idle.getLong("heap_after_bytes");
    int sockets = idle.getInteger("sockets");
    return new JsonArray()
        .add(line("ingest >= 60% of the raw PostgreSQL single-row commit rate", sustained / ceiling >= 0.6,
            String.format("%.0f msg/s sustained = %.0f%% of %.0f commits/s", sustained, 100 * sustained / ceiling, ceiling)))
        .add(line("end-to-end p99 < 25 ms at 1,000 msg/s", e2eP99 < 25 && e2e.getInteger("received") >= e2e.getInteger("sent"),
            String.format("p99 %.2f ms, %d/%d received", e2eP99, e2e.getInteger("received"), e2e.getInteger("sent"))))
        .add(line("fan-out to 1,000 sockets p99 < 100 ms", hubP99 < 100, String.format("p99 %.2f ms", hubP99)))
        .add(line("fan-out within 2x of the bare broadcast", hubP99 <= 2 * Math.max(bareP99, 1.0),
            String.format("hub p99 %.2f ms vs bare %.2f ms (x%.2f; bare floored at 1 ms)", hubP99, bareP99, hubP99 / Math.max(bareP99, 1.0))))
        .add(line("10,000 idle sockets within 512 MiB of heap", sockets >= 10_000 && heap <= 512L << 20,
            String.format("%d sockets, heap %d MiB after GC", sockets, heap >> 20)));
  }

  private static JsonObject line(String what, boolean pass, String figures) {
    return new JsonObject().put("budget", what).put("result", pass ? "pass" : "miss").put("figures", figures);
  }

  private static void steps(StringBuilder sb, String what, JsonObject in) {
    sb.append("\nIngest, ").append(what).append(" (open loop, acknowledgement latency):\n");
    for (Object o : in.getJsonArray("steps")) {
      JsonObject s = (JsonObject) o;
      JsonObject a = s.getJsonObject("ack");
      sb.append(String.format("  %5d/s -> %5d/s  p50 %7.2f  p99 %7.2f  p99.9 %7.2f  max %7.2f ms  failed %d%s%n",
          s.getInteger("target_per_s"), s.getLong("achieved_per_s"), a.getDouble("p50_ms"), a.getDouble("p99_ms"),
          a.getDouble("p99_9_ms"), a.getDouble("max_ms"), s.getInteger("failed"), s.getBoolean("sustained") ? "" : "  (not sustained)"));
    }
    sb.append(String.format("  sustained %d/s; exactly once: %s (%d sent, %d stored)%n", in.getInteger("sustained_per_s"),
        in.getBoolean("exactly_once") ? "yes" : "NO", in.getLong("messages_sent"), in.getLong("messages_stored")));
  }

  private static String text(JsonObject r) {
    StringBuilder sb = new StringBuilder();
    sb.append("Switchboard benchmark, ").append(r.getString("started_at")).append(", ")
        .append(r.getJsonObject("machine").encode()).append(", ").append(r.getLong("seconds")).append(" s\n\n");
    sb.append("Budget:\n");
    for (Object o : r.getJsonArray("budget")) {
      JsonObject b = (JsonObject) o;
      sb.append(String.format("  [%s] %s: %s%n", b.getString("result").toUpperCase(), b.getString("budget"), b.getString("figures")));
    }
    JsonObject api = r.getJsonObject("ingest");
    steps(sb, "API channel", api);
    steps(sb, "Twilio-style SMS", api.getJsonObject("sms"));
    JsonObject raw = r.getJsonObject("ceiling_raw_postgresql");
    sb.append("\nCeiling, raw PostgreSQL single-row insert transactions: ").append(raw.getLong("ceiling_commits_per_s"))
        .append(" commits/s ").append(raw.copy().put("ceiling_commits_per_s", (Object) null).encode()).append('\n');
    JsonObject e = r.getJsonObject("end_to_end");
    sb.append("\nEnd to end (webhook -> member socket) at ").append(e.getInteger("rate_per_s")).append("/s: ")
        .append(e.getJsonObject("latency").encode()).append('\n');
    JsonObject f = r.getJsonObject("fan_out");
    sb.append("\nFan-out, hub:  ").append(f.getJsonObject("hub").encode()).append('\n');
    sb.append("Fan-out, bare: ").append(f.getJsonObject("bare_broadcast").encode()).append('\n');
    sb.append("\nIdle connections: ").append(r.getJsonObject("connections").encode()).append('\n');
    return sb.toString();
  }
}
