package io.switchboard.report;

import io.switchboard.db.Db;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reports: figures over a period computed from the activity history of the inboxes a viewer is a member of
 * (the caller decides which; this store trusts the list it is given). See docs/reports.md for every definition.
 */
public final class Reports {

  /** What the time series can show: counts per day or week. */
  public static final List<String> METRICS = List.of("conversations_opened", "conversations_resolved", "messages_in",
      "messages_out", "calls_answered", "calls_missed", "voicemails");

  /**
   * What a report covers: these inboxes, {@code [from, to)}, optionally one channel (the conversation's) and one
   * agent (the conversation's assignee), buckets and heatmap in {@code zone}.
   */
  public record Scope(List<Long> inboxes, Instant from, Instant to, String channel, Long agentId, ZoneId zone) {
    Scope shifted(Instant newFrom, Instant newTo) {
      return new Scope(inboxes, newFrom, newTo, channel, agentId, zone);
    }

    /** The period of equal length just before this one. */
    public Scope previous() {
      return shifted(from.minus(java.time.Duration.between(from, to)), from);
    }
  }

  private final SqlClient db;

  public Reports(SqlClient db) {
    this.db = db;
  }

  /** Numbered parameters collected as the statement is written. */
  private static final class Params {
    final List<Object> values = new ArrayList<>();

    String add(Object v) {
      values.add(v);
      return "$" + values.size();
    }

    Object[] array() {
      return values.toArray();
    }
  }

  private static OffsetDateTime at(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }

  /** Restricts rows of {@code alias} (with a conversation_id) to conversations of the channel and agent asked for. */
  private static String conversationFilter(Scope s, Params p, String alias, String inboxes) {
    if (s.channel() == null && s.agentId() == null) return "";
    StringBuilder sql = new StringBuilder(" AND " + alias + ".conversation_id IN (SELECT id FROM conversation WHERE inbox_id = ANY(" + inboxes + ")");
    if (s.channel() != null) sql.append(" AND channel = ").append(p.add(s.channel()));
    if (s.agentId() != null) sql.append(" AND assignee_id = ").append(p.add(s.agentId()));
    return sql.append(')').toString();
  }

  private static Long[] ids(Scope s) {
    return s.inboxes().toArray(new Long[0]);
  }

  /** The inboxes' business hours (null when none), by inbox id. */
  public Future<Map<Long, JsonObject>> businessHours(List<Long> inboxes) {
    return Db.list(db, "SELECT id, business_hours FROM inbox WHERE id = ANY($1)", (Object) inboxes.toArray(new Long[0]))
        .map(rows -> {
          Map<Long, JsonObject> out = new HashMap<>();
          for (Row r : rows) out.put(r.getLong("id"), WorkingTime.has(r.getJsonObject("business_hours")) ? r.getJsonObject("business_hours") : null);
          return out;
        });
  }

  // ---- counts ----

  /** Messages in and out, calls answered and missed, voicemails, resolutions and reopenings by an agent. */
  private Future<JsonObject> counts(Scope s) {
    Params p = new Params();
    String inb = p.add(ids(s));
    String from = p.add(at(s.from()));
    String to = p.add(at(s.to()));
    String filter = conversationFilter(s, p, "a", inb);
    String messages = "SELECT count(*) FILTER (WHERE direction = 'in') AS messages_in, count(*) FILTER (WHERE direction = 'out') AS messages_out"
        + " FROM activity a WHERE a.kind = 'message' AND a.inbox_id = ANY(" + inb + ") AND a.created_at >= " + from
        + " AND a.created_at < " + to + filter;
    String events = """
        SELECT count(*) FILTER (WHERE kind = 'call' AND direction = 'in' AND data->>'outcome' = 'answered') AS calls_answered,
          count(*) FILTER (WHERE kind = 'call' AND direction = 'in' AND data->>'outcome' IN ('missed', 'voicemail')) AS calls_missed,
          count(*) FILTER (WHERE kind = 'voicemail') AS voicemails,
          count(*) FILTER (WHERE kind = 'system' AND data->>'to' = 'resolved') AS resolved,
          count(*) FILTER (WHERE kind = 'system' AND data->>'from' = 'resolved' AND data->>'to' <> 'resolved') AS reopened_by_agent
        FROM activity a
        WHERE (a.kind IN ('call', 'voicemail') OR (a.kind = 'system' AND a.data->>'change' = 'status'))
          AND a.inbox_id = ANY(%1$s) AND a.created_at >= %2$s AND a.created_at < %3$s""".formatted(inb, from, to) + filter;
    Params cp = new Params();
    String cinb = cp.add(ids(s));
    String opened = "SELECT count(*) FROM conversation c WHERE c.inbox_id = ANY(" + cinb + ") AND c.created_at >= "
        + cp.add(at(s.from())) + " AND c.created_at < " + cp.add(at(s.to()))
        + (s.channel() == null ? "" : " AND c.channel = " + cp.add(s.channel()))
        + (s.agentId() == null ? "" : " AND c.assignee_id = " + cp.add(s.agentId()));
    Object[] params = p.array();
    Object[] eventParams = Arrays.copyOf(params, params.length);
    return Future.all(Db.one(db, messages, params), Db.one(db, events, eventParams), Db.one(db, opened, cp.array()), reopenedByContact(s))
        .map(all -> {
          Row m = all.resultAt(0);
          Row e = all.resultAt(1);
          Row o = all.resultAt(2);
          long byContact = all.resultAt(3);
          return new JsonObject()
              .put("conversations_opened", o.getLong(0))
              .put("conversations_resolved", e.getLong("resolved"))
              .put("conversations_reopened", e.getLong("reopened_by_agent") + byContact)
              .put("messages_in", m.getLong("messages_in"))
              .put("messages_out", m.getLong("messages_out"))
              .put("calls_answered", e.getLong("calls_answered"))
              .put("calls_missed", e.getLong("calls_missed"))
              .put("voicemails", e.getLong("voicemails"));
        });
  }

