package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.node.Node;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.conversation.Conversations;
import io.switchboard.db.Db;
import io.switchboard.event.EventType;
import io.switchboard.event.EventLog;
import io.switchboard.event.Events;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.common.ApiError;
import io.switchboard.http.Input;
import io.switchboard.http.Page;
import io.switchboard.common.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.switchboard.db.Tx;

import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * Calendar events linked to a conversation: {@code GET/POST /conversations/{id}/events} (soonest first;
 * {@code ?upcoming=true} hides those that have ended), {@code PATCH/DELETE /events/{id}}. They belong to the
 * conversation's inbox: its members see and change them, everyone else gets 404. Each change is live there.
 */
public final class CalendarEventApi {

  private static final int MAX_NOTES = 5000;
  private static final Duration MAX_LENGTH = Duration.ofDays(366);

  private final Node node;

  private CalendarEventApi(Node node) {
    this.node = node;
  }

  public static void mount(Router api, Node node) {
    CalendarEventApi e = new CalendarEventApi(node);
    api.get("/conversations/:id/events").handler(Rest.handle(e::list));
    api.post("/conversations/:id/events").handler(Rest.handle(e::create));
    api.patch("/events/:id").handler(Rest.handle(e::update));
    api.delete("/events/:id").handler(Rest.handle(e::delete));
  }

  private static final String SELECT = """
      SELECT e.*, c.inbox_id, c.contact_id, u.name AS created_by_name FROM calendar_event e
      JOIN conversation c ON c.id = e.conversation_id LEFT JOIN app_user u ON u.id = e.created_by
      """;

  private Future<?> list(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long conversationId = Rest.pathId(ctx, "id", "conversation");
    Page page = Page.of(ctx);
    boolean upcoming = "true".equals(ctx.queryParams().get("upcoming"));
    OffsetDateTime afterAt = page.after() == null ? OffsetDateTime.parse("0001-01-01T00:00:00Z") : Times.parse("cursor", page.afterString(0));
    long afterId = page.after() == null ? 0 : page.afterLong(1);
    return Conversations.visible(node.db().pool(), a, conversationId).compose(c -> node.db().list(SELECT + """
        WHERE e.conversation_id = $1 AND (NOT $2 OR e.ends_at > now()) AND (e.starts_at, e.id) > ($3, $4)
        ORDER BY e.starts_at, e.id LIMIT $5""", conversationId, upcoming, afterAt, afterId, page.limit() + 1))
        .map(rows -> page.result(rows, CalendarEventApi::json, r -> Page.cursor(Times.iso(r, "starts_at"), r.getLong("id"))));
  }

  private Future<?> create(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.INBOX_USE);
    long conversationId = Rest.pathId(ctx, "id", "conversation");
    Input in = Input.of(ctx);
    String title = in.text("title", 200).trim();
    OffsetDateTime starts = Times.parse("starts_at", in.text("starts_at", 40));
    OffsetDateTime ends = Times.parse("ends_at", in.text("ends_at", 40));
    check(starts, ends);
    String location = trimmed(in.optText("location", 500));
    String notes = trimmed(in.optText("notes", MAX_NOTES));
    return node.db().tx(conn -> Conversations.visible(conn, a, conversationId)
        .compose(c -> Db.one(conn, """
            INSERT INTO calendar_event (workspace_id, conversation_id, title, starts_at, ends_at, location, notes, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id""",
            a.workspaceId(), conversationId, title, starts, ends, location, notes, a.userId()))
        .compose(r -> announce(conn, a, r.getLong(0), EventType.CALENDAR_EVENT_CREATED)))
        .map(Reply::created);
  }

  private Future<?> update(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.INBOX_USE);
    long id = Rest.pathId(ctx, "id", "event");
    Input in = Input.of(ctx);
    String title = in.has("title") ? in.text("title", 200).trim() : null;
    OffsetDateTime starts = in.has("starts_at") ? Times.parse("starts_at", in.text("starts_at", 40)) : null;
    OffsetDateTime ends = in.has("ends_at") ? Times.parse("ends_at", in.text("ends_at", 40)) : null;
    String location = trimmed(in.optText("location", 500));
    String notes = trimmed(in.optText("notes", MAX_NOTES));
    return node.db().tx(conn -> visible(conn, a, id).compose(before -> {
      check(starts != null ? starts : before.getOffsetDateTime("starts_at"), ends != null ? ends : before.getOffsetDateTime("ends_at"));
      return Db.query(conn, """
              UPDATE calendar_event SET title = COALESCE($2, title), starts_at = COALESCE($3, starts_at),
                ends_at = COALESCE($4, ends_at), location = CASE WHEN $5 THEN $6 ELSE location END,
                notes = CASE WHEN $7 THEN $8 ELSE notes END, updated_at = now()
              WHERE id = $1""", id, title, starts, ends, in.has("location"), location, in.has("notes"), notes)
          .compose(v -> announce(conn, a, id, EventType.CALENDAR_EVENT_UPDATED));
    }));
  }

  private Future<?> delete(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.INBOX_USE);
    long id = Rest.pathId(ctx, "id", "event");
    return node.db().tx(conn -> visible(conn, a, id).compose(before -> announce(conn, a, id, EventType.CALENDAR_EVENT_DELETED))
        .compose(v -> Db.query(conn, "DELETE FROM calendar_event WHERE id = $1", id)).mapEmpty());
  }

  /** The event row, locked, if the actor is a member of its conversation's inbox; 404 otherwise. */
  private static Future<Row> visible(Tx conn, Actor a, long id) {
    return Db.one(conn, """
        SELECT e.* FROM calendar_event e JOIN conversation c ON c.id = e.conversation_id
        JOIN membership m ON m.inbox_id = c.inbox_id AND m.user_id = $2
        WHERE e.id = $1 AND e.workspace_id = $3 FOR UPDATE OF e""", id, a.userId(), a.workspaceId())
        .map(r -> {
          if (r == null) throw ApiError.notFound("event");
          return r;
        });
  }

  private static void check(OffsetDateTime starts, OffsetDateTime ends) {
    if (!ends.isAfter(starts)) throw ApiError.validation("ends_at", "ends_at must be after starts_at");
    if (Duration.between(starts, ends).compareTo(MAX_LENGTH) > 0) throw ApiError.validation("ends_at", "an event lasts at most a year");
  }

  private static Future<JsonObject> announce(Tx conn, Actor a, long id, String type) {
    return Db.one(conn, SELECT + "WHERE e.id = $1", id).compose(r -> {
      JsonObject event = json(r);
      return EventLog.append(conn, a.workspaceId(), r.getLong("inbox_id"), r.getLong("conversation_id"), type,
          new JsonObject().put("event", event)).map(event);
    });
  }

  private static String trimmed(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  static JsonObject json(Row r) {
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
