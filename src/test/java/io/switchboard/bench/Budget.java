package io.switchboard.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;

/** The budget lines, each pass or miss with the figures that decided it, from the report's measurements. */
final class Budget {

  private Budget() {
  }

  static JsonArray lines(JsonObject r) {
    JsonObject raw = r.getJsonObject("ceiling_raw_postgresql");
    double ceiling = raw.getLong("ceiling_commits_per_s");
    JsonObject api = r.getJsonObject("ingest").getJsonObject("api");
    JsonObject sms = r.getJsonObject("ingest").getJsonObject("sms");
    JsonObject e2e = r.getJsonObject("end_to_end");
    JsonObject fanHub = r.getJsonObject("fan_out").getJsonObject("hub");
    JsonObject fanBare = r.getJsonObject("fan_out").getJsonObject("bare_broadcast");
    JsonObject idle = r.getJsonObject("connections");
    double hubP99 = fanHub.getJsonObject("per_delivery").getDouble("p99_ms");
    double bareP99 = fanBare.getJsonObject("per_delivery").getDouble("p99_ms");
    long heap = idle.getLong("heap_after_bytes");
    int sockets = idle.getInteger("sockets");
    return new JsonArray()
        .add(ingest("API-channel ingest >= 50% of the raw single-row commit rate (aim 100%)", api, ceiling, raw))
        .add(ingest("SMS (Twilio-style, signed) ingest >= 50% of the raw single-row commit rate (aim 100%)", sms, ceiling, raw))
        .add(endToEnd("end to end p99 < 25 ms at 1,000 msg/s", e2e.getJsonObject("at_1000")))
        .add(endToEnd("end to end p99 < 25 ms at half the sustained rate", e2e.getJsonObject("at_half_sustained")))
        .add(liveLag(api, sms))
        .add(overload(r.getJsonObject("overload")))
        .add(line("exactly once in every scenario (after redelivering what was not acknowledged)", exactlyOnce(r), onceFigures(r)))
        .add(line("fan-out to 1,000 sockets p99 < 100 ms", hubP99 >= 0 && hubP99 < 100, String.format("p99 %.2f ms", hubP99)))
        .add(line("fan-out within 2x of the bare broadcast", hubP99 >= 0 && hubP99 <= 2 * Math.max(bareP99, 1.0),
            String.format("hub p99 %.2f ms vs bare %.2f ms (x%.2f; bare floored at 1 ms)", hubP99, bareP99, hubP99 / Math.max(bareP99, 1.0))))
        .add(line("10,000 idle sockets within 512 MiB of heap", sockets >= 10_000 && heap <= 512L << 20,
            String.format("%d sockets, heap %d MiB after GC%s", sockets, heap >> 20,
                Boolean.TRUE.equals(r.getBoolean("quick")) ? " (a quick run opens fewer sockets)" : "")));
  }

  private static JsonObject ingest(String what, JsonObject s, double ceiling, JsonObject raw) {
    double rate = s.getLong("sustained_per_s");
    JsonObject run = s.getJsonObject("run");
    JsonObject cpu = s.getJsonObject("cpu");
    return line(what, rate / ceiling >= 0.5, String.format("%.0f msg/s = %.0f%% of %.0f commits/s (%s)%s; ack p99 %.1f ms"
            + " (wrk, %d connections, closed loop); cores: hub %.2f, PostgreSQL %.2f, wrk %.2f", rate, 100 * rate / ceiling, ceiling,
        raw.getString("ceiling_from"), run.getBoolean("requests_ran_out") ? " (requests ran out: a lower bound)" : "",
        run.getJsonObject("ack_latency_closed_loop").getDouble("p99_ms"), s.getInteger("connections"), cpu.getDouble("hub"),
        cpu.getDouble("postgresql"), cpu.getDouble("wrk")));
  }

  private static JsonObject endToEnd(String what, JsonObject e) {
    JsonObject p = RateBench.measured(e);
    JsonObject l = p.getJsonObject("e2e");
    double p99 = l.getDouble("p99_ms");
    boolean all = p.getInteger("acknowledged").equals(p.getInteger("count")) && p.getInteger("frames_missing") == 0;
    return line(what, p99 >= 0 && p99 < 25 && all, String.format("%.0f msg/s: p50 %.2f, p99 %.2f, max %.2f ms; %d/%d acknowledged,"
            + " %d frames (%d missing); load client sent late by p99 %.2f ms", e.getDouble("rate_per_s"), l.getDouble("p50_ms"), p99,
        l.getDouble("max_ms"), p.getInteger("acknowledged"), p.getInteger("count"), p.getInteger("frames"), p.getInteger("frames_missing"),
        p.getJsonObject("send_delay").getDouble("p99_ms")));
  }

