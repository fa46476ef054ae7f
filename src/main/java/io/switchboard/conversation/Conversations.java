package io.switchboard.conversation;

import io.switchboard.auth.Actor;
import io.switchboard.db.Db;
import io.switchboard.common.ApiError;
import io.switchboard.common.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.util.Set;

/** Conversations as the API and the live stream show them, and who may see one. */
public final class Conversations {

  public static final Set<String> STATUSES = Set.of("open", "pending", "snoozed", "resolved");
  public static final Set<String> PRIORITIES = Set.of("none", "low", "medium", "high", "urgent");

  private Conversations() {
  }

  /** A conversation with what a list row or a header needs: contact, endpoint, tags, last message. Alias c. */
  public static final String VIEW = """
      SELECT c.id, c.workspace_id, c.inbox_id, c.endpoint_id, c.contact_id, c.channel, c.contact_address, c.subject,
        c.status, c.priority, c.assignee_id, c.snoozed_until, c.last_activity_at, c.last_incoming_at, c.created_at,
        c.updated_at, ct.name AS contact_name, ct.email AS contact_email, ct.phone AS contact_phone,
        ct.company AS contact_company, ct.blocked AS contact_blocked, e.address AS endpoint_address,
        e.name AS endpoint_name, e.enabled AS endpoint_enabled, e.disabled_reason AS endpoint_disabled_reason,
        u.name AS assignee_name,
        ARRAY(SELECT t.name FROM conversation_tag x JOIN tag t ON t.id = x.tag_id
              WHERE x.conversation_id = c.id ORDER BY t.name) AS tags,
        (SELECT json_build_object('id', a.id, 'kind', a.kind, 'direction', a.direction, 'status', a.status,
                  'text', left(a.text, 200), 'created_at', a.created_at)
         FROM activity a WHERE a.conversation_id = c.id AND a.kind <> 'system' ORDER BY a.id DESC LIMIT 1) AS last_message
      FROM conversation c
      JOIN contact ct ON ct.id = c.contact_id
      JOIN endpoint e ON e.id = c.endpoint_id
      LEFT JOIN app_user u ON u.id = c.assignee_id
      """;

  public static Future<JsonObject> view(SqlClient c, long id) {
    return Db.one(c, VIEW + " WHERE c.id = $1", id).map(r -> r == null ? null : json(r));
  }

  /** The conversation row (c.*) if the actor is a member of its inbox; 404 otherwise. */
  public static Future<Row> visible(SqlClient c, Actor a, long id) {
    return Db.one(c, """
        SELECT c.* FROM conversation c JOIN membership m ON m.inbox_id = c.inbox_id AND m.user_id = $2
        WHERE c.id = $1 AND c.workspace_id = $3""", id, a.userId(), a.workspaceId())
        .map(r -> {
          if (r == null) throw ApiError.notFound("conversation");
          return r;
        });
  }

  /** As {@link #visible}, locking the row for an update in the caller's transaction. */
  public static Future<Row> visibleForUpdate(SqlClient c, Actor a, long id) {
    return Db.one(c, """
        SELECT c.* FROM conversation c JOIN membership m ON m.inbox_id = c.inbox_id AND m.user_id = $2
        WHERE c.id = $1 AND c.workspace_id = $3 FOR UPDATE OF c""", id, a.userId(), a.workspaceId())
        .map(r -> {
          if (r == null) throw ApiError.notFound("conversation");
          return r;
        });
  }

  public static JsonObject json(Row r) {
    JsonObject contact = new JsonObject().put("id", r.getLong("contact_id")).put("name", r.getString("contact_name"))
        .put("email", r.getString("contact_email")).put("phone", r.getString("contact_phone"))
        .put("company", r.getString("contact_company")).put("blocked", r.getBoolean("contact_blocked"));
    JsonObject endpoint = new JsonObject().put("id", r.getLong("endpoint_id")).put("address", r.getString("endpoint_address"))
        .put("name", r.getString("endpoint_name")).put("enabled", r.getBoolean("endpoint_enabled"))
        .put("disabled_reason", r.getString("endpoint_disabled_reason"));
    JsonObject o = json(r, contact, endpoint, r.getValue("last_message") == null ? null : r.getJsonObject("last_message"));
    if (r.getColumnIndex("unread") >= 0) o.put("unread", r.getLong("unread"));
    return o;
  }

  /**
   * A conversation from its own columns (plus {@code assignee_name} and {@code tags}) and the contact, endpoint and
   * last message as already known, for writers that have them at hand.
   */
  public static JsonObject json(Row r, JsonObject contact, JsonObject endpoint, JsonObject lastMessage) {
    return json(r, "", contact, endpoint, lastMessage);
  }

  /** As above, reading the conversation's columns under a name prefix (when one query returns several rows' columns). */
  public static JsonObject json(Row r, String p, JsonObject contact, JsonObject endpoint, JsonObject lastMessage) {
    JsonArray tags = new JsonArray();
    String[] names = r.getArrayOfStrings(p + "tags");
    if (names != null) for (String t : names) tags.add(t);
    return new JsonObject()
        .put("id", r.getLong(p + "id"))
        .put("inbox_id", r.getLong(p + "inbox_id"))
        .put("endpoint_id", r.getLong(p + "endpoint_id"))
        .put("contact_id", r.getLong(p + "contact_id"))
        .put("channel", r.getString(p + "channel"))
        .put("contact_address", r.getString(p + "contact_address"))
        .put("subject", r.getString(p + "subject"))
        .put("status", r.getString(p + "status"))
        .put("priority", r.getString(p + "priority"))
        .put("assignee_id", r.getLong(p + "assignee_id"))
        .put("assignee_name", r.getString(p + "assignee_name"))
        .put("snoozed_until", Times.iso(r, p + "snoozed_until"))
        .put("tags", tags)
        .put("contact", contact)
        .put("endpoint", endpoint)
        .put("last_message", lastMessage)
        .put("last_activity_at", Times.iso(r, p + "last_activity_at"))
        .put("last_incoming_at", Times.iso(r, p + "last_incoming_at"))
        .put("created_at", Times.iso(r, p + "created_at"))
        .put("updated_at", Times.iso(r, p + "updated_at"));
  }
}
