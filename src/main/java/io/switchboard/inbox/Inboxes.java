package io.switchboard.inbox;

import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.common.ApiError;
import io.switchboard.common.Times;
import io.switchboard.db.Db;
import io.switchboard.db.Tx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.util.List;

/** Inboxes as the API shows them: with, for the asking user, their membership, the endpoints and counts. */
public final class Inboxes {

  /** A page of the inbox list: the filter ({@code q} in the name, a channel; null for any) and where it starts. */
  public record Search(String q, String channel, String afterName, long afterId, int limit) {
  }

  /** An inbox with the key the list is sorted by (the name in lower case, as PostgreSQL folds it). */
  public record Listed(JsonObject inbox, String sortName) {
  }

  /**
   * What an inbox is made of. On update a null name or colour stays as it is, business hours and call routing change
   * only when set (and may be cleared), and settings are merged key by key (a key set to null is removed).
   */
  public record Fields(String name, String color, boolean setsBusinessHours, JsonObject businessHours,
                       boolean setsCallRouting, JsonObject callRouting, JsonObject settings) {
  }

  private static final String DEFAULT_COLOR = "#4f46e5";

  /** Inbox columns plus, for the asking user, membership, endpoints and counts. $1 = user id. */
  private static final String SELECT = """
      SELECT i.id, i.name, i.color, i.business_hours, i.call_routing, i.settings, i.created_at, lower(i.name) AS sort,
        (m.user_id IS NOT NULL) AS member,
        (SELECT count(*) FROM membership mc JOIN app_user uc ON uc.id = mc.user_id AND uc.active
         WHERE mc.inbox_id = i.id) AS member_count,
        COALESCE((SELECT json_agg(json_build_object('id', e.id, 'channel', e.channel, 'address', e.address,
                   'name', e.name, 'primary', e.is_primary, 'enabled', e.enabled) ORDER BY e.id)
                  FROM endpoint e WHERE e.inbox_id = i.id), '[]') AS endpoints,
        CASE WHEN m.user_id IS NULL THEN NULL ELSE
          (SELECT count(*) FROM conversation c
           LEFT JOIN conversation_read r ON r.conversation_id = c.id AND r.user_id = $1
           WHERE c.inbox_id = i.id AND c.status <> 'resolved'
             AND c.last_incoming_at > COALESCE(r.last_read_at, '-infinity'::timestamptz)) END AS unread,
        CASE WHEN m.user_id IS NULL THEN NULL ELSE
          (SELECT count(*) FROM conversation c WHERE c.inbox_id = i.id AND c.status IN ('open', 'pending')) END AS open_count
      FROM inbox i LEFT JOIN membership m ON m.inbox_id = i.id AND m.user_id = $1
      """;

  private Inboxes() {
  }

  /** The inboxes the actor is a member of; every inbox of the workspace for {@code settings.manage}. */
  public static Future<List<Listed>> list(SqlClient c, Actor a, Search s) {
    return Db.list(c, SELECT + """
        WHERE i.workspace_id = $2 AND (m.user_id IS NOT NULL OR $3)
          AND ($4::text IS NULL OR i.name ILIKE $4)
          AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM endpoint e WHERE e.inbox_id = i.id AND e.channel = $5))
          AND (lower(i.name), i.id) > ($6, $7)
        ORDER BY lower(i.name), i.id LIMIT $8""",
        a.userId(), a.workspaceId(), a.can(Permission.SETTINGS_MANAGE), Db.contains(s.q()), s.channel(), s.afterName(),
        s.afterId(), s.limit())
        .map(rows -> rows.stream().map(r -> new Listed(json(r), r.getString("sort"))).toList());
  }

  /** The inbox as the actor sees it; 404 when the workspace has none with this id. */
  public static Future<JsonObject> load(SqlClient c, Actor a, long id) {
    return Db.one(c, SELECT + " WHERE i.id = $2 AND i.workspace_id = $3", a.userId(), id, a.workspaceId()).map(r -> {
      if (r == null) throw ApiError.notFound("inbox");
      return json(r);
    });
  }

  /** Adds an inbox (with the default colour and no settings unless given); returns its id. */
  public static Future<Long> create(Tx conn, long workspaceId, Fields f) {
    return Db.one(conn, """
        INSERT INTO inbox (workspace_id, name, color, business_hours, call_routing, settings)
        VALUES ($1, $2, $3, $4, $5, jsonb_strip_nulls($6::jsonb))
        RETURNING id""", workspaceId, f.name(), f.color() == null ? DEFAULT_COLOR : f.color(), f.businessHours(),
        f.callRouting(), f.settings() == null ? new JsonObject() : f.settings())
        .map(r -> r.getLong("id"));
  }

  public static Future<Void> update(Tx conn, long id, Fields f) {
    return Db.query(conn, """
        UPDATE inbox SET name = COALESCE($2, name), color = COALESCE($3, color),
          business_hours = CASE WHEN $4 THEN $5 ELSE business_hours END,
          call_routing = CASE WHEN $6 THEN $7 ELSE call_routing END,
          settings = jsonb_strip_nulls(settings || COALESCE($8::jsonb, '{}'::jsonb)), updated_at = now()
        WHERE id = $1""", id, f.name(), f.color(), f.setsBusinessHours(), f.businessHours(), f.setsCallRouting(),
        f.callRouting(), f.settings()).mapEmpty();
  }

  /** The names of those of the ids that are inboxes of the workspace, by id. */
  public static Future<java.util.Map<Long, String>> names(SqlClient c, long workspaceId, List<Long> ids) {
    return Db.list(c, "SELECT id, name FROM inbox WHERE workspace_id = $1 AND id = ANY($2)", workspaceId, ids.toArray(Long[]::new))
        .map(rows -> {
          java.util.Map<Long, String> out = new java.util.HashMap<>();
          rows.forEach(r -> out.put(r.getLong("id"), r.getString("name")));
          return out;
        });
  }

  /** Deletes the inbox and, with it, everything in it. */
  public static Future<Void> delete(Tx conn, long id) {
    return Db.query(conn, "DELETE FROM inbox WHERE id = $1", id).mapEmpty();
  }

  private static JsonObject json(Row r) {
    JsonObject o = new JsonObject()
        .put("id", r.getLong("id"))
        .put("name", r.getString("name"))
        .put("color", r.getString("color"))
        .put("business_hours", r.getJsonObject("business_hours"))
        .put("call_routing", r.getJsonObject("call_routing"))
        .put("settings", r.getJsonObject("settings"))
        .put("member", r.getBoolean("member"))
        .put("member_count", r.getLong("member_count"))
        .put("endpoints", r.getJsonArray("endpoints"))
        .put("created_at", Times.iso(r, "created_at"));
    if (r.getBoolean("member")) {
      o.put("unread", r.getLong("unread")).put("open_count", r.getLong("open_count"));
    }
    return o;
  }
}
