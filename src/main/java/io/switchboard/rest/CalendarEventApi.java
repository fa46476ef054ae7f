package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.crm.CalendarEvents;
import io.switchboard.node.Node;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.http.Input;
import io.switchboard.http.Page;
import io.switchboard.common.Times;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.OffsetDateTime;

/**
 * Calendar events linked to a conversation: {@code GET/POST /conversations/{id}/events} (soonest first;
 * {@code ?upcoming=true} hides those that have ended), {@code PATCH/DELETE /events/{id}}. They belong to the
 * conversation's inbox: its members see and change them, everyone else gets 404. Each change is live there.
 */
public final class CalendarEventApi {

  private static final int MAX_NOTES = 5000;

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

  private Future<?> list(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long conversationId = Rest.pathId(ctx, "id", "conversation");
    Page page = Page.of(ctx);
    boolean upcoming = "true".equals(ctx.queryParams().get("upcoming"));
    OffsetDateTime afterAt = page.after() == null ? OffsetDateTime.parse("0001-01-01T00:00:00Z") : Times.parse("cursor", page.afterString(0));
    long afterId = page.after() == null ? 0 : page.afterLong(1);
    return CalendarEvents.list(node.db().pool(), a, new CalendarEvents.Query(conversationId, upcoming, afterAt, afterId, page.limit() + 1))
        .map(items -> page.result(items, e -> e, e -> Page.cursor(e.getString("starts_at"), e.getLong("id"))));
  }

  private Future<?> create(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.INBOX_USE);
    long conversationId = Rest.pathId(ctx, "id", "conversation");
    Input in = Input.of(ctx);
    String title = in.text("title", 200).trim();
    OffsetDateTime starts = Times.parse("starts_at", in.text("starts_at", 40));
    OffsetDateTime ends = Times.parse("ends_at", in.text("ends_at", 40));
    CalendarEvents.check(starts, ends);
    String location = trimmed(in.optText("location", 500));
    String notes = trimmed(in.optText("notes", MAX_NOTES));
    CalendarEvents.Draft draft = new CalendarEvents.Draft(title, starts, ends, location, notes);
    return node.db().tx(tx -> CalendarEvents.create(tx, a, conversationId, draft)).map(Reply::created);
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
    CalendarEvents.Change change = new CalendarEvents.Change(title, starts, ends, in.has("location"), location,
        in.has("notes"), notes);
    return node.db().tx(tx -> CalendarEvents.update(tx, a, id, change));
  }

  private Future<?> delete(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.INBOX_USE);
    long id = Rest.pathId(ctx, "id", "event");
    return node.db().tx(tx -> CalendarEvents.delete(tx, a, id));
  }

  private static String trimmed(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
