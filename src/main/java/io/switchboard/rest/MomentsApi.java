package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.contact.Profiles;
import io.switchboard.node.Node;
import io.switchboard.auth.Actor;
import io.switchboard.conversation.Conversations;
import io.switchboard.http.Rest;
import io.switchboard.http.Page;
import io.switchboard.common.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;

/**
 * A profile's history: {@code GET /profiles/{id}/moments} (every conversation of every member contact, on every
 * channel, most recent activity first) and {@code GET /profiles/{id}/attachments} (every file exchanged in them,
 * newest first). Both list only conversations of inboxes the user is a member of, whatever the profile holds.
 */
public final class MomentsApi {

  private final Node node;

  private MomentsApi(Node node) {
    this.node = node;
  }

  public static void mount(Router api, Node node) {
    MomentsApi m = new MomentsApi(node);
    api.get("/profiles/:id/moments").handler(Rest.handle(m::moments));
    api.get("/profiles/:id/attachments").handler(Rest.handle(m::attachments));
  }

  private Future<?> moments(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "profile");
    Page page = Page.of(ctx);
    OffsetDateTime afterAt = page.after() == null ? OffsetDateTime.parse("9999-12-31T00:00:00Z") : Times.parse("cursor", page.afterString(0));
    long afterId = page.after() == null ? Long.MAX_VALUE : page.afterLong(1);
    return Profiles.visible(node.db().pool(), a, id, false).compose(p -> node.db().list(Conversations.VIEW + """
        JOIN membership m ON m.inbox_id = c.inbox_id AND m.user_id = $2
        WHERE c.contact_id IN (SELECT contact_id FROM profile_contact WHERE profile_id = $1)
          AND (c.last_activity_at, c.id) < ($3, $4)
        ORDER BY c.last_activity_at DESC, c.id DESC LIMIT $5""", id, a.userId(), afterAt, afterId, page.limit() + 1))
        .map(rows -> page.result(rows, Conversations::json, r -> Page.cursor(Times.iso(r, "last_activity_at"), r.getLong("id"))));
  }

  private Future<?> attachments(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "profile");
    Page page = Page.of(ctx);
    long after = page.after() == null ? Long.MAX_VALUE : page.afterLong(0);
    return Profiles.visible(node.db().pool(), a, id, false).compose(p -> node.db().list("""
        SELECT x.id, x.filename, x.content_type, x.size, x.inline, x.status, x.created_at, act.id AS activity_id,
          act.kind, act.direction, c.id AS conversation_id, c.inbox_id, c.channel, c.contact_id
        FROM attachment x
        JOIN activity act ON act.id = x.activity_id
        JOIN conversation c ON c.id = act.conversation_id
        JOIN membership m ON m.inbox_id = c.inbox_id AND m.user_id = $2
        WHERE c.contact_id IN (SELECT contact_id FROM profile_contact WHERE profile_id = $1) AND x.id < $3
        ORDER BY x.id DESC LIMIT $4""", id, a.userId(), after, page.limit() + 1))
        .map(rows -> page.result(rows, MomentsApi::attachment, r -> Page.cursor(r.getLong("id"))));
  }

  private static JsonObject attachment(Row r) {
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("filename", r.getString("filename"))
        .put("content_type", r.getString("content_type"))
        .put("size", r.getLong("size"))
        .put("inline", r.getBoolean("inline"))
        .put("status", r.getString("status"))
        .put("url", "/api/v1/attachments/" + r.getLong("id"))
        .put("activity_id", r.getLong("activity_id"))
        .put("kind", r.getString("kind"))
        .put("direction", r.getString("direction"))
        .put("conversation_id", r.getLong("conversation_id"))
        .put("inbox_id", r.getLong("inbox_id"))
        .put("channel", r.getString("channel"))
        .put("contact_id", r.getLong("contact_id"))
        .put("created_at", Times.iso(r, "created_at"));
  }
}
