package io.switchboard.channel.widget;

import io.switchboard.conversation.Timeline;
import io.switchboard.conversation.Activities;
import io.switchboard.db.Db;
import io.switchboard.common.Times;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.util.ArrayList;
import java.util.List;

/**
 * What a visitor may read and change, always from the conversation their own identity leads to (never an id the
 * client names): their messages and the agents' sent replies, never notes, system entries or queued drafts.
 */
final class WidgetStore {

  /** The visitor's contact and their conversation on this widget (ids null when they never wrote). */
  record Visitor(Long contactId, String name, Long conversationId, Long inboxId, String agentReadAt) {
  }

  private static final String MESSAGE_COLUMNS = """
      a.id, a.direction, a.status, a.sender_name, a.text, a.provider_id, a.created_at,
      COALESCE((SELECT json_agg(json_build_object('id', x.id, 'filename', x.filename, 'content_type', x.content_type,
                 'size', x.size) ORDER BY x.id)
                FROM attachment x WHERE x.activity_id = a.id AND x.status = 'stored'), '[]') AS attachments""";

  /** Messages a visitor sees: theirs, and replies that have left the hub. */
  private static final String VISIBLE = """
      a.kind = 'message' AND (a.direction = 'in' OR a.status IN ('sent', 'delivered', 'read'))""";

  private final Db db;

  WidgetStore(Db db) {
    this.db = db;
  }

  Future<Visitor> visitor(Endpoint ep, String address) {
    return db.one("""
        SELECT ct.id AS contact_id, ct.name, c.id AS conversation_id, c.inbox_id,
          (SELECT max(r.last_read_at) FROM conversation_read r WHERE r.conversation_id = c.id) AS agent_read_at
        FROM contact_identity i JOIN contact ct ON ct.id = i.contact_id
        LEFT JOIN conversation c ON c.contact_id = ct.id AND c.endpoint_id = $3
        WHERE i.workspace_id = $1 AND i.channel = 'widget' AND i.address = $2""", ep.workspaceId(), address, ep.id())
        .map(r -> r == null ? new Visitor(null, null, null, null, null)
            : new Visitor(r.getLong("contact_id"), r.getString("name"), r.getLong("conversation_id"), r.getLong("inbox_id"),
                Times.iso(r, "agent_read_at")));
  }

  /** Up to {@code limit} messages before {@code beforeId}, oldest first, and whether there are older ones. */
  Future<JsonObject> history(Endpoint ep, long conversationId, long beforeId, int limit) {
    return db.list("SELECT " + MESSAGE_COLUMNS + " FROM activity a WHERE a.conversation_id = $1 AND " + VISIBLE
        + " AND a.id < $2 ORDER BY a.id DESC LIMIT $3", conversationId, beforeId, limit + 1).map(rows -> {
          boolean more = rows.size() > limit;
          List<Row> page = new ArrayList<>(rows.subList(0, Math.min(limit, rows.size())));
          JsonArray messages = new JsonArray();
          for (int i = page.size() - 1; i >= 0; i--) messages.add(message(ep, page.get(i)));
          return new JsonObject().put("messages", messages).put("more", more);
        });
  }

  /** One message as the visitor sees it. */
  Future<JsonObject> message(Endpoint ep, long activityId) {
    return db.one("SELECT " + MESSAGE_COLUMNS + " FROM activity a WHERE a.id = $1", activityId)
        .map(r -> r == null ? null : message(ep, r));
  }

  static JsonObject message(Endpoint ep, Row r) {
    boolean in = "in".equals(r.getString("direction"));
    JsonObject m = new JsonObject()
        .put("id", r.getLong("id"))
        .put("from", in ? "visitor" : "agent")
        .put("text", r.getString("text"))
        .put("name", in ? null : r.getString("sender_name"))
        .put("status", r.getString("status"))
        .put("created_at", Times.iso(r, "created_at"));
    String provider = r.getString("provider_id");
    if (in && provider != null && provider.indexOf(':') > 0) m.put("client_id", provider.substring(provider.indexOf(':') + 1));
    JsonArray files = new JsonArray();
    JsonArray raw = r.getJsonArray("attachments");
    if (raw != null) {
      for (Object o : raw) {
        JsonObject x = (JsonObject) o;
        files.add(file(ep, x.getLong("id"), x.getString("filename"), x.getString("content_type"), x.getLong("size")));
      }
    }
    return m.put("attachments", files);
  }

  /** An attachment for a visitor, with a link only they were given (it is signed with the widget secret). */
  static JsonObject file(Endpoint ep, long id, String filename, String contentType, Long size) {
    return new JsonObject().put("id", id).put("filename", filename).put("content_type", contentType).put("size", size)
        .put("url", "/widget/files/" + id + "?key=" + ep.address() + "&sig=" + VisitorTokens.fileSignature(ep, id));
  }

  /**
   * The visitor's browser confirmed replies up to {@code upTo}: {@code delivered} (received) or {@code read} (shown
   * with the panel open). Never moves a status backwards; each change is a live {@code message.updated}.
   */
  Future<Integer> receipt(long conversationId, long upTo, boolean read) {
    String[] from = read ? new String[] {"queued", "sent", "delivered"} : new String[] {"queued", "sent"};
    String key = read ? "read_at" : "delivered_at";
    return db.tx(conn -> Db.list(conn, """
            UPDATE activity SET status = $3, data = data || jsonb_build_object($4::text, now()), updated_at = now()
            WHERE id IN (SELECT id FROM activity WHERE conversation_id = $1 AND id <= $2 AND kind = 'message'
                           AND direction = 'out' AND status = ANY($5) ORDER BY id DESC LIMIT 100 FOR UPDATE)
            RETURNING id""", conversationId, upTo, read ? "read" : "delivered", key, from)
        .compose(rows -> {
          Future<Void> f = Future.succeededFuture();
          for (Row r : rows) f = f.compose(v -> Timeline.updated(conn, r.getLong(0)));
          return f.map(rows.size());
        }));
  }

  /** An identified visitor's verified e-mail fills the contact's when it has none. */
  Future<Void> rememberEmail(long contactId, String email) {
    return db.query("UPDATE contact SET email = $2, updated_at = now() WHERE id = $1 AND email IS NULL", contactId, email)
        .mapEmpty();
  }

  /** The file behind a visitor's link, if it belongs to a message of a conversation on this widget. */
  Future<Row> file(Endpoint ep, long attachmentId) {
    return db.one("""
        SELECT x.* FROM attachment x JOIN activity a ON a.id = x.activity_id JOIN conversation c ON c.id = a.conversation_id
        WHERE x.id = $1 AND c.endpoint_id = $2 AND a.kind = 'message' AND x.status = 'stored'""", attachmentId, ep.id());
  }
}
