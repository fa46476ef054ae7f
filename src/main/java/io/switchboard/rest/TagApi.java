package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.conversation.Tags;
import io.switchboard.node.Node;
import io.switchboard.auth.Actor;
import io.switchboard.http.Rest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;


/**
 * Tags on conversations: {@code PUT/DELETE /conversations/{id}/tags/{tag}} (idempotent, each change a system
 * activity and a {@code conversation.updated}), and {@code GET /tags}: the workspace's tags with how many
 * conversations the asking user can see carry each.
 */
public final class TagApi {

  private final Node node;

  private TagApi(Node node) {
    this.node = node;
  }

  public static void mount(Router api, Node node) {
    TagApi t = new TagApi(node);
    api.get("/tags").handler(Rest.handle(t::list));
    api.put("/conversations/:id/tags/:tag").handler(Rest.handle(ctx -> t.change(ctx, true)));
    api.delete("/conversations/:id/tags/:tag").handler(Rest.handle(ctx -> t.change(ctx, false)));
  }

  private Future<?> list(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    return Tags.list(node.db().pool(), a).map(items -> new JsonObject().put("items", items).put("next_cursor", null));
  }

  private Future<?> change(RoutingContext ctx, boolean add) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "conversation");
    String tag = Tags.normal(ctx.pathParam("tag"));
    return node.db().tx(tx -> Tags.change(tx, a, id, tag, add));
  }
}