  /**
   * Resolved conversations the contact reopened in the period: the next incoming message or status change after a
   * resolution is an incoming message (which reopens the conversation) that falls in the period.
   */
  private Future<Long> reopenedByContact(Scope s) {
    Params p = new Params();
    String inb = p.add(ids(s));
    String from = p.add(at(s.from()));
    String to = p.add(at(s.to()));
    String filter = conversationFilter(s, p, "r", inb);
    String sql = """
        SELECT count(*) FROM activity r
        CROSS JOIN LATERAL (
          SELECT min(created_at) AS at FROM activity n
          WHERE n.conversation_id = r.conversation_id AND n.kind = 'message' AND n.direction = 'in' AND n.created_at > r.created_at
            AND n.created_at < %3$s) m
        WHERE r.kind = 'system' AND r.data->>'change' = 'status' AND r.data->>'to' = 'resolved'
          AND r.inbox_id = ANY(%1$s) AND r.created_at < %3$s
          AND r.conversation_id IN (SELECT id FROM conversation WHERE inbox_id = ANY(%1$s) AND last_activity_at >= %2$s)
          AND m.at >= %2$s
          AND NOT EXISTS (SELECT 1 FROM activity x WHERE x.conversation_id = r.conversation_id AND x.kind = 'system'
            AND x.data->>'change' = 'status' AND x.created_at > r.created_at AND x.created_at <= m.at)""".formatted(inb, from, to)
        + filter;
    return Db.one(db, sql, p.array()).map(r -> r.getLong(0));
  }

  // ---- durations ----

  /** One measured wait: which inbox, from when to when, and the agent it is credited to (null when none). */
  record Wait(long inboxId, Instant start, Instant end, Long agentId) {
  }

  /**
   * First responses of the conversations opened in the period: from the conversation's first incoming message to the
   * first message an agent sent after it. Conversations with an incoming message and no agent reply are unanswered.
   */
  private Future<List<Wait>> firstResponses(Scope s, List<Wait> unanswered) {
    Params p = new Params();
    String inb = p.add(ids(s));
    String sql = """
        SELECT c.inbox_id, f.at AS asked, r.at AS answered, r.sender_id
        FROM conversation c
        CROSS JOIN LATERAL (SELECT a.created_at AS at FROM activity a WHERE a.conversation_id = c.id AND a.kind = 'message'
          AND a.direction = 'in' ORDER BY a.created_at LIMIT 1) f
        LEFT JOIN LATERAL (SELECT a.created_at AS at, a.sender_id FROM activity a WHERE a.conversation_id = c.id
          AND a.kind = 'message' AND a.direction = 'out' AND a.sender_type = 'user' AND a.created_at >= f.at
          ORDER BY a.created_at LIMIT 1) r ON true
        WHERE c.inbox_id = ANY(%s) AND c.created_at >= %s AND c.created_at < %s""".formatted(inb, p.add(at(s.from())), p.add(at(s.to())))
        + (s.channel() == null ? "" : " AND c.channel = " + p.add(s.channel()))
        + (s.agentId() == null ? "" : " AND c.assignee_id = " + p.add(s.agentId()));
    return Db.list(db, sql, p.array()).map(rows -> {
      List<Wait> out = new ArrayList<>();
      for (Row r : rows) {
        Instant asked = r.getOffsetDateTime("asked").toInstant();
        if (r.getOffsetDateTime("answered") == null) {
          unanswered.add(new Wait(r.getLong("inbox_id"), asked, null, null));
        } else {
          out.add(new Wait(r.getLong("inbox_id"), asked, r.getOffsetDateTime("answered").toInstant(), r.getLong("sender_id")));
        }
      }
      return out;
    });
  }

