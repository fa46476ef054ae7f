package io.switchboard.bench;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The hub's write-path metrics, read from its Prometheus {@code /metrics} before and after a scenario (and the
 * queue gauge sampled meanwhile for its peak). A metric this build does not have is reported as absent; a
 * {@code /metrics} that refuses us (restricted to a token we lack) is reported with its status, never as a failure.
 * Sends {@code SWITCHBOARD_METRICS_TOKEN} as a bearer token when that variable is set.
 */
final class Metrics {

  /** Gauge: messages waiting in the ingest queue. */
  static final String QUEUE = "switchboard_ingest_queue";
  /** Summaries and timers: count, sum and max over the scenario. */
  static final List<String> SUMMARIES = List.of("switchboard_ingest_batch_size", "switchboard_ingest_commit_seconds",
      "switchboard_live_lag_seconds", "switchboard_ingest_seconds");

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Metrics() {
  }

  /** A scrape: series name (labels dropped) → value summed over label sets (max for _max); null if refused. */
  record Scrape(int status, Map<String, Double> series) {
    boolean ok() {
      return status == 200;
    }

    Double get(String name) {
      return series == null ? null : series.get(name);
    }
  }

  static Scrape scrape(String base) {
    try {
      HttpResponse<String> res = get(base);
      if (res.statusCode() != 200) return new Scrape(res.statusCode(), null);
      return new Scrape(200, parse(res.body()));
    } catch (Exception e) {
      return new Scrape(-1, null);
    }
  }

  /** The whole text of /metrics, or null if it is not ours to read. */
  static String text(String base) {
    try {
      HttpResponse<String> res = get(base);
      return res.statusCode() == 200 ? res.body() : null;
    } catch (Exception e) {
      return null;
    }
  }

  private static HttpResponse<String> get(String base) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/metrics")).timeout(Duration.ofSeconds(10));
    String token = System.getenv("SWITCHBOARD_METRICS_TOKEN");
    if (token != null && !token.isBlank()) b.header("Authorization", "Bearer " + token);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static Map<String, Double> parse(String text) {
    Map<String, Double> out = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) continue;
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      if (space < 0) continue;
      String name = brace > 0 && brace < space ? line.substring(0, brace) : line.substring(0, line.indexOf(' '));
      if (brace > 0 && line.substring(brace, space).contains("quantile=")) continue; // percentiles are not summed
      double v;
      try {
        v = Double.parseDouble(line.substring(space + 1).trim());
      } catch (NumberFormatException e) {
        continue;
      }
      if (Double.isNaN(v)) continue;
      out.merge(name, v, name.endsWith("_max") ? Math::max : Double::sum);
    }
    return out;
  }

  /** Samples the queue gauge every half second while a scenario runs; {@link #stop} gives the peak. */
  static final class QueueWatch {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "metrics-watch");
      t.setDaemon(true);
      return t;
    });
    private volatile double peak = -1;

    QueueWatch(String base, Scrape before) {
      if (before.get(QUEUE) == null) return; // this build has no queue gauge: nothing to watch, nothing to cost the hub
      timer.scheduleAtFixedRate(() -> {
        Double q = scrape(base).get(QUEUE);
        if (q != null) peak = Math.max(peak, q);
      }, 0, 500, TimeUnit.MILLISECONDS);
    }

    double stop() {
      timer.shutdownNow();
      return peak;
    }
  }

  /** What the write-path metrics say about one scenario: present ones with their change, absent ones named. */
  static JsonObject report(Scrape before, Scrape after, double queuePeak) {
    JsonObject out = new JsonObject();
    if (!before.ok() || !after.ok()) {
      return out.put("available", false).put("status", before.ok() ? after.status() : before.status());
    }
    out.put("available", true);
    Double q = after.get(QUEUE);
    out.put(QUEUE, q == null ? absent() : new JsonObject().put("present", true).put("before", before.get(QUEUE))
        .put("after", q).put("peak_sampled", queuePeak < 0 ? null : queuePeak));
    for (String name : SUMMARIES) {
      Double count = after.get(name + "_count");
      if (count == null) {
        out.put(name, absent());
        continue;
      }
      double dc = count - orZero(before.get(name + "_count"));
      double ds = orZero(after.get(name + "_sum")) - orZero(before.get(name + "_sum"));
      JsonObject m = new JsonObject().put("present", true).put("count", Math.round(dc));
      boolean seconds = name.endsWith("_seconds");
      double mean = dc > 0 ? ds / dc : Double.NaN;
      Double max = after.get(name + "_max");
      if (seconds) {
        m.put("mean_ms", Double.isNaN(mean) ? null : Cpu.round(mean * 1000)).put("max_ms", max == null ? null : Cpu.round(max * 1000));
      } else {
        m.put("sum", Math.round(ds)).put("mean", Double.isNaN(mean) ? null : Cpu.round(mean)).put("max", max);
      }
      out.put(name, m);
    }
    return out;
  }

  /** One line for the text report. */
  static String line(JsonObject m) {
    if (m == null) return "not scraped";
    if (!m.getBoolean("available", false)) return "/metrics not available (HTTP " + m.getValue("status") + ")";
    StringBuilder sb = new StringBuilder();
    JsonObject q = m.getJsonObject(QUEUE);
    sb.append("queue ").append(q.getBoolean("present") ? "after " + num(q.getValue("after")) + ", peak " + num(q.getValue("peak_sampled")) : "absent");
    for (String name : SUMMARIES) {
      JsonObject s = m.getJsonObject(name);
      String shortName = name.replace("switchboard_", "");
      if (!s.getBoolean("present")) {
        sb.append("; ").append(shortName).append(" absent");
      } else if (s.containsKey("mean_ms")) {
        sb.append("; ").append(shortName).append(" n=").append(s.getLong("count")).append(" mean ").append(num(s.getValue("mean_ms")))
            .append(" ms max ").append(num(s.getValue("max_ms"))).append(" ms");
      } else {
        sb.append("; ").append(shortName).append(" n=").append(s.getLong("count")).append(" mean ").append(num(s.getValue("mean")))
            .append(" max ").append(num(s.getValue("max")));
      }
    }
    return sb.toString();
  }

  private static String num(Object o) {
    if (o == null) return "-";
    double d = ((Number) o).doubleValue();
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }

  private static JsonObject absent() {
    return new JsonObject().put("present", false);
  }

  private static double orZero(Double d) {
    return d == null ? 0 : d;
  }
}
