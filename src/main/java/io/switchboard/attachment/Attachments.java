package io.switchboard.attachment;

import io.switchboard.auth.Actor;
import io.switchboard.common.ApiError;
import io.switchboard.common.StoredFile;
import io.switchboard.db.Db;
import io.switchboard.db.Tx;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.util.List;

/**
 * Attachment rows: files agents upload to attach to a reply, who may download one, and linking uploads to the
 * message that sends them. The bytes themselves are the {@link AttachmentStore}'s.
 */
public final class Attachments {

  private Attachments() {
  }

  /**
   * The file of an attachment, for a member of the inbox its message belongs to, or its uploader before it is sent;
   * null when the actor may not see it, it does not exist, or its bytes were never stored.
   */
  public static Future<StoredFile> file(SqlClient c, AttachmentStore files, Actor a, long id) {
    return files.file(Db.one(c, """
        SELECT x.* FROM attachment x LEFT JOIN activity act ON act.id = x.activity_id
        WHERE x.id = $1 AND x.workspace_id = $2
          AND ((x.activity_id IS NULL AND x.uploaded_by = $3)
               OR EXISTS (SELECT 1 FROM membership m WHERE m.inbox_id = act.inbox_id AND m.user_id = $3))""",
        id, a.workspaceId(), a.userId()));
  }

  /** A file an agent sends: its name (no folders), its media type, its bytes. */
  public record Upload(String filename, String contentType, Buffer bytes) {
  }

  /** Stores an uploaded file (over the size limit: 413) and its row, not yet attached to anything; returns the row. */
  public static Future<JsonObject> upload(SqlClient c, AttachmentStore files, Actor a, Upload u) {
    return files.put(u.bytes()).compose(stored -> Db.one(c, """
        INSERT INTO attachment (workspace_id, uploaded_by, sha256, size, content_type, filename)
        VALUES ($1, $2, $3, $4, $5, $6) RETURNING *""", a.workspaceId(), a.userId(), stored.sha256(), stored.size(),
        u.contentType(), u.filename())).map(Attachments::json);
  }

  /**
   * Attaches files the user uploaded and has not attached elsewhere (nor reserved for a scheduled message) to an
   * activity; a 400 when any of them is not such a file.
   */
  public static Future<Void> link(Tx tx, long userId, long activityId, List<Long> ids) {
    return claim(tx, "activity_id", activityId, userId, ids);
  }

  /** Reserves such files for a scheduled message, which links them to its activity when it is sent. */
  public static Future<Void> reserve(Tx tx, long userId, long scheduledMessageId, List<Long> ids) {
    return claim(tx, "scheduled_message_id", scheduledMessageId, userId, ids);
  }

  /** Sets {@code column} (activity_id or scheduled_message_id, never input) on files the user uploaded that nothing holds yet. */
  private static Future<Void> claim(Tx tx, String column, long owner, long userId, List<Long> ids) {
    if (ids.isEmpty()) return Future.succeededFuture();
    String sql = "UPDATE attachment SET " + column + " = $1"
        + " WHERE id = ANY($2) AND uploaded_by = $3 AND activity_id IS NULL AND scheduled_message_id IS NULL";
    return Db.query(tx, sql, owner, ids.toArray(Long[]::new), userId).compose(rs -> rs.rowCount() == ids.size() ? Future.succeededFuture()
        : Future.failedFuture(ApiError.validation("attachments", "attachments must be files you uploaded and have not sent yet")));
  }

  private static JsonObject json(Row r) {
    return new JsonObject().put("id", r.getLong("id")).put("filename", r.getString("filename"))
        .put("content_type", r.getString("content_type")).put("size", r.getLong("size"))
        .put("status", r.getString("status")).put("url", "/api/v1/attachments/" + r.getLong("id"));
  }
}
