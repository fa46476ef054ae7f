package io.switchboard.conversation;

import io.switchboard.auth.Actor;
import io.switchboard.common.ApiError;
import io.switchboard.db.Db;
import io.switchboard.db.Tx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

import java.util.List;
import java.util.regex.Pattern;

/** Tags on conversations: a workspace's tag names, created on first use, and which conversations carry them. */
public final class Tags {

  private static final Pattern NAME = Pattern.compile("^[\\p{L}\\p{N}][\\p{L}\\p{N} _.:/-]{0,49}$");

  private Tags() {
  }

  /** A tag as it is stored: trimmed and lower-case; a 400 naming {@code tag} when it is not one. */
  public static String normal(String raw) {
    String t = raw == null ? "" : raw.trim().toLowerCase();
    if (!NAME.matcher(t).matches()) {
      throw ApiError.validation("tag", "a tag is 1–50 letters, digits, spaces or _ . : / -, starting with a letter or digit");
    }
    return t;
  }

  /** The workspace's tags, by name, each with how many of the conversations the actor can see carry it. */
  public static Future<JsonArray> list(SqlClient c, Actor a) {
    return Db.list(c, """
        SELECT t.id, t.name, count(c.id) AS conversations FROM tag t
        LEFT JOIN conversation_tag x ON x.tag_id = t.id
        LEFT JOIN conversation c ON c.id = x.conversation_id
          AND EXISTS (SELECT 1 FROM membership m WHERE m.inbox_id = c.inbox_id AND m.user_id = $2)
        WHERE t.workspace_id = $1 GROUP BY t.id, t.name ORDER BY t.name""", a.workspaceId(), a.userId())
        .map(rows -> {
          JsonArray items = new JsonArray();
          rows.forEach(r -> items.add(new JsonObject().put("id", r.getLong("id")).put("name", r.getString("name"))
              .put("conversations", r.getLong("conversations"))));
          return items;
        });
  }

  /**
   * An agent adds ({@code add}) or takes off a tag on a conversation they can see (404 otherwise). Idempotent: only
   * a real change is a system activity and a {@code conversation.updated}. Returns the conversation as it is now.
   */
  public static Future<JsonObject> change(Tx tx, Actor a, long conversationId, String tag, boolean add) {
    return Conversations.visibleForUpdate(tx, a, conversationId).compose(c -> {
      long inbox = c.getLong("inbox_id");
      Future<Boolean> changed = add ? add(tx, a.workspaceId(), a.userId(), conversationId, tag) : remove(tx, conversationId, tag);
      return changed.compose(did -> {
        if (!did) return Conversations.view(tx, conversationId);
        String text = a.name() + (add ? " added the tag " : " removed the tag ") + tag;
        return Timeline.changed(tx, a.workspaceId(), inbox, conversationId, List.of(Activities.Draft.system("user", a.userId(),
            a.name(), text, new JsonObject().put("change", add ? "tag_added" : "tag_removed").put("tag", tag))), List.of("tags"), null);
      });
    });
  }

  /** Adds a tag (creating it in the workspace if new); false when the conversation already had it. */
  public static Future<Boolean> add(Tx conn, long workspaceId, Long userId, long conversationId, String tag) {
    return Db.one(conn, """
        WITH t AS (INSERT INTO tag (workspace_id, name) VALUES ($1, $2)
                   ON CONFLICT (workspace_id, name) DO UPDATE SET name = EXCLUDED.name RETURNING id)
        INSERT INTO conversation_tag (workspace_id, conversation_id, tag_id, created_by)
        SELECT $1, $3, t.id, $4 FROM t ON CONFLICT DO NOTHING RETURNING tag_id""", workspaceId, tag, conversationId, userId)
        .map(r -> r != null);
  }

  /** Takes a tag off; false when the conversation did not have it. */
  public static Future<Boolean> remove(Tx conn, long conversationId, String tag) {
    return Db.query(conn, """
        DELETE FROM conversation_tag x USING tag t
        WHERE x.tag_id = t.id AND x.conversation_id = $1 AND t.name = $2""", conversationId, tag).map(rs -> rs.rowCount() > 0);
  }
}
