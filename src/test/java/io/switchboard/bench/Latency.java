package io.switchboard.bench;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

/** A latency distribution in microseconds (HdrHistogram, 3 significant digits), summarised in milliseconds. */
final class Latency {

  private final Histogram h = new Histogram(3_600_000_000L, 3);

  synchronized void record(long nanos) {
    h.recordValue(Math.max(1, Math.min(nanos / 1000, h.getHighestTrackableValue())));
  }

  synchronized long count() {
    return h.getTotalCount();
  }

  synchronized double ms(double percentile) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
  }

  synchronized double maxMs() {
    return h.getTotalCount() == 0 ? Double.NaN : h.getMaxValue() / 1000.0;
  }

  JsonObject json() {
    return new JsonObject().put("count", count()).put("p50_ms", round(ms(50))).put("p90_ms", round(ms(90)))
        .put("p99_ms", round(ms(99))).put("p99_9_ms", round(ms(99.9))).put("max_ms", round(maxMs()));
  }

  String line() {
    return String.format("n=%d p50=%.2fms p90=%.2fms p99=%.2fms p99.9=%.2fms max=%.2fms",
        count(), ms(50), ms(90), ms(99), ms(99.9), maxMs());
  }

  static double round(double v) {
    return Double.isNaN(v) ? -1 : Math.round(v * 100) / 100.0;
  }
}