  private static JsonObject liveLag(JsonObject api, JsonObject sms) {
    boolean pass = true;
    StringBuilder f = new StringBuilder();
    for (JsonObject s : new JsonObject[] {api, sms}) {
      JsonObject live = s.getJsonObject("live");
      JsonObject lag = live.getJsonObject("lag_created_to_frame");
      long frames = live.getInteger("frames");
      long stored = live.getLong("messages_stored");
      double max = lag.getDouble("max_ms");
      pass &= frames >= stored && stored > 0 && max >= 0 && max < 1000;
      if (f.length() > 0) f.append("; ");
      f.append(String.format("%s: %d/%d frames, lag p50 %.1f, p99 %.1f, max %.1f ms%s", s.getString("channel"), frames, stored,
          lag.getDouble("p50_ms"), lag.getDouble("p99_ms"), max,
          live.getInteger("socket_reopened") > 0 ? ", socket reopened " + live.getInteger("socket_reopened") + "x" : ""));
    }
    return line("at the sustained rate, every frame within 1 s of its acknowledgement (arrival - created_at)", pass, f.toString());
  }

  private static JsonObject overload(JsonObject o) {
    JsonObject v = o.getJsonObject("verdict");
    JsonObject once = o.getJsonObject("exactly_once");
    long refused = v.getLong("refused");
    boolean refusalsOk = v.getInteger("refused_without_retry_after") == 0 && v.getLong("other_answers") == 0
        && (refused == 0 || v.getDouble("refusal_max_ms") <= 2000);
    Integer normalAfter = v.getInteger("normal_after_s");
    boolean pass = once.getBoolean("exactly_once") && refusalsOk && normalAfter != null && normalAfter <= 5;
    JsonObject load = RateBench.phase(o, "overload");
    return line("overload, 2x the sustained rate for 10 s: none lost or doubled, refusals 503 + Retry-After within 2 s,"
        + " normal latency within 5 s after", pass, String.format("%.0f/s: %d acknowledged (ack p99 %.0f ms, max %.0f ms,"
            + " %d after more than 2 s), %d refused (max %.0f ms, %d without Retry-After), %d other answers; lost after ack %d, doubled %d; normal again %s"
            + " (ack p99 <= %.0f ms, e2e p99 <= %.0f ms at %.0f/s); load client sent late by p99 %.2f ms under overload",
        v.getDouble("overload_rate_per_s"), load.getInteger("acknowledged"),
        load.getJsonObject("ack_2xx").getDouble("p99_ms"), load.getJsonObject("ack_2xx").getDouble("max_ms"),
        load.getInteger("acks_over_2s"), refused,
        v.getDouble("refusal_max_ms"), v.getInteger("refused_without_retry_after"), v.getLong("other_answers"),
        once.getLong("lost_after_ack"), once.getLong("doubled"), RateBench.normalAfter(v), v.getDouble("ack_limit_ms"),
        v.getDouble("e2e_limit_ms"), v.getDouble("normal_rate_per_s"), load.getJsonObject("send_delay").getDouble("p99_ms")));
  }

  /** Every scenario's exactly-once result, by name. */
  static Map<String, JsonObject> onceResults(JsonObject r) {
    Map<String, JsonObject> out = new LinkedHashMap<>();
    if (r.getJsonObject("ingest") == null) return out;
    out.put("API sustained", r.getJsonObject("ingest").getJsonObject("api").getJsonObject("exactly_once"));
    out.put("SMS sustained", r.getJsonObject("ingest").getJsonObject("sms").getJsonObject("exactly_once"));
    out.put("end to end 1,000/s", r.getJsonObject("end_to_end").getJsonObject("at_1000").getJsonObject("exactly_once"));
    out.put("end to end half", r.getJsonObject("end_to_end").getJsonObject("at_half_sustained").getJsonObject("exactly_once"));
    out.put("overload", r.getJsonObject("overload").getJsonObject("exactly_once"));
    out.put("fan-out", r.getJsonObject("fan_out").getJsonObject("hub").getJsonObject("exactly_once"));
    return out;
  }

  static boolean exactlyOnce(JsonObject r) {
    Map<String, JsonObject> all = onceResults(r);
    return !all.isEmpty() && all.values().stream().allMatch(o -> o.getBoolean("exactly_once"));
  }

  private static String onceFigures(JsonObject r) {
    StringBuilder sb = new StringBuilder();
    onceResults(r).forEach((k, o) -> {
      if (sb.length() > 0) sb.append("; ");
      sb.append(k).append(' ').append(o.getBoolean("exactly_once") ? "ok" : "NO").append(" (").append(o.getInteger("sent"))
          .append(" sent, ").append(o.getInteger("redelivered")).append(" redelivered");
      if (!o.getBoolean("exactly_once")) {
        sb.append(", lost after ack ").append(o.getLong("lost_after_ack")).append(", missing ").append(o.getLong("missing"))
            .append(", doubled ").append(o.getLong("doubled")).append(", unexpected ").append(o.getLong("unexpected"));
      }
      sb.append(')');
    });
    return sb.toString();
  }

  static JsonObject line(String what, boolean pass, String figures) {
    return new JsonObject().put("budget", what).put("result", pass ? "pass" : "miss").put("figures", figures);
  }
}
