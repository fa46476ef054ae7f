package io.switchboard.conversation;

import io.switchboard.Hub;
import io.switchboard.auth.Actor;
import io.switchboard.db.Db;
import io.switchboard.event.EventType;
import io.switchboard.event.EventLog;
import io.switchboard.event.Events;
import io.switchboard.http.Api;
import io.switchboard.http.ApiError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import io.switchboard.db.Tx;

import java.util.regex.Pattern;

/**
 * Tags on conversations: {@code PUT/DELETE /conversations/{id}/tags/{tag}} (idempotent, each change a system
 * activity and a {@code conversation.updated}), and {@code GET /tags}: the workspace's tags with how many
 * conversations the asking user can see carry each.
 */
public final class TagApi {

  private static final Pattern NAME = Pattern.compile("^[\\p{L}\\p{N}][\\p{L}\\p{N} _.:/-]{0,49}$");

  private final Hub hub;

  private TagApi(Hub hub) {
    this.hub = hub;
  }

  public static void mount(Router api, Hub hub) {
    TagApi t = new TagApi(hub);
    api.get("/tags").handler(Api.handle(t::list));
    api.put("/conversations/:id/tags/:tag").handler(Api.handle(ctx -> t.change(ctx, true)));
    api.delete("/conversations/:id/tags/:tag").handler(Api.handle(ctx -> t.change(ctx, false)));
  }

  /** Tags are compared lower-case and trimmed, so "VIP" and "vip " are one tag. */
  public static String normal(String raw) {
    String t = raw == null ? "" : raw.trim().toLowerCase();
    if (!NAME.matcher(t).matches()) {
      throw ApiError.validation("tag", "a tag is 1–50 letters, digits, spaces or _ . : / -, starting with a letter or digit");
    }
    return t;
  }

  private Future<?> list(RoutingContext ctx) {
    Actor a = Actor.of(ctx);
    return hub.db.list("""
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
    Actor a = Actor.of(ctx);
    long id = Api.pathId(ctx, "id", "conversation");
    String tag = normal(ctx.pathParam("tag"));
    return hub.db.tx(conn -> Conversations.visibleForUpdate(conn, a, id).compose(c -> {
      long inbox = c.getLong("inbox_id");
      Future<Boolean> changed = add ? addTag(conn, a, id, tag) : removeTag(conn, id, tag);
      return changed.compose(did -> {
        if (!did) return Conversations.view(conn, id);
        String text = a.name() + (add ? " added the tag " : " removed the tag ") + tag;
        return Timeline.changed(conn, a.workspaceId(), inbox, id, List.of(Activities.Draft.system("user", a.userId(), a.name(), text,
            new JsonObject().put("change", add ? "tag_added" : "tag_removed").put("tag", tag))), List.of("tags"), null);
      });
    }));
  }

  /** Adds a tag (creating it in the workspace if new); false when the conversation already had it. */
  public static Future<Boolean> addTag(Tx conn, Actor a, long conversationId, String tag) {
    return addTag(conn, a.workspaceId(), a.userId(), conversationId, tag);
  }

  public static Future<Boolean> addTag(Tx conn, long workspaceId, Long userId, long conversationId, String tag) {
    return Db.one(conn, """
        WITH t AS (INSERT INTO tag (workspace_id, name) VALUES ($1, $2)
                   ON CONFLICT (workspace_id, name) DO UPDATE SET name = EXCLUDED.name RETURNING id)
        INSERT INTO conversation_tag (workspace_id, conversation_id, tag_id, created_by)
        SELECT $1, $3, t.id, $4 FROM t ON CONFLICT DO NOTHING RETURNING tag_id""", workspaceId, tag, conversationId, userId)
        .map(r -> r != null);
  }

  private static Future<Boolean> removeTag(Tx conn, long conversationId, String tag) {
    return Db.query(conn, """
        DELETE FROM conversation_tag x USING tag t
        WHERE x.tag_id = t.id AND x.conversation_id = $1 AND t.name = $2""", conversationId, tag).map(rs -> rs.rowCount() > 0);
  }
}
