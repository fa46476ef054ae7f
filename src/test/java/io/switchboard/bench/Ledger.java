package io.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Exactly once, checked as a provider would see it. Every message a scenario sent is written down with whether it
 * was acknowledged (2xx). Afterwards, before anything is resent: every acknowledged message must be stored (else it
 * was lost after its acknowledgement). Then what was not acknowledged is redelivered until it is (honouring
 * Retry-After), and every message sent must be stored exactly once, and nothing else under the scenario's ids.
 * Ids are the scenario's prefixes followed by a number, so one query per prefix finds them in PostgreSQL.
 */
final class Ledger {

  private final String name;
  private final Webhooks.Source source;
  private final Set<String> prefixes = new LinkedHashSet<>();
  private final Map<String, Integer> sent = new ConcurrentHashMap<>();
  private final Set<String> acked = ConcurrentHashMap.newKeySet();

  Ledger(String name, Webhooks.Source source) {
    this.name = name;
    this.source = source;
  }

  /** Ids under this prefix belong to this ledger (a prefix must not be the start of another scenario's). */
  Ledger prefix(String prefix) {
    prefixes.add(prefix);
    return this;
  }

  void sent(String id, int i, boolean acknowledged) {
    sent.put(id, i);
    if (acknowledged) acked.add(id);
  }

  int sentCount() {
    return sent.size();
  }

  int ackedCount() {
    return acked.size();
  }

  /** The check; redelivers what was not acknowledged on the way. */
  JsonObject check(Harness h) throws Exception {
    Map<String, Integer> before = stored(h);
    long lostAcked = acked.stream().filter(id -> !before.containsKey(id)).count();
    List<String> unacked = new ArrayList<>();
    sent.keySet().forEach(id -> {
      if (!acked.contains(id)) unacked.add(id);
    });
    long storedUnacked = unacked.stream().filter(before::containsKey).count();
    int failedRedeliveries = redeliver(h, unacked);
    Map<String, Integer> after = stored(h);
    long missing = sent.keySet().stream().filter(id -> !after.containsKey(id)).count();
    long doubled = after.values().stream().filter(c -> c > 1).count();
    long unexpected = after.keySet().stream().filter(id -> !sent.containsKey(id)).count();
    boolean ok = lostAcked == 0 && missing == 0 && doubled == 0 && unexpected == 0;
    System.out.printf("  %s exactly once: %d sent, %d acknowledged, %d redelivered (%d of them already stored), %d stored;"
            + " lost after ack %d, missing %d, doubled %d, unexpected %d -> %s%n", name, sent.size(), acked.size(), unacked.size(),
        storedUnacked, after.size(), lostAcked, missing, doubled, unexpected, ok ? "ok" : "LOST OR DOUBLED");
    return new JsonObject().put("sent", sent.size()).put("acknowledged", acked.size()).put("redelivered", unacked.size())
        .put("unacknowledged_but_stored", storedUnacked).put("redelivery_failures", failedRedeliveries)
        .put("stored", after.size()).put("lost_after_ack", lostAcked).put("missing", missing).put("doubled", doubled)
        .put("unexpected", unexpected).put("exactly_once", ok);
  }

  /** provider_id → rows, for every id under this ledger's prefixes. */
  private Map<String, Integer> stored(Harness h) throws Exception {
    Map<String, Integer> out = new HashMap<>();
    try (Connection c = h.pg(); PreparedStatement q = c.prepareStatement(
        "SELECT provider_id, count(*) FROM activity WHERE left(provider_id, ?) = ? GROUP BY provider_id")) {
      for (String p : prefixes) {
        q.setInt(1, p.length());
        q.setString(2, p);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) out.put(rs.getString(1), rs.getInt(2));
        }
      }
    }
    return out;
  }

  /** Resends each message until it is acknowledged, 16 at a time; answers how many never were. */
  private int redeliver(Harness h, List<String> ids) throws Exception {
    if (ids.isEmpty()) return 0;
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    List<Future<Void>> lanes = new ArrayList<>();
    for (int l = 0; l < 16; l++) {
      Promise<Void> lane = Promise.promise();
      lanes.add(lane.future());
      h.vertx.runOnContext(v -> nextId(h, ids, next, failed, lane));
    }
    Harness.await(Future.all(lanes), 900);
    if (failed.get() > 0) System.out.printf("  %s: %d messages could not be redelivered%n", name, failed.get());
    return failed.get();
  }

  private void nextId(Harness h, List<String> ids, AtomicInteger next, AtomicInteger failed, Promise<Void> lane) {
    int k = next.getAndIncrement();
    if (k >= ids.size()) {
      lane.tryComplete();
      return;
    }
    String id = ids.get(k);
    attempt(h, source.request(id, sent.get(id)), 1).onComplete(ar -> {
      if (ar.failed() || !ar.result()) failed.incrementAndGet();
      nextId(h, ids, next, failed, lane);
    });
  }

  private Future<Boolean> attempt(Harness h, Webhooks.Req req, int n) {
    return h.send(req).transform(ar -> {
      if (ar.succeeded() && ar.result().status() / 100 == 2) return Future.succeededFuture(true);
      if (n >= 40) return Future.succeededFuture(false);
      long wait = ar.succeeded() && ar.result().retryAfterSeconds() > 0 ? Math.min(5, ar.result().retryAfterSeconds()) * 1000L : 250;
      Promise<Boolean> p = Promise.promise();
      h.vertx.setTimer(wait, t -> attempt(h, req, n + 1).onComplete(p));
      return p.future();
    });
  }
}
