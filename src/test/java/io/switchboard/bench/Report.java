package io.switchboard.bench;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;

/** report.txt: the budget lines first, then who used the cores, then each scenario's figures. */
final class Report {

  private Report() {
  }

  static String text(JsonObject r) {
    StringBuilder sb = new StringBuilder();
    JsonObject jar = r.getJsonObject("jar");
    sb.append("Switchboard benchmark, ").append(r.getString("started_at")).append(r.getBoolean("quick") ? ", quick" : ", full")
        .append(", ").append(r.getLong("seconds")).append(" s\n");
    sb.append("jar: ").append(jar.getString("path")).append(" (").append(jar.getLong("bytes") >> 10).append(" KiB, built ")
        .append(jar.getString("modified")).append(", sha256 ").append(jar.getString("sha256")).append(")\n");
    sb.append("machine: ").append(r.getJsonObject("machine").encode()).append("\n\nBudget:\n");
    for (Object o : r.getJsonArray("budget")) {
      JsonObject b = (JsonObject) o;
      sb.append(String.format("  [%s] %s%n         %s%n", b.getString("result").toUpperCase(), b.getString("budget"), b.getString("figures")));
    }
    cores(sb, r);
    ingest(sb, r);
    rates(sb, r);
    sb.append("\nExactly once (every message sent, after redelivering what was not acknowledged):\n");
    Budget.onceResults(r).forEach((k, o) -> sb.append(String.format("  %-20s %s: %d sent, %d acknowledged, %d redelivered"
            + " (%d of them already stored), %d stored; lost after ack %d, missing %d, doubled %d, unexpected %d%n", k,
        o.getBoolean("exactly_once") ? "ok" : "NO", o.getInteger("sent"), o.getInteger("acknowledged"), o.getInteger("redelivered"),
        o.getLong("unacknowledged_but_stored"), o.getInteger("stored"), o.getLong("lost_after_ack"), o.getLong("missing"),
        o.getLong("doubled"), o.getLong("unexpected"))));
    JsonObject f = r.getJsonObject("fan_out");
    sb.append("\nFan-out, hub:  ").append(f.getJsonObject("hub").copy().put("exactly_once", (Object) null).encode()).append('\n');
    sb.append("Fan-out, bare: ").append(f.getJsonObject("bare_broadcast").encode()).append('\n');
    sb.append("\nIdle connections: ").append(r.getJsonObject("connections").encode()).append('\n');
    if (r.containsKey("reports")) sb.append(ReportsBench.text(r.getJsonObject("reports")));
    return sb.toString();
  }

  /** Who used the cores: each party's CPU time over the window's wall time, in cores. */
  private static void cores(StringBuilder sb, JsonObject r) {
    sb.append("\nWho used the cores (CPU time / wall time, in cores; 'other' is the rest of the machine meanwhile):\n");
    sb.append(String.format("  %-34s %6s %6s %11s %8s %6s %8s %6s%n", "window", "hub", "PG", "load gen", "harness", "other",
        "machine", "wall s"));
    JsonObject raw = r.getJsonObject("ceiling_raw_postgresql");
    for (String k : List.of("harness_16", "harness_64", "pgbench_16", "pgbench_64")) {
      JsonObject c = raw.getJsonObject(k);
      if (c != null && c.getJsonObject("cpu") != null) {
        row(sb, "ceiling, " + k.replace('_', ' ') + " conns", c.getJsonObject("cpu"), k.startsWith("pgbench") ? "pgbench" : null);
      }
    }
    JsonObject in = r.getJsonObject("ingest");
    row(sb, "API sustained (wrk)", in.getJsonObject("api").getJsonObject("cpu"), "wrk");
    row(sb, "SMS sustained (wrk)", in.getJsonObject("sms").getJsonObject("cpu"), "wrk");
    JsonObject e = r.getJsonObject("end_to_end");
    row(sb, "end to end 1,000/s (load client)", e.getJsonObject("at_1000").getJsonObject("cpu"), "load client");
    row(sb, "end to end half (load client)", e.getJsonObject("at_half_sustained").getJsonObject("cpu"), "load client");
    row(sb, "overload (load client)", r.getJsonObject("overload").getJsonObject("cpu"), "load client");
    sb.append("  (in the ceiling rows from the harness, the harness is the load generator)\n");
  }

  private static void row(StringBuilder sb, String name, JsonObject c, String loadGen) {
    sb.append(String.format("  %-34s %6s %6s %11s %8s %6s %8s %6s%n", name, n(c, "hub"), n(c, "postgresql"),
        loadGen == null ? "-" : n(c, loadGen), n(c, "harness"), n(c, "other"), n(c, "machine"), n(c, "seconds")));
  }

  private static String n(JsonObject c, String k) {
    Double d = c.getDouble(k);
    return d == null || d < 0 ? "-" : String.format("%.2f", d);
  }

