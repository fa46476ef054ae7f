package io.switchboard.automation;

import io.switchboard.audit.Audit;
import io.switchboard.auth.Actor;
import io.switchboard.inbox.Endpoints;
import io.switchboard.conversation.Timeline;
import io.switchboard.db.Db;
import io.switchboard.event.EventType;
import io.switchboard.event.EventLog;
import io.switchboard.event.Events;
import io.switchboard.common.ApiError;
import io.switchboard.common.Failures;
import io.switchboard.common.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.switchboard.db.Tx;

import java.time.Duration;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * Follow-up sequences: the shape of their steps, how sequences are stored and shown, how a conversation is enrolled,
 * how enrolments are shown, and how an enrolment ends.
 * A step is {@code {"delay": "P2D" | "PT4H" | seconds, "text": "…", "channels": ["email", …]}}; its delay counts from
 * the enrolment (first step) or from the step before.
 */
public final class Sequences {

  static final int MAX_STEPS = 20;
  static final long MAX_DELAY_SECONDS = 365L * 24 * 3600;
  private static final Set<String> STEP_FIELDS = Set.of("delay", "delay_seconds", "text", "channels");

  private Sequences() {
  }

  /** Checks the steps and returns them in normal form; a 400 naming the step's field otherwise. */
  public static JsonArray steps(JsonArray in) {
    if (in == null || in.isEmpty()) throw ApiError.validation("steps", "a sequence needs at least one step");
    if (in.size() > MAX_STEPS) throw ApiError.validation("steps", "a sequence has at most " + MAX_STEPS + " steps");
    JsonArray out = new JsonArray();
    for (int i = 0; i < in.size(); i++) {
      String at = "steps[" + i + "]";
      if (!(in.getValue(i) instanceof JsonObject step)) throw ApiError.validation(at, at + " must be an object {delay, text, channels}");
      for (String k : step.fieldNames()) {
        if (!STEP_FIELDS.contains(k)) throw ApiError.validation(at + "." + k, at + " has an unknown field " + k);
      }
      Object delay = step.getValue("delay");
      long seconds = delaySeconds(at + ".delay", delay);
      Object text = step.getValue("text");
      if (!(text instanceof String t) || t.isBlank()) throw ApiError.validation(at + ".text", at + ".text is required");
      if (t.length() > 32_768) throw ApiError.validation(at + ".text", at + ".text is longer than 32768 characters");
      JsonArray channels = null;
      if (step.getValue("channels") != null) {
        if (!(step.getValue("channels") instanceof JsonArray ch) || ch.isEmpty()) {
          throw ApiError.validation(at + ".channels", at + ".channels must be a non-empty list of channels, or left out for any");
        }
        channels = new JsonArray();
        for (Object c : ch) {
          if (!(c instanceof String s) || !Endpoints.CHANNELS.contains(s)) {
            throw ApiError.validation(at + ".channels", at + ".channels: " + c + " is not a channel (one of "
                + String.join(", ", Endpoints.CHANNELS.stream().sorted().toList()) + ")");
          }
          if (!channels.contains(s)) channels.add(s);
        }
      }
      out.add(new JsonObject().put("delay", delay).put("delay_seconds", seconds).put("text", t).put("channels", channels));
    }
    return out;
  }

  /** An ISO-8601 duration ("P2D", "PT4H", "P1W", "P1DT12H") or a number of seconds. */
  static long delaySeconds(String field, Object v) {
    long seconds;
    if (v instanceof Number n) {
      if (n.doubleValue() != n.longValue()) throw ApiError.validation(field, field + " must be whole seconds");
      seconds = n.longValue();
    } else if (v instanceof String s && !s.isBlank()) {
      seconds = parseDuration(field, s.trim().toUpperCase());
    } else {
      throw ApiError.validation(field, field + " is required: an ISO-8601 duration like \"P2D\" or \"PT4H\", or seconds");
    }
    if (seconds < 0) throw ApiError.validation(field, field + " must not be negative");
    if (seconds > MAX_DELAY_SECONDS) throw ApiError.validation(field, field + " is longer than a year");
    return seconds;
  }

