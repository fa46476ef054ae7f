package io.switchboard.crm;

import io.switchboard.auth.Actor;
import io.switchboard.common.ApiError;
import io.switchboard.common.Times;
import io.switchboard.conversation.Conversations;
import io.switchboard.db.Db;
import io.switchboard.db.Tx;
import io.switchboard.event.EventLog;
import io.switchboard.event.EventType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Calendar events linked to a conversation. They belong to the conversation's inbox: its members see and change
 * them, everyone else gets 404. Each change is told ({@code calendar_event.*}) there.
 */
public final class CalendarEvents {

  private static final Duration MAX_LENGTH = Duration.ofDays(366);

  private CalendarEvents() {
  }

  private static final String SELECT = """
      SELECT e.*, c.inbox_id, c.contact_id, u.name AS created_by_name FROM calendar_event e
      JOIN conversation c ON c.id = e.conversation_id LEFT JOIN app_user u ON u.id = e.created_by
      """;

  /** An event ends after it starts, and lasts at most a year; a 400 on {@code ends_at} otherwise. */
  public static void check(OffsetDateTime starts, OffsetDateTime ends) {
    if (!ends.isAfter(starts)) throw ApiError.validation("ends_at", "ends_at must be after starts_at");
    if (Duration.between(starts, ends).compareTo(MAX_LENGTH) > 0) throw ApiError.validation("ends_at", "an event lasts at most a year");
  }

  /**
   * A page of a conversation's events, soonest first, after the keyset ({@code afterStartsAt}, {@code afterId});
   * with {@code upcoming}, only those that have not ended.
   */
  public record Query(long conversationId, boolean upcoming, OffsetDateTime afterStartsAt, long afterId, int limit) {
  }

  /** The events of the query, if the actor can see the conversation; 404 otherwise. */
  public static Future<List<JsonObject>> list(SqlClient c, Actor a, Query q) {
    return Conversations.visible(c, a, q.conversationId()).compose(conv -> Db.list(c, SELECT + """
        WHERE e.conversation_id = $1 AND (NOT $2 OR e.ends_at > now()) AND (e.starts_at, e.id) > ($3, $4)
        ORDER BY e.starts_at, e.id LIMIT $5""", q.conversationId(), q.upcoming(), q.afterStartsAt(), q.afterId(), q.limit()))
        .map(rows -> rows.stream().map(CalendarEvents::json).toList());
  }

  /** A new event; location and notes may be null. Its times are {@link #check checked} by the caller. */
  public record Draft(String title, OffsetDateTime startsAt, OffsetDateTime endsAt, String location, String notes) {
  }

  /** Adds an event to a conversation the actor can see (404 otherwise); returns it. */
  public static Future<JsonObject> create(Tx tx, Actor a, long conversationId, Draft d) {
    return Conversations.visible(tx, a, conversationId)
        .compose(c -> Db.one(tx, """
            INSERT INTO calendar_event (workspace_id, conversation_id, title, starts_at, ends_at, location, notes, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id""",
            a.workspaceId(), conversationId, d.title(), d.startsAt(), d.endsAt(), d.location(), d.notes(), a.userId()))
        .compose(r -> announce(tx, a, r.getLong(0), EventType.CALENDAR_EVENT_CREATED));
  }

  /**
   * What a PATCH changes: a null title or time stays; location and notes change (null clears) when their
   * {@code set…} flag says they were given.
   */
  public record Change(String title, OffsetDateTime startsAt, OffsetDateTime endsAt, boolean setLocation, String location,
                       boolean setNotes, String notes) {
  }

  /** Changes an event the actor can see (404 otherwise), its times checked as they will be; returns it. */
  public static Future<JsonObject> update(Tx tx, Actor a, long id, Change ch) {
    return visible(tx, a, id).compose(before -> {
      check(ch.startsAt() != null ? ch.startsAt() : before.getOffsetDateTime("starts_at"),
          ch.endsAt() != null ? ch.endsAt() : before.getOffsetDateTime("ends_at"));
      return Db.query(tx, """
              UPDATE calendar_event SET title = COALESCE($2, title), starts_at = COALESCE($3, starts_at),
                ends_at = COALESCE($4, ends_at), location = CASE WHEN $5 THEN $6 ELSE location END,
                notes = CASE WHEN $7 THEN $8 ELSE notes END, updated_at = now()
              WHERE id = $1""", id, ch.title(), ch.startsAt(), ch.endsAt(), ch.setLocation(), ch.location(), ch.setNotes(),
              ch.notes())
          .compose(v -> announce(tx, a, id, EventType.CALENDAR_EVENT_UPDATED));
    });
  }

  /** Deletes an event the actor can see (404 otherwise), telling it first. */
  public static Future<Void> delete(Tx tx, Actor a, long id) {
    return visible(tx, a, id).compose(before -> announce(tx, a, id, EventType.CALENDAR_EVENT_DELETED))
        .compose(v -> Db.query(tx, "DELETE FROM calendar_event WHERE id = $1", id)).mapEmpty();
  }

  /** The event row, locked, if the actor is a member of its conversation's inbox; 404 otherwise. */
  private static Future<Row> visible(Tx tx, Actor a, long id) {
    return Db.one(tx, """
        SELECT e.* FROM calendar_event e JOIN conversation c ON c.id = e.conversation_id
        JOIN membership m ON m.inbox_id = c.inbox_id AND m.user_id = $2
        WHERE e.id = $1 AND e.workspace_id = $3 FOR UPDATE OF e""", id, a.userId(), a.workspaceId())
        .map(r -> {
          if (r == null) throw ApiError.notFound("event");
          return r;
        });
  }

  /** Tells the event in its conversation's inbox; returns it. */
  private static Future<JsonObject> announce(Tx tx, Actor a, long id, String type) {
    return Db.one(tx, SELECT + "WHERE e.id = $1", id).compose(r -> {
      JsonObject event = json(r);
      return EventLog.append(tx, a.workspaceId(), r.getLong("inbox_id"), r.getLong("conversation_id"), type,
          new JsonObject().put("event", event)).map(event);
    });
  }

  private static JsonObject json(Row r) {
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("conversation_id", r.getLong("conversation_id"))
        .put("inbox_id", r.getLong("inbox_id"))
        .put("contact_id", r.getLong("contact_id"))
        .put("title", r.getString("title"))
        .put("starts_at", Times.iso(r, "starts_at"))
        .put("ends_at", Times.iso(r, "ends_at"))
        .put("location", r.getString("location"))
        .put("notes", r.getString("notes"))
        .put("created_by", new JsonObject().put("id", r.getLong("created_by")).put("name", r.getString("created_by_name")))
        .put("created_at", Times.iso(r, "created_at"))
        .put("updated_at", Times.iso(r, "updated_at"));
  }
}
