package io.switchboard.bench;

import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The benchmark harness: starts the given hub jar on its embedded PostgreSQL in its own process, drives it over
 * loopback (sustained load from wrk, fixed-rate load from {@link LoadClient} in its own process, live sockets and
 * set-up from this one), measures the machine's own ceilings in the same run, and writes {@code report.json} and
 * {@code report.txt}. Exits 1 if any message was lost or stored twice. Run with {@code mvn -B -Pbench -DskipTests
 * verify} (see README); options in {@code -Dbench.args}: {@code --quick}, {@code --jfr}, {@code --jar=PATH} (measure
 * another build, e.g. an older one for a before/after comparison) and {@code --out=DIR} (default target/bench).
 */
public final class Bench {

  private Bench() {
  }

  public static void main(String[] args) throws Exception {
    boolean quick = false;
    boolean jfr = false;
    Path jar = Path.of("target", "switchboard.jar");
    Path out = Path.of("target", "bench");
    // Maven passes -Dbench.args as one argument: options may be separated by commas or spaces
    for (String a : String.join(",", args).split("[,\\s]+")) {
      if (a.equals("--quick") || a.equals("--quick=true")) quick = true;
      if (a.equals("--jfr")) jfr = true;
      if (a.startsWith("--jar=")) jar = Path.of(a.substring(6));
      if (a.startsWith("--out=")) out = Path.of(a.substring(6));
    }
    if (!Files.exists(jar)) throw new IllegalStateException(jar + " not found: build the jar first (mvn -B -DskipTests package)");
    Wrk.check();
    long started = System.nanoTime();
    Files.createDirectories(out);
    JsonObject report = new JsonObject().put("started_at", Instant.now().toString())
        .put("machine", new JsonObject().put("cores", Runtime.getRuntime().availableProcessors())
            .put("java", System.getProperty("java.version")).put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch")))
        .put("command", "mvn -B -Pbench -DskipTests verify -Dbench.args=" + String.join(",", args)).put("quick", quick)
        .put("jar", describe(jar));
    try (Harness h = new Harness(jar, jfr, out)) {
      // the admin created every inbox below and so is a member of each: its socket is a member's socket
      String token = h.adminToken();
      System.out.println("ceiling: raw PostgreSQL commits");
      JsonObject raw = IngestBench.ceiling(h, quick);
      double ceiling = raw.getLong("ceiling_commits_per_s");
      IngestBench.Setup setup = IngestBench.Setup.create(h);
      System.out.println("scenario 1: sustained ingest, API channel");
      JsonObject api = IngestBench.sustained(h, "API channel", setup.api(), "A", ceiling, quick, token);
      h.settle();
      System.out.println("scenario 2: sustained ingest, Twilio-style SMS");
      JsonObject sms = IngestBench.sustained(h, "Twilio-style SMS", setup.sms(), "SM", ceiling, quick, token);
      h.settle();
      double sustained = api.getLong("sustained_per_s");
      System.out.println("scenario 3: end to end");
      Webhooks.Api e2eApi = RateBench.endToEndSetup(h);
      int seconds = quick ? 5 : 10;
      JsonObject e2e = RateBench.endToEnd(h, e2eApi, "end to end", "eone", 1000, seconds, token);
      JsonObject e2eHalf = RateBench.endToEnd(h, e2eApi, "end to end, half the sustained rate", "ehalf",
          Math.max(50, Math.round(sustained / 2)), seconds, token);
      System.out.println("scenario 4: overload");
      JsonObject overload = RateBench.overload(h, setup.api(), sustained, quick, token);
      h.settle();
      System.out.println("scenario 5: fan-out");
      int messages = quick ? 30 : 100;
      JsonObject fanHub = LiveBench.fanOutHub(h, 100, 10, messages);
      JsonObject fanBare = LiveBench.fanOutBare(h, 1000, messages, 1500);
      h.settle();
      System.out.println("scenario 6: idle connections");
      JsonObject idle = LiveBench.connections(h, 50, quick ? 40 : 200);
      System.out.println("scenario 7: reports over a million activities");
      JsonObject reports;
      try (java.sql.Connection pg = h.pg()) {
        reports = ReportsBench.run(pg, h.admin);
      }
      report.put("reports", reports);
      report.put("ceiling_raw_postgresql", raw).put("ingest", new JsonObject().put("api", api).put("sms", sms))
          .put("end_to_end", new JsonObject().put("at_1000", e2e).put("at_half_sustained", e2eHalf)).put("overload", overload)
          .put("fan_out", new JsonObject().put("hub", fanHub).put("bare_broadcast", fanBare)).put("connections", idle);
      report.put("budget", Budget.lines(report));
    }
    report.put("seconds", Math.round((System.nanoTime() - started) / 1e9));
    Files.writeString(out.resolve("report.json"), report.encodePrettily());
    String text = Report.text(report);
    Files.writeString(out.resolve("report.txt"), text);
    System.out.println();
    System.out.println(text);
    System.out.println("written: " + out.resolve("report.json") + ", " + out.resolve("report.txt"));
    if (!Budget.exactlyOnce(report)) {
      System.err.println("FAILED: messages were lost or stored twice");
      System.exit(1);
    }
    System.exit(0);
  }

  /** Which build was measured: path, size, time and a hash prefix, so two reports say what they compare. */
  private static JsonObject describe(Path jar) throws Exception {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(jar));
    return new JsonObject().put("path", jar.toAbsolutePath().toString()).put("bytes", Files.size(jar))
        .put("modified", Files.getLastModifiedTime(jar).toInstant().toString())
        .put("sha256", HexFormat.of().formatHex(digest).substring(0, 16));
  }
}