  private static long parseDuration(String field, String s) {
    try {
      return Duration.parse(s).getSeconds();
    } catch (DateTimeParseException e) {
      // weeks ("P1W") are a Period; months and years have no fixed length and are refused
      try {
        Period p = Period.parse(s);
        if (p.getYears() == 0 && p.getMonths() == 0) return p.getDays() * 86_400L;
      } catch (DateTimeParseException ignored) {
        // reported below
      }
      throw ApiError.validation(field, field + " \"" + s + "\" is not an ISO-8601 duration like \"P2D\", \"PT4H\" or \"P1W\"");
    } catch (ArithmeticException e) {
      throw ApiError.validation(field, field + " is longer than a year");
    }
  }

  /** Whether a step may be sent in a conversation on {@code channel}. */
  static boolean allows(JsonObject step, String channel) {
    JsonArray channels = step.getJsonArray("channels");
    return channels == null || channels.contains(channel);
  }

  /** Sequences with how many conversations are in them now; alias s. */
  private static final String SELECT = """
      SELECT s.*, (SELECT count(*) FROM sequence_enrollment e WHERE e.sequence_id = s.id AND e.status = 'active')
        AS active_enrollments
      FROM sequence s""";

  /** A sequence as settings define it: name, steps (from {@link #steps}) and stop-on-reply; null leaves one as it is. */
  public record Definition(String name, JsonArray steps, Boolean stopOnReply) {
  }

  /** The workspace's sequences by name. */
  public static Future<JsonArray> list(SqlClient c, long workspaceId) {
    return Db.list(c, SELECT + " WHERE s.workspace_id = $1 AND s.deleted_at IS NULL ORDER BY lower(s.name), s.id", workspaceId)
        .map(rows -> {
          JsonArray items = new JsonArray();
          rows.forEach(r -> items.add(json(r)));
          return items;
        });
  }

  /** A sequence of the actor's workspace (not deleted); 404 otherwise. */
  public static Future<JsonObject> get(SqlClient c, Actor a, long id) {
    return find(c, a, id, "").map(Sequences::json);
  }

  private static Future<Row> find(SqlClient c, Actor a, long id, String lock) {
    return Db.one(c, SELECT + " WHERE s.id = $1 AND s.workspace_id = $2 AND s.deleted_at IS NULL" + lock, id, a.workspaceId())
        .map(r -> {
          if (r == null) throw ApiError.notFound("sequence");
          return r;
        });
  }

  /** Creates a sequence (stop-on-reply unless told otherwise), audited; returns it. */
  public static Future<JsonObject> create(Tx conn, Actor a, Definition d) {
    return Db.one(conn, """
            INSERT INTO sequence (workspace_id, name, steps, stop_on_reply) VALUES ($1, $2, $3, $4) RETURNING id""",
            a.workspaceId(), d.name(), d.steps(), d.stopOnReply() == null || d.stopOnReply())
        .compose(r -> find(conn, a, r.getLong("id"), ""))
        .compose(r -> Audit.record(conn, a, "sequence.created", "sequence", r.getLong("id"), json(r)).map(json(r)));
  }

  /** Changes the fields given, audited with before and after; active enrolments follow from their next step on. */
  public static Future<JsonObject> update(Tx conn, Actor a, long id, Definition d) {
    return find(conn, a, id, " FOR UPDATE OF s").compose(before -> Db.query(conn, """
            UPDATE sequence SET name = COALESCE($2, name), steps = COALESCE($3, steps),
              stop_on_reply = COALESCE($4, stop_on_reply), updated_at = now() WHERE id = $1""", id, d.name(), d.steps(), d.stopOnReply())
        .compose(v -> find(conn, a, id, ""))
        .compose(r -> Audit.record(conn, a, "sequence.updated", "sequence", id,
            new JsonObject().put("before", json(before)).put("after", json(r))).map(json(r))));
  }

  /** Marks the sequence deleted (it stays for the history), audited, and stops its active enrolments. */
  public static Future<Void> delete(Tx conn, Actor a, long id) {
    return find(conn, a, id, " FOR UPDATE OF s")
        .compose(r -> Db.query(conn, "UPDATE sequence SET deleted_at = now(), updated_at = now() WHERE id = $1", id)
            .compose(v -> Audit.record(conn, a, "sequence.deleted", "sequence", id, new JsonObject().put("name", r.getString("name")))))
        .compose(v -> Db.list(conn, "SELECT DISTINCT conversation_id FROM sequence_enrollment WHERE sequence_id = $1 AND status = 'active'", id))
        .compose(convs -> {
          Future<Void> f = Future.succeededFuture();
          for (Row c : convs) {
            f = f.compose(v -> ConversationRows.lock(conn, c.getLong(0))
                .compose(conv -> stopAll(conn, conv, "e.sequence_id = $2", "sequence_deleted", id)).mapEmpty());
          }
          return f;
        });
  }

