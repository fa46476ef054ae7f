package io.switchboard.bench;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.TestDatabase;
import io.switchboard.testing.TestHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * The reports over a million activities: seeds 50,000 conversations of 20 activities each (messages both ways, calls,
 * a resolution), spread over the last 90 days, in a few set-based statements ({@code generate_series}), then times each
 * of the four reports over those 90 days through the REST API: one unmeasured run, then five, the median and the
 * slowest. The budget: every report under a second. Part of the harness ({@link Bench}, scenario 7), or on its own
 * against a test hub on the embedded PostgreSQL: see docs/benchmark.md.
 */
public final class ReportsBench {

  static final int CONVERSATIONS = 50_000;
  static final int PER_CONVERSATION = 20;
  static final int RUNS = 5;

  private ReportsBench() {
  }

  /** Seeds into a new inbox of the admin's workspace and times the reports; {@code admin} is a client of a member. */
  static JsonObject run(Connection pg, ApiClient admin) throws Exception {
    long inbox = admin.post("/api/v1/inboxes", new JsonObject().put("name", "Reports bench " + System.nanoTime())).expect(201).json().getLong("id");
    long endpoint = admin.post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "api").put("settings", new JsonObject()))
        .expect(201).json().getLong("id");
    long user = admin.get("/api/v1/me").expect(200).json().getJsonObject("user").getLong("id");
    long seedStarted = System.nanoTime();
    long activities = seed(pg, inbox, endpoint, user);
    long seedMs = (System.nanoTime() - seedStarted) / 1_000_000;
    Instant to = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String period = "from=" + to.minus(90, ChronoUnit.DAYS) + "&to=" + to + "&inbox_id=" + inbox;
    JsonObject reports = new JsonObject();
    reports.put("summary", time(() -> admin.get("/api/v1/reports/summary?" + period).expect(200)));
    reports.put("timeseries", time(() -> admin.get("/api/v1/reports/timeseries?metric=messages_in&interval=day&" + period).expect(200)));
    reports.put("agents", time(() -> admin.get("/api/v1/reports/agents?" + period).expect(200)));
    reports.put("heatmap", time(() -> admin.get("/api/v1/reports/heatmap?" + period).expect(200)));
    JsonObject summary = admin.get("/api/v1/reports/summary?" + period).expect(200).json().getJsonObject("figures");
    long slowest = 0;
    for (String k : reports.fieldNames()) slowest = Math.max(slowest, reports.getJsonObject(k).getLong("max_ms"));
    return new JsonObject().put("activities", activities).put("conversations", CONVERSATIONS).put("days", 90)
        .put("seed_ms", seedMs).put("reports", reports).put("slowest_ms", slowest).put("under_1s", slowest < 1000)
        .put("check", new JsonObject().put("messages_in", summary.getLong("messages_in")).put("conversations_opened",
            summary.getLong("conversations_opened")).put("first_responses", summary.getJsonObject("first_response").getLong("count")));
  }

  private static long seed(Connection pg, long inbox, long endpoint, long user) throws Exception {
    try (Statement st = pg.createStatement()) {
      long ws;
      try (ResultSet rs = st.executeQuery("SELECT workspace_id FROM inbox WHERE id = " + inbox)) {
        rs.next();
        ws = rs.getLong(1);
      }
      String tag = "rb" + inbox + "-";
      st.execute("INSERT INTO contact (workspace_id, name) SELECT " + ws + ", '" + tag + "' || g FROM generate_series(1, " + CONVERSATIONS + ") g");
      // conversations evenly over the last 90 days, each an hour long at most
      st.execute("""
          INSERT INTO conversation (workspace_id, inbox_id, endpoint_id, contact_id, channel, contact_address, thread_token,
            assignee_id, status, created_at, last_activity_at)
          SELECT %1$d, %2$d, %3$d, c.id, 'api', c.name, c.name, %4$d, 'resolved',
            now() - interval '90 days' + (row_number() OVER (ORDER BY c.id)) * (interval '90 days' / %5$d) - interval '2 hours',
            now() - interval '90 days' + (row_number() OVER (ORDER BY c.id)) * (interval '90 days' / %5$d)
          FROM contact c WHERE c.workspace_id = %1$d AND c.name LIKE '%6$s%%'""".formatted(ws, inbox, endpoint, user, CONVERSATIONS, tag));
      // 20 activities each: odd ones in, even ones out (by the agent), every 7th a call, the last the resolution
      st.execute("""
          INSERT INTO activity (workspace_id, inbox_id, conversation_id, endpoint_id, kind, direction, status, sender_type,
            sender_id, text, data, created_at, updated_at)
          SELECT %1$d, %2$d, c.id, %3$d,
            CASE WHEN k = %5$d THEN 'system' WHEN k %% 7 = 0 THEN 'call' ELSE 'message' END,
            CASE WHEN k = %5$d THEN NULL WHEN k %% 2 = 1 OR k %% 7 = 0 THEN 'in' ELSE 'out' END,
            CASE WHEN k = %5$d THEN NULL WHEN k %% 2 = 1 OR k %% 7 = 0 THEN 'received' ELSE 'sent' END,
            CASE WHEN k = %5$d OR (k %% 2 = 0 AND k %% 7 <> 0) THEN 'user' ELSE 'contact' END,
            CASE WHEN k = %5$d OR (k %% 2 = 0 AND k %% 7 <> 0) THEN %4$d END,
            'bench message ' || k,
            CASE WHEN k = %5$d THEN '{"change":"status","from":"open","to":"resolved"}'::jsonb
                 WHEN k %% 7 = 0 THEN jsonb_build_object('outcome', CASE WHEN k = 7 THEN 'answered' ELSE 'missed' END)
                 ELSE '{}'::jsonb END,
            c.created_at + k * interval '5 minutes', c.created_at + k * interval '5 minutes'
          FROM conversation c CROSS JOIN generate_series(1, %5$d) k WHERE c.inbox_id = %2$d""".formatted(ws, inbox, endpoint, user, PER_CONVERSATION));
      // what autovacuum does soon after a load of this size: statistics, and the visibility map index-only scans need
      st.execute("VACUUM ANALYZE activity");
      st.execute("VACUUM ANALYZE conversation");
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM activity WHERE inbox_id = " + inbox)) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static JsonObject time(Callable<?> call) throws Exception {
    call.call();
    long[] ms = new long[RUNS];
    for (int i = 0; i < RUNS; i++) {
      long t = System.nanoTime();
      call.call();
      ms[i] = (System.nanoTime() - t) / 1_000_000;
    }
    long[] sorted = ms.clone();
    Arrays.sort(sorted);
    JsonArray all = new JsonArray();
    for (long m : ms) all.add(m);
    return new JsonObject().put("median_ms", sorted[RUNS / 2]).put("max_ms", sorted[RUNS - 1]).put("runs_ms", all);
  }

  /** The report's lines. */
  static String text(JsonObject r) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%nReports over %,d activities (%,d conversations, %d days; seeded in %.1f s), %d runs each:%n",
        r.getLong("activities"), r.getLong("conversations"), r.getLong("days"), r.getLong("seed_ms") / 1000.0, RUNS));
    JsonObject reports = r.getJsonObject("reports");
    for (String k : reports.fieldNames()) {
      JsonObject t = reports.getJsonObject(k);
      sb.append(String.format("  %-11s median %5d ms, slowest %5d ms%n", k, t.getLong("median_ms"), t.getLong("max_ms")));
    }
    sb.append(String.format("  [%s] every report of 90 days under 1 s (slowest %d ms)%n", r.getBoolean("under_1s") ? "PASS" : "FAIL",
        r.getLong("slowest_ms")));
    return sb.toString();
  }

  /**
   * On its own, without the harness: a test hub on the embedded PostgreSQL, seeded and timed; writes
   * {@code target/bench/reports.txt} (or the directory given as {@code --out=DIR}).
   */
  public static void main(String[] args) throws Exception {
    Path out = Path.of("target", "bench");
    for (String a : String.join(",", args).split("[,\\s]+")) if (a.startsWith("--out=")) out = Path.of(a.substring(6));
    int status;
    try (TestHub hub = TestHub.start()) {
      JsonObject r;
      try (Connection pg = TestDatabase.connect(hub.dbUrl)) {
        r = run(pg, hub.admin());
      }
      String text = ReportsBench.text(r);
      Files.createDirectories(out);
      Files.writeString(out.resolve("reports.txt"), text);
      Files.writeString(out.resolve("reports.json"), r.encodePrettily());
      System.out.println(text);
      status = r.getBoolean("under_1s") ? 0 : 1;
    }
    System.exit(status);
  }
}
