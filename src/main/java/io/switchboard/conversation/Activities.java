package io.switchboard.conversation;

import io.switchboard.db.Db;
import io.switchboard.event.EventType;
import io.switchboard.event.Events;
import io.switchboard.http.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;

/** Activities (messages, notes, calls, voicemails, system entries): how they are written, read and shown. */
public final class Activities {

  private Activities() {
  }

  /** Columns of an activity as the API shows it, with its attachments; alias {@code a}. */
  public static final String COLUMNS = """
      a.id, a.workspace_id, a.inbox_id, a.conversation_id, a.endpoint_id, a.kind, a.direction, a.status,
      a.sender_type, a.sender_id, a.sender_name, a.subject, a.text, a.html, a.provider_id, a.error_code,
      a.error_message, a.data, a.created_at, a.updated_at,
      COALESCE((SELECT json_agg(json_build_object('id', x.id, 'filename', x.filename, 'content_type', x.content_type,
                 'size', x.size, 'inline', x.inline, 'content_id', x.content_id, 'status', x.status, 'error', x.error) ORDER BY x.id)
                FROM attachment x WHERE x.activity_id = a.id), '[]') AS attachments""";

  /** What a new activity holds; ids of the conversation it joins come from the caller. */
  public record Draft(String kind, String direction, String status, String senderType, Long senderId, String senderName,
                      String subject, String text, String html, String providerId, JsonObject data) {

    public static Draft note(long userId, String userName, String text) {
      return new Draft("note", null, null, "user", userId, userName, null, text, null, null, new JsonObject());
    }

    public static Draft system(String actorType, Long actorId, String actorName, String text, JsonObject data) {
      return new Draft("system", null, null, actorType, actorId, actorName, null, text, null, null, data);
    }
  }

  /** Inserts an activity into a conversation; returns its id. */
  public static Future<Long> insert(SqlConnection conn, long workspaceId, long inboxId, long conversationId, Long endpointId,
                                    Draft d) {
    return Db.one(conn, """
        INSERT INTO activity (workspace_id, inbox_id, conversation_id, endpoint_id, kind, direction, status, sender_type,
          sender_id, sender_name, subject, text, html, provider_id, data)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id""",
        workspaceId, inboxId, conversationId, endpointId, d.kind(), d.direction(), d.status(), d.senderType(), d.senderId(),
        d.senderName(), d.subject(), d.text(), d.html(), d.providerId(), d.data() == null ? new JsonObject() : d.data())
        .map(r -> r.getLong(0));
  }

  public static Future<JsonObject> view(SqlClient c, long activityId) {
    return Db.one(c, "SELECT " + COLUMNS + " FROM activity a WHERE a.id = $1", activityId).map(r -> r == null ? null : json(r));
  }

  /** Appends {@code message.created} (any new activity) with the activity and its conversation. */
  public static Future<Void> created(SqlConnection conn, long workspaceId, long inboxId, long conversationId, long activityId) {
    return view(conn, activityId).compose(act -> Conversations.view(conn, conversationId).compose(conv ->
        Events.append(conn, workspaceId, inboxId, conversationId, EventType.MESSAGE_CREATED,
            new JsonObject().put("activity", act).put("conversation", conv))));
  }

  /** Appends {@code message.updated} with the activity as it is now. */
  public static Future<Void> updated(SqlConnection conn, long activityId) {
    return Db.one(conn, "SELECT " + COLUMNS + " FROM activity a WHERE a.id = $1", activityId).compose(r ->
        Events.append(conn, r.getLong("workspace_id"), r.getLong("inbox_id"), r.getLong("conversation_id"),
            EventType.MESSAGE_UPDATED, new JsonObject().put("activity", json(r))));
  }

  /** Records a system activity (status change, assignment, tag…) and its event. */
  public static Future<Void> system(SqlConnection conn, long workspaceId, long inboxId, long conversationId, Draft d) {
    return insert(conn, workspaceId, inboxId, conversationId, null, d)
        .compose(id -> created(conn, workspaceId, inboxId, conversationId, id));
  }

  public static JsonObject json(Row r) {
    JsonArray attachments = r.getJsonArray("attachments");
    JsonArray shown = new JsonArray();
    if (attachments != null) {
      for (Object o : attachments) {
        JsonObject x = ((JsonObject) o).copy();
        x.put("url", "/api/v1/attachments/" + x.getLong("id"));
        shown.add(x);
      }
    }
    JsonObject error = r.getString("error_code") == null && r.getString("error_message") == null ? null
        : new JsonObject().put("code", r.getString("error_code")).put("message", r.getString("error_message"));
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("conversation_id", r.getLong("conversation_id"))
        .put("inbox_id", r.getLong("inbox_id"))
        .put("endpoint_id", r.getLong("endpoint_id"))
        .put("kind", r.getString("kind"))
        .put("direction", r.getString("direction"))
        .put("status", r.getString("status"))
        .put("sender", new JsonObject().put("type", r.getString("sender_type")).put("id", r.getLong("sender_id"))
            .put("name", r.getString("sender_name")))
        .put("subject", r.getString("subject"))
        .put("text", r.getString("text"))
        .put("html", r.getString("html"))
        .put("provider_id", r.getString("provider_id"))
        .put("error", error)
        .put("attachments", shown)
        .put("data", r.getJsonObject("data"))
        .put("created_at", Times.iso(r, "created_at"))
        .put("updated_at", Times.iso(r, "updated_at"));
  }
}