  static JsonObject json(Row r) {
    JsonObject o = new JsonObject()
        .put("id", r.getLong("id"))
        .put("name", r.getString("name"))
        .put("steps", r.getJsonArray("steps"))
        .put("stop_on_reply", r.getBoolean("stop_on_reply"))
        .put("created_at", Times.iso(r, "created_at"))
        .put("updated_at", Times.iso(r, "updated_at"));
    if (r.getColumnIndex("active_enrollments") >= 0) o.put("active_enrollments", r.getLong("active_enrollments"));
    return o;
  }

  /** Enrolments with their sequence's name and steps and the enrolling user's name; alias e. */
  static final String ENROLLMENTS = """
      SELECT e.*, s.name AS sequence_name, s.steps, s.stop_on_reply, s.deleted_at AS sequence_deleted_at,
        u.name AS created_by_name
      FROM sequence_enrollment e JOIN sequence s ON s.id = e.sequence_id LEFT JOIN app_user u ON u.id = e.created_by
      """;

  static JsonObject enrollmentJson(Row r) {
    int total = r.getJsonArray("steps").size();
    boolean active = "active".equals(r.getString("status"));
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("sequence_id", r.getLong("sequence_id"))
        .put("sequence_name", r.getString("sequence_name"))
        .put("conversation_id", r.getLong("conversation_id"))
        .put("status", r.getString("status"))
        .put("stop_reason", r.getString("stop_reason"))
        .put("steps_total", total)
        .put("steps_sent", r.getInteger("steps_sent"))
        .put("next_step", active ? r.getInteger("next_step") + 1 : null)
        .put("next_at", active ? Times.iso(r, "next_at") : null)
        .put("created_by", new JsonObject().put("id", r.getLong("created_by")).put("name", r.getString("created_by_name")))
        .put("created_at", Times.iso(r, "created_at"))
        .put("updated_at", Times.iso(r, "updated_at"));
  }

  /** The conversation's enrolments, newest first (the last 200). */
  public static Future<JsonArray> enrollments(SqlClient c, long conversationId) {
    return Db.list(c, ENROLLMENTS + " WHERE e.conversation_id = $1 ORDER BY e.id DESC LIMIT 200", conversationId).map(rows -> {
      JsonArray items = new JsonArray();
      rows.forEach(r -> items.add(enrollmentJson(r)));
      return items;
    });
  }

  /**
   * Enrols the conversation ({@code conv}, locked by the caller) by the actor: its first step falls due after its
   * delay, and only the contact's messages from now on count as a reply. One active enrolment per sequence and
   * conversation (409); a resolved conversation is not enrolled (409), nor one that no step may be sent on (400).
   */
  public static Future<JsonObject> enroll(Tx conn, Actor a, Row conv, long sequenceId) {
    long id = conv.getLong("id");
    return Db.one(conn, "SELECT * FROM sequence WHERE id = $1 AND workspace_id = $2 AND deleted_at IS NULL", sequenceId, a.workspaceId())
        .compose(seq -> {
          if (seq == null) return Future.failedFuture(ApiError.validation("sequence_id", "no such sequence"));
          if ("resolved".equals(conv.getString("status"))) {
            return Future.failedFuture(ApiError.conflict("sequence_id", "the conversation is resolved; reopen it to enrol it"));
          }
          JsonArray steps = seq.getJsonArray("steps");
          String channel = conv.getString("channel");
          if (steps.stream().noneMatch(s -> allows((JsonObject) s, channel))) {
            return Future.failedFuture(ApiError.validation("sequence_id", "no step of this sequence may be sent on " + channel));
          }
          long delay = steps.getJsonObject(0).getLong("delay_seconds");
          return Db.one(conn, """
                  INSERT INTO sequence_enrollment (workspace_id, sequence_id, conversation_id, next_step, next_at, created_by,
                    since_activity_id)
                  VALUES ($1, $2, $3, 0, now() + make_interval(secs => $4), $5,
                          (SELECT COALESCE(max(id), 0) FROM activity WHERE conversation_id = $3))
                  RETURNING id""", a.workspaceId(), sequenceId, id, (double) delay, a.userId())
              .recover(t -> Future.failedFuture(Failures.isUniqueViolation(t)
                  ? ApiError.conflict("sequence_id", "the conversation is already in this sequence") : t))
              .compose(r -> Timeline.note(conn, conv, new Timeline.Author("user", a.userId(), a.name()),
                      a.name() + " started the sequence \"" + seq.getString("name") + "\"",
                      new JsonObject().put("change", "sequence_started").put("sequence_id", sequenceId).put("enrollment_id", r.getLong("id")))
                  .compose(v -> announce(conn, conv, r.getLong("id"), EventType.ENROLLMENT_CREATED)));
        });
  }

