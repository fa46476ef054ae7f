package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.conversation.Tags;
import io.switchboard.conversation.Activities;
import io.switchboard.conversation.Conversations;
import io.switchboard.conversation.Timeline;
import io.switchboard.node.Node;
import io.switchboard.auth.Actor;
import io.switchboard.db.Db;
import io.switchboard.event.EventType;
import io.switchboard.event.EventLog;
import io.switchboard.event.Events;
import io.switchboard.http.Rest;
import io.switchboard.common.ApiError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import io.switchboard.db.Tx;


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
    return node.db().list("""
        SELECT t.id, t.name, count(c.id) AS conversations FROM tag t
        LEFT JOIN conversation_tag x ON x.tag_id = t.id
        LEFT JOIN conversation c ON c.id = x.conversation_id
          AND EXISTS (SELECT 1 FROM membership m WHERE m.inbox_id = c.inbox_id AND m.user_id = $2)
        WHERE t.workspace_id = $1 GROUP BY t.id, t.name ORDER BY t.name""", a.workspaceId(), a.userId())
        .map(rows -> {
          JsonArray items = new JsonArray();
          rows.forEach(r -> items.add(new JsonObject().put("id", r.getLong("id")).put("name", r.getString("name"))
              .put("conversations", r.getLong("conversations"))));
          return new JsonObject().put("items", items).put("next_cursor", null);
        });
  }

  private Future<?> change(RoutingContext ctx, boolean add) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "conversation");
    String tag = Tags.normal(ctx.pathParam("tag"));
    return node.db().tx(conn -> Conversations.visibleForUpdate(conn, a, id).compose(c -> {
      long inbox = c.getLong("inbox_id");
      Future<Boolean> changed = add ? Tags.add(conn, a.workspaceId(), a.userId(), id, tag) : Tags.remove(conn, id, tag);
      return changed.compose(did -> {
        if (!did) return Conversations.view(conn, id);
        String text = a.name() + (add ? " added the tag " : " removed the tag ") + tag;
        return Timeline.changed(conn, a.workspaceId(), inbox, id, List.of(Activities.Draft.system("user", a.userId(), a.name(), text,
            new JsonObject().put("change", add ? "tag_added" : "tag_removed").put("tag", tag))), List.of("tags"), null);
      });
    }));
  }

}
