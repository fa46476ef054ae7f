package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.contact.Moments;
import io.switchboard.contact.Profiles;
import io.switchboard.node.Node;
import io.switchboard.auth.Actor;
import io.switchboard.http.Rest;
import io.switchboard.http.Page;
import io.switchboard.common.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

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
    Moments.Before before = before(page);
    return Profiles.visible(node.db().pool(), a, id, false)
        .compose(p -> Moments.ofProfile(node.db().pool(), a, id, before, page.limit() + 1))
        .map(items -> page.result(items, c -> c, MomentsApi::cursor));
  }

  private Future<?> attachments(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "profile");
    Page page = Page.of(ctx);
    long before = page.after() == null ? Long.MAX_VALUE : page.afterLong(0);
    return Profiles.visible(node.db().pool(), a, id, false)
        .compose(p -> Moments.attachments(node.db().pool(), a, id, before, page.limit() + 1))
        .map(items -> page.result(items, x -> x, x -> Page.cursor(x.getLong("id"))));
  }

  /** Where a page of conversations starts, from its cursor (last activity and id of the one before). */
  static Moments.Before before(Page page) {
    return page.after() == null ? Moments.Before.NEWEST
        : new Moments.Before(Times.parse("cursor", page.afterString(0)), page.afterLong(1));
  }

  /** The cursor after a conversation of a list. */
  static String cursor(JsonObject conversation) {
    return Page.cursor(conversation.getString("last_activity_at"), conversation.getLong("id"));
  }
}