  /** The actor cancels an active enrolment of the conversation ({@code conv}, locked by the caller); 409 once it ended. */
  public static Future<Void> cancel(Tx conn, Actor a, Row conv, long enrollmentId) {
    return Db.one(conn, ENROLLMENTS + " WHERE e.id = $1 AND e.conversation_id = $2 FOR UPDATE OF e", enrollmentId, conv.getLong("id"))
        .compose(e -> {
          if (e == null) return Future.failedFuture(ApiError.notFound("enrollment"));
          if (!"active".equals(e.getString("status"))) {
            return Future.failedFuture(ApiError.conflict("status", "the sequence already " + e.getString("status")));
          }
          return end(conn, conv, e, "canceled", "canceled", new Timeline.Author("user", a.userId(), a.name()),
              a.name() + " canceled the sequence \"" + e.getString("sequence_name") + "\"");
        });
  }

  static Future<JsonObject> enrollmentView(SqlClient c, long id) {
    return Db.one(c, ENROLLMENTS + " WHERE e.id = $1", id).map(r -> r == null ? null : enrollmentJson(r));
  }

  /** Appends an enrolment event with the enrolment as it is now. */
  static Future<JsonObject> announce(Tx conn, Row conv, long enrollmentId, String type) {
    return enrollmentView(conn, enrollmentId).compose(view -> EventLog.append(conn, conv.getLong("workspace_id"),
        conv.getLong("inbox_id"), conv.getLong("id"), type, new JsonObject().put("enrollment", view)).map(view));
  }

  /**
   * Ends an active enrolment ({@code status}: completed, stopped or canceled) with a reason, a system entry in the
   * conversation and an {@code enrollment.updated}. {@code e} is an {@link #ENROLLMENTS} row locked by the caller.
   */
  static Future<Void> end(Tx conn, Row conv, Row e, String status, String reason, Timeline.Author by, String text) {
    return Db.query(conn, """
            UPDATE sequence_enrollment SET status = $2, stop_reason = $3, next_at = NULL, updated_at = now() WHERE id = $1""",
            e.getLong("id"), status, reason)
        .compose(v -> Timeline.note(conn, conv, by, text, new JsonObject().put("change", "sequence_" + status)
            .put("sequence_id", e.getLong("sequence_id")).put("enrollment_id", e.getLong("id")).put("reason", reason)))
        .compose(v -> announce(conn, conv, e.getLong("id"), EventType.ENROLLMENT_UPDATED))
        .mapEmpty();
  }

  /** Stops one enrolment for {@code reason}, said in the history as {@link #stopText} says it. */
  static Future<Void> stop(Tx conn, Row conv, Row e, String reason) {
    return end(conn, conv, e, "stopped", reason, Timeline.Author.SYSTEM, stopText(e.getString("sequence_name"), reason));
  }

  /** What a stop looks like in the history. */
  static String stopText(String name, String reason) {
    String why = switch (reason) {
      case "replied" -> "the contact replied";
      case "resolved" -> "the conversation was resolved";
      case "sequence_deleted" -> "the sequence was deleted";
      default -> reason;
    };
    return "The sequence \"" + name + "\" stopped: " + why;
  }

  /**
   * Stops the conversation's active enrolments that {@code which} selects (an SQL condition on e and s), oldest
   * first; returns how many.
   */
  static Future<Integer> stopAll(Tx conn, Row conv, String which, String reason, Object param) {
    return Db.list(conn, ENROLLMENTS + " WHERE e.conversation_id = $1 AND e.status = 'active' AND " + which
        + " ORDER BY e.id FOR UPDATE OF e", conv.getLong("id"), param).compose(rows -> {
          Future<Void> f = Future.succeededFuture();
          for (Row e : rows) {
            f = f.compose(v -> stop(conn, conv, e, reason));
          }
          return f.map(rows.size());
        });
  }
}