  /** Conversations first resolved in the period: from the conversation's start to that resolution, by who resolved. */
  private Future<List<Wait>> resolutions(Scope s) {
    Params p = new Params();
    String inb = p.add(ids(s));
    String sql = """
        SELECT r.inbox_id, c.created_at AS started, r.created_at AS resolved, r.sender_id
        FROM activity r JOIN conversation c ON c.id = r.conversation_id
        WHERE (r.kind = 'system' AND r.data->>'change' = 'status') AND r.data->>'to' = 'resolved'
          AND r.inbox_id = ANY(%1$s) AND r.created_at >= %2$s AND r.created_at < %3$s
          AND NOT EXISTS (SELECT 1 FROM activity x WHERE x.conversation_id = r.conversation_id AND x.kind = 'system'
            AND x.data->>'change' = 'status' AND x.data->>'to' = 'resolved' AND x.created_at < r.created_at)"""
        .formatted(inb, p.add(at(s.from())), p.add(at(s.to())))
        + (s.channel() == null ? "" : " AND c.channel = " + p.add(s.channel()))
        + (s.agentId() == null ? "" : " AND c.assignee_id = " + p.add(s.agentId()));
    return Db.list(db, sql, p.array()).map(rows -> {
      List<Wait> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new Wait(r.getLong("inbox_id"), r.getOffsetDateTime("started").toInstant(),
            r.getOffsetDateTime("resolved").toInstant(), r.getLong("sender_id")));
      }
      return out;
    });
  }

  /** Median and 90th percentile (nearest rank) in seconds, counting business hours where the inbox has them. */
  static JsonObject durations(List<Wait> waits, Map<Long, JsonObject> hours) {
    long[] secs = new long[waits.size()];
    for (int i = 0; i < secs.length; i++) {
      Wait w = waits.get(i);
      secs[i] = WorkingTime.seconds(hours.get(w.inboxId()), w.start(), w.end());
    }
    Arrays.sort(secs);
    return new JsonObject().put("count", secs.length)
        .put("median_seconds", rank(secs, 0.5)).put("p90_seconds", rank(secs, 0.9));
  }

  /** The nearest-rank percentile: the smallest value with at least {@code q} of all values at or below it. */
  static Long rank(long[] sorted, double q) {
    if (sorted.length == 0) return null;
    int k = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, k - 1)];
  }

  // ---- satisfaction ----

  private Future<List<Row>> satisfactionRows(Scope s, boolean byAgent) {
    Params p = new Params();
    String inb = p.add(ids(s));
    String sql = "SELECT " + (byAgent ? "agent_id, " : "") + """
        count(*) AS asked, count(rating) AS answered, count(*) FILTER (WHERE rating >= 4) AS satisfied,
          avg(rating)::float8 AS mean
        FROM review WHERE inbox_id = ANY(%s) AND asked_at >= %s AND asked_at < %s""".formatted(inb, p.add(at(s.from())), p.add(at(s.to())))
        + (s.channel() == null ? "" : " AND channel = " + p.add(s.channel()))
        + (s.agentId() == null ? "" : " AND agent_id = " + p.add(s.agentId()))
        + (byAgent ? " AND agent_id IS NOT NULL GROUP BY agent_id" : "");
    return Db.list(db, sql, p.array());
  }

  private static JsonObject satisfaction(Row r) {
    long asked = r == null ? 0 : r.getLong("asked");
    long answered = r == null ? 0 : r.getLong("answered");
    long satisfied = r == null ? 0 : r.getLong("satisfied");
    Double mean = r == null ? null : r.getDouble("mean");
    return new JsonObject().put("asked", asked).put("answered", answered)
        .put("response_rate", asked == 0 ? null : round(answered / (double) asked))
        .put("score", answered == 0 ? null : round(satisfied / (double) answered))
        .put("mean_rating", mean == null ? null : round(mean));
  }

  private static double round(double v) {
    return Math.round(v * 10000) / 10000.0;
  }

  // ---- the reports ----

  /** Every figure of the period. */
  public Future<JsonObject> figures(Scope s, Map<Long, JsonObject> hours) {
    List<Wait> unanswered = new ArrayList<>();
    return Future.all(counts(s), firstResponses(s, unanswered), resolutions(s), satisfactionRows(s, false)).map(all -> {
      JsonObject out = all.resultAt(0);
      List<Wait> first = all.resultAt(1);
      List<Wait> resolved = all.resultAt(2);
      List<Row> sat = all.resultAt(3);
      out.put("first_response", durations(first, hours).put("unanswered", unanswered.size()));
      out.put("resolution", durations(resolved, hours));
      out.put("satisfaction", satisfaction(sat.isEmpty() ? null : sat.get(0)));
      return out;
    });
  }

  /** Per agent (every member of the inboxes): messages sent, conversations resolved, first responses, satisfaction. */
  public Future<JsonArray> agents(Scope s, Map<Long, JsonObject> hours) {
    Params p = new Params();
    String inb = p.add(ids(s));
    String from = p.add(at(s.from()));
    String to = p.add(at(s.to()));
    String sql = """
        SELECT u.id, u.name, u.email,
          (SELECT count(*) FROM activity a WHERE a.kind = 'message' AND a.inbox_id = ANY(%1$s) AND a.created_at >= %2$s
             AND a.created_at < %3$s AND a.direction = 'out' AND a.sender_type = 'user' AND a.sender_id = u.id) AS messages_out,
          (SELECT count(*) FROM activity a WHERE (a.kind = 'system' AND a.data->>'change' = 'status') AND a.data->>'to' = 'resolved'
             AND a.inbox_id = ANY(%1$s) AND a.created_at >= %2$s AND a.created_at < %3$s AND a.sender_id = u.id) AS resolved
        FROM app_user u
        WHERE u.id IN (SELECT user_id FROM membership WHERE inbox_id = ANY(%1$s))
        ORDER BY lower(u.name), u.id""".formatted(inb, from, to);
    List<Wait> unanswered = new ArrayList<>();
    return Future.all(Db.list(db, sql, p.array()), firstResponses(s, unanswered), resolutions(s), satisfactionRows(s, true)).map(all -> {
      List<Row> users = all.resultAt(0);
      List<Wait> first = all.resultAt(1);
      List<Wait> resolved = all.resultAt(2);
      List<Row> sat = all.resultAt(3);
      Map<Long, List<Wait>> firstBy = new HashMap<>();
      for (Wait w : first) if (w.agentId() != null) firstBy.computeIfAbsent(w.agentId(), k -> new ArrayList<>()).add(w);
      Map<Long, List<Wait>> resolvedBy = new HashMap<>();
      for (Wait w : resolved) if (w.agentId() != null) resolvedBy.computeIfAbsent(w.agentId(), k -> new ArrayList<>()).add(w);
      Map<Long, Row> satBy = new HashMap<>();
      for (Row r : sat) satBy.put(r.getLong("agent_id"), r);
      JsonArray out = new JsonArray();
      for (Row u : users) {
        long id = u.getLong("id");
        out.add(new JsonObject().put("agent_id", id).put("name", u.getString("name")).put("email", u.getString("email"))
            .put("messages_out", u.getLong("messages_out")).put("conversations_resolved", u.getLong("resolved"))
            .put("first_response", durations(firstBy.getOrDefault(id, List.of()), hours))
            .put("resolution", durations(resolvedBy.getOrDefault(id, List.of()), hours))
            .put("satisfaction", satisfaction(satBy.get(id))));
      }
      return out;
    });
  }

  /** Incoming messages by weekday (1 = Monday … 7 = Sunday) and hour (0–23) in the scope's time zone: 7 rows of 24. */
  public Future<JsonArray> heatmap(Scope s) {
    Params p = new Params();
    String inb = p.add(ids(s));
    String zone = p.add(s.zone().getId());
    // counted per quarter hour first (plain arithmetic per row; every time zone's offset is a whole number of quarter
    // hours), then the few thousand quarters are placed in the zone
    String sql = """
        SELECT extract(isodow FROM to_timestamp(q * 900) AT TIME ZONE %2$s)::int AS dow,
          extract(hour FROM to_timestamp(q * 900) AT TIME ZONE %2$s)::int AS hour, sum(n)::bigint AS n
        FROM (SELECT floor(extract(epoch FROM a.created_at) / 900)::bigint AS q, count(*) AS n
          FROM activity a WHERE a.kind = 'message' AND a.direction = 'in' AND a.inbox_id = ANY(%1$s) AND a.created_at >= %3$s
            AND a.created_at < %4$s""".formatted(inb, zone, p.add(at(s.from())), p.add(at(s.to())))
        + conversationFilter(s, p, "a", inb) + " GROUP BY 1) quarters GROUP BY 1, 2";
    return Db.list(db, sql, p.array()).map(rows -> {
      long[][] grid = new long[7][24];
      for (Row r : rows) grid[r.getInteger("dow") - 1][r.getInteger("hour")] = r.getLong("n");
      JsonArray out = new JsonArray();
      for (long[] day : grid) {
        JsonArray hoursOfDay = new JsonArray();
        for (long n : day) hoursOfDay.add(n);
        out.add(hoursOfDay);
      }
      return out;
    });
  }

  /** One metric counted per day or week (weeks start on Monday) in the scope's time zone, empty buckets as 0. */
  public Future<JsonArray> timeseries(Scope s, String metric, String interval) {
    Params p = new Params();
    String inb = p.add(ids(s));
    String unit = p.add(interval);
    String zone = p.add(s.zone().getId());
    String from = p.add(at(s.from()));
    String to = p.add(at(s.to()));
    // rows are counted per quarter hour (plain arithmetic), the quarters then placed in the zone's days or weeks
    String bucket = "floor(extract(epoch FROM %s) / 900)::bigint";
    String sql = switch (metric) {
      case "conversations_opened" -> "SELECT " + bucket.formatted("c.created_at") + " AS b, count(*) AS n FROM conversation c WHERE c.inbox_id = ANY("
          + inb + ") AND c.created_at >= " + from + " AND c.created_at < " + to
          + (s.channel() == null ? "" : " AND c.channel = " + p.add(s.channel()))
          + (s.agentId() == null ? "" : " AND c.assignee_id = " + p.add(s.agentId()));
      case "messages_in", "messages_out" -> "SELECT " + bucket.formatted("a.created_at") + " AS b, count(*) AS n FROM activity a WHERE a.kind = 'message'"
          + " AND a.direction = '" + (metric.equals("messages_in") ? "in" : "out") + "' AND a.inbox_id = ANY(" + inb + ") AND a.created_at >= "
          + from + " AND a.created_at < " + to + conversationFilter(s, p, "a", inb);
      default -> {
        String which = switch (metric) {
          case "conversations_resolved" -> "a.kind = 'system' AND a.data->>'change' = 'status' AND a.data->>'to' = 'resolved'";
          case "calls_answered" -> "a.kind = 'call' AND a.direction = 'in' AND a.data->>'outcome' = 'answered'";
          case "calls_missed" -> "a.kind = 'call' AND a.direction = 'in' AND a.data->>'outcome' IN ('missed', 'voicemail')";
          case "voicemails" -> "a.kind = 'voicemail'";
          default -> throw new IllegalArgumentException(metric);
        };
        yield "SELECT " + bucket.formatted("a.created_at") + " AS b, count(*) AS n FROM activity a"
            + " WHERE (a.kind IN ('call', 'voicemail') OR (a.kind = 'system' AND a.data->>'change' = 'status')) AND " + which
            + " AND a.inbox_id = ANY(" + inb + ") AND a.created_at >= " + from + " AND a.created_at < " + to + conversationFilter(s, p, "a", inb);
      }
    } + " GROUP BY 1";
    sql = "SELECT date_trunc(" + unit + ", to_timestamp(b * 900) AT TIME ZONE " + zone + ") AS b, sum(n)::bigint AS n FROM ("
        + sql + ") quarters GROUP BY 1";
    return Db.list(db, sql, p.array()).map(rows -> {
      Map<LocalDateTime, Long> counts = new HashMap<>();
      for (Row r : rows) counts.put(r.getLocalDateTime("b"), r.getLong("n"));
      LocalDateTime start = s.from().atZone(s.zone()).toLocalDateTime().toLocalDate().atStartOfDay();
      if (interval.equals("week")) start = start.minusDays(start.getDayOfWeek().getValue() - 1);
      LocalDateTime end = s.to().atZone(s.zone()).toLocalDateTime();
      Map<LocalDateTime, Long> ordered = new LinkedHashMap<>();
      for (LocalDateTime b = start; b.isBefore(end); b = interval.equals("week") ? b.plusWeeks(1) : b.plusDays(1)) {
        ordered.put(b, counts.getOrDefault(b, 0L));
      }
      JsonArray out = new JsonArray();
      ordered.forEach((b, n) -> out.add(new JsonObject().put("start", b.toLocalDate().toString()).put("value", n)));
      return out;
    });
  }
}
