package io.switchboard.conversation;

import io.switchboard.common.ApiError;
import io.switchboard.db.Db;
import io.switchboard.db.Tx;
import io.vertx.core.Future;

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