  private static void ingest(StringBuilder sb, JsonObject r) {
    JsonObject raw = r.getJsonObject("ceiling_raw_postgresql");
    sb.append("\nCeiling, raw PostgreSQL single-row insert transactions: ").append(raw.getLong("ceiling_commits_per_s"))
        .append(" commits/s (").append(raw.getString("ceiling_from")).append(")\n");
    for (Map.Entry<String, Object> e : raw) {
      if (e.getValue() instanceof JsonObject o) {
        sb.append("  ").append(e.getKey()).append(": ").append(o.getValue("commits_per_s")).append(" commits/s");
        if (o.getJsonObject("latency") != null) sb.append(", latency ").append(RateBench.line(o.getJsonObject("latency")));
        sb.append('\n');
      } else if (e.getKey().equals("pgbench")) {
        sb.append("  pgbench: ").append(e.getValue()).append('\n');
      }
    }
    JsonObject in = r.getJsonObject("ingest");
    sb.append("\n(599: no answer, e.g. the requests in flight when wrk stopped; they are redelivered like any other"
        + " unacknowledged message)\n");
    for (String k : List.of("api", "sms")) {
      JsonObject s = in.getJsonObject(k);
      JsonObject run = s.getJsonObject("run");
      JsonObject live = s.getJsonObject("live");
      sb.append(String.format("%nIngest, %s, sustained (wrk, %d keep-alive connections, closed loop, %d s after %d s of warm-up at %d/s):%n",
          k.equals("api") ? "API channel" : "Twilio-style SMS", s.getInteger("connections"), s.getInteger("seconds"),
          s.getInteger("warm_up_seconds"), s.getJsonObject("warm_up").getLong("acknowledged_per_s")));
      sb.append(String.format("  %d acknowledged/s; %d sent, %d acknowledged, statuses %s%s; socket errors %s%n",
          s.getLong("sustained_per_s"), run.getLong("sent"), run.getLong("acknowledged"), run.getJsonObject("statuses").encode(),
          run.getBoolean("requests_ran_out") ? " (REQUESTS RAN OUT: the rate is a lower bound)" : "", run.getJsonObject("socket_errors").encode()));
      JsonObject ack = run.getJsonObject("ack_latency_closed_loop");
      sb.append(String.format("  ack latency (closed loop): p50 %.2f, p90 %.2f, p99 %.2f, max %.2f ms%n", ack.getDouble("p50_ms"),
          ack.getDouble("p90_ms"), ack.getDouble("p99_ms"), ack.getDouble("max_ms")));
      sb.append(String.format("  live lag (frame arrival - activity created_at): %d frames for %d messages stored, %s%s%n",
          live.getInteger("frames"), live.getLong("messages_stored"), RateBench.line(live.getJsonObject("lag_created_to_frame")),
          live.getInteger("socket_reopened") > 0 ? ", socket reopened " + live.getInteger("socket_reopened") + "x" : ""));
      sb.append("  write-path metrics: ").append(Metrics.line(s.getJsonObject("metrics"))).append('\n');
    }
  }

  private static void rates(StringBuilder sb, JsonObject r) {
    JsonObject e = r.getJsonObject("end_to_end");
    for (String k : List.of("at_1000", "at_half_sustained")) {
      JsonObject run = e.getJsonObject(k);
      JsonObject p = RateBench.measured(run);
      sb.append(String.format("%nEnd to end (webhook -> member's /live socket), %.0f msg/s for %d s, open loop from the load client"
          + " after 2 s of warm-up:%n", run.getDouble("rate_per_s"), run.getInteger("seconds")));
      sb.append("  e2e ").append(RateBench.line(p.getJsonObject("e2e"))).append("; ack ").append(RateBench.line(p.getJsonObject("ack")))
          .append(String.format("; %d/%d acknowledged, %d frames, statuses %s; client send delay p99 %.2f ms%n", p.getInteger("acknowledged"),
              p.getInteger("count"), p.getInteger("frames"), p.getJsonObject("statuses").encode(),
              p.getJsonObject("send_delay").getDouble("p99_ms")));
      sb.append("  write-path metrics: ").append(Metrics.line(run.getJsonObject("metrics"))).append('\n');
    }
    JsonObject o = r.getJsonObject("overload");
    JsonObject v = o.getJsonObject("verdict");
    sb.append(String.format("%nOverload: %.0f/s for 5 s, %.0f/s for %d s, %.0f/s after (open loop from the load client, after 2 s of"
        + " warm-up):%n",
        v.getDouble("normal_rate_per_s"), v.getDouble("overload_rate_per_s"), v.getInteger("overload_seconds"), v.getDouble("normal_rate_per_s")));
    for (Object x : o.getJsonArray("phases")) {
      JsonObject p = (JsonObject) x;
      sb.append(String.format("  %-8s %5d sent, %5d acknowledged, statuses %s; ack %s; 503s %s; e2e %s; frames missing %d; send delay p99 %.2f ms%n",
          p.getString("name"), p.getInteger("sent"), p.getInteger("acknowledged"), p.getJsonObject("statuses").encode(),
          RateBench.line(p.getJsonObject("ack_2xx")), RateBench.line(p.getJsonObject("refusal")), RateBench.line(p.getJsonObject("e2e")),
          p.getInteger("frames_missing"), p.getJsonObject("send_delay").getDouble("p99_ms")));
    }
    sb.append(String.format("  after the overload, per second (normal: no refusal, ack p99 <= %.0f ms, e2e p99 <= %.0f ms, no frame missing):%n",
        v.getDouble("ack_limit_ms"), v.getDouble("e2e_limit_ms")));
    for (Object x : v.getJsonArray("after_per_second")) {
      JsonObject s = (JsonObject) x;
      sb.append(String.format("    +%2ds  ack p99 %8.1f ms  e2e p99 %8.1f ms  refused %4d  other %4d  frames missing %4d  %s%n",
          s.getInteger("second"), s.getDouble("ack_p99_ms"), s.getDouble("e2e_p99_ms"), s.getInteger("refused"), s.getInteger("other"),
          s.getInteger("frames_missing"), s.getBoolean("normal") ? "normal" : "NOT NORMAL"));
    }
    sb.append("  write-path metrics: ").append(Metrics.line(o.getJsonObject("metrics"))).append('\n');
  }
}
