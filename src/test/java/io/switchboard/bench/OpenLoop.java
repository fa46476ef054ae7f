package io.switchboard.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.BitSet;
import java.util.Map;
import java.util.TreeMap;

/**
 * One phase of a fixed-rate (open-loop) run: message j is due at {@code start + j / rate} whatever the answers do,
 * and everything about it is measured from that due time, not from when it could be sent, so a stalled server (or
 * a stalled client) shows as latency instead of hiding it (coordinated omission). Also kept per second of due
 * time, to see how latency comes back after an overload. Used on the load client's one event loop only.
 */
final class OpenLoop {

  final String name;
  final String prefix;
  final double rate;
  final int count;
  /** A warm-up phase is sent and checked like any other but lies outside the measuring window. */
  final boolean measured;
  /** Due time of message 0, in System.nanoTime(). */
  long start;
  final Latency ack = new Latency();
  final Latency ackOk = new Latency();
  final Latency refusals = new Latency();
  final Latency e2e = new Latency();
  /** How late the client itself sent: if this grows, the load generator could not keep up and says so. */
  final Latency sendDelay = new Latency();
  final BitSet acked = new BitSet();
  final BitSet framed = new BitSet();
  final Map<Integer, Integer> statuses = new TreeMap<>();
  final Second[] seconds;
  int sent;
  int answered;
  int refusedWithoutRetryAfter;
  int noAnswer;
  /** Acknowledgements that took longer than 2 s (what a refusal may take, at most, in the overload). */
  int slowAcks;

  /** What happened to the messages due in one second. */
  static final class Second {
    final Latency ack = new Latency();
    final Latency e2e = new Latency();
    int sent;
    int ok;
    int refused;
    int other;
  }

  OpenLoop(String name, String prefix, double rate, double seconds, boolean measured) {
    this.name = name;
    this.prefix = prefix;
    this.rate = rate;
    this.measured = measured;
    this.count = (int) Math.round(rate * seconds);
    this.seconds = new Second[(int) Math.ceil(seconds)];
    for (int i = 0; i < this.seconds.length; i++) this.seconds[i] = new Second();
  }

  long due(int j) {
    return start + (long) (j * 1e9 / rate);
  }

  Second second(int j) {
    return seconds[Math.min(seconds.length - 1, (int) (j / rate))];
  }

  void sending(int j, long now) {
    sent++;
    second(j).sent++;
    sendDelay.record(now - due(j));
  }

  /** An answer (status 0: none, the request failed or timed out). */
  void answered(int j, int status, boolean retryAfter, long now) {
    answered++;
    long latency = now - due(j);
    ack.record(latency);
    Second s = second(j);
    s.ack.record(latency);
    statuses.merge(status, 1, Integer::sum);
    if (status / 100 == 2) {
      acked.set(j);
      ackOk.record(latency);
      s.ok++;
      if (latency > 2_000_000_000L) slowAcks++;
    } else if (status == 503) {
      refusals.record(latency);
      s.refused++;
      if (!retryAfter) refusedWithoutRetryAfter++;
    } else {
      if (status == 0) noAnswer++;
      s.other++;
    }
  }

  /** A frame of message j arrived; duplicates (a resume that overlapped) are ignored. */
  void framed(int j, long now) {
    if (j >= count || framed.get(j)) return;
    framed.set(j);
    long latency = now - due(j);
    e2e.record(latency);
    second(j).e2e.record(latency);
  }

  boolean done() {
    return sent == count && answered == count;
  }

  /** Acknowledged messages whose frame has not come. */
  int framesMissing() {
    BitSet m = (BitSet) acked.clone();
    m.andNot(framed);
    return m.cardinality();
  }

  JsonObject json() {
    JsonObject st = new JsonObject();
    statuses.forEach((k, v) -> st.put(String.valueOf(k == 0 ? 599 : k), v));
    JsonArray unacked = new JsonArray();
    for (int j = 0; j < sent; j++) if (!acked.get(j)) unacked.add(j);
    JsonArray perSecond = new JsonArray();
    for (int i = 0; i < seconds.length; i++) {
      Second s = seconds[i];
      int missing = 0;
      int from = (int) Math.ceil(i * rate);
      int to = Math.min(count, (int) Math.ceil((i + 1) * rate));
      for (int j = from; j < to; j++) if (acked.get(j) && !framed.get(j)) missing++;
      perSecond.add(new JsonObject().put("second", i).put("sent", s.sent).put("acknowledged", s.ok).put("refused", s.refused)
          .put("other", s.other).put("ack", s.ack.json()).put("e2e", s.e2e.json()).put("frames_missing", missing));
    }
    return new JsonObject().put("name", name).put("prefix", prefix).put("measured", measured).put("rate_per_s", rate).put("count", count)
        .put("sent", sent).put("answered", answered).put("acknowledged", acked.cardinality()).put("statuses", st)
        .put("refused_without_retry_after", refusedWithoutRetryAfter).put("no_answer", noAnswer).put("acks_over_2s", slowAcks)
        .put("ack", ack.json()).put("ack_2xx", ackOk.json()).put("refusal", refusals.json()).put("e2e", e2e.json())
        .put("frames", framed.cardinality()).put("frames_missing", framesMissing()).put("send_delay", sendDelay.json())
        .put("per_second", perSecond).put("unacknowledged", unacked);
  }
}
