package io.switchboard.auth;

import io.switchboard.common.ApiError;
import io.switchboard.common.Times;
import io.switchboard.db.Db;
import io.switchboard.db.Tx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.util.List;

/** The users of a workspace, and their JSON; never the password hash. */
public final class Users {

  private Users() {
  }

  /** A user's columns; {@code invited}: no password yet (they were invited by link and have not set one). */
  public static final String COLUMNS = "id, email, name, role, active, default_inbox_id, phone, created_at, last_seen_at, "
      + "password_hash IS NULL AS invited";

  /** The ids of the user's inboxes, for a query on {@code app_user} under its own name. */
  private static final String INBOX_IDS =
      ", ARRAY(SELECT m.inbox_id FROM membership m WHERE m.user_id = app_user.id ORDER BY m.inbox_id) AS inbox_ids";

  /** A page of the user list: the filter ({@code q} in name or e-mail, a role; null for any) and where it starts. */
  public record Search(String q, String role, String afterName, long afterId, int limit) {
  }

  /** A user with the key the list is sorted by (the name in lower case, as PostgreSQL folds it). */
  public record Listed(JsonObject user, String sortName) {
  }

  /** A new user; a null password hash makes an invited user, who sets their password through an invite link. */
  public record NewUser(String email, String name, String role, String passwordHash, String phone) {

    public NewUser withPasswordHash(String hash) {
      return new NewUser(email, name, role, hash, phone);
    }
  }

  /**
   * A change to a user: null leaves a field as it is; the default inbox and the phone change only when set (and
   * may be cleared).
   */
  public record Change(String email, String name, String role, String passwordHash, Boolean active,
                       boolean setsDefaultInbox, Long defaultInboxId, boolean setsPhone, String phone) {

    /** What deactivating a user changes. */
    public static Change deactivation() {
      return new Change(null, null, null, null, false, false, null, false, null);
    }

    /** What setting the default inbox changes. */
    public static Change defaultInbox(Long inboxId) {
      return new Change(null, null, null, null, null, true, inboxId, false, null);
    }
  }

  /** What sign-in needs of an active user. */
  public record SignIn(long id, long workspaceId, String role, String passwordHash) {
  }

  public static JsonObject json(Row r) {
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("email", r.getString("email"))
        .put("name", r.getString("name"))
        .put("role", r.getString("role"))
        .put("active", r.getBoolean("active"))
        .put("default_inbox_id", r.getLong("default_inbox_id"))
        .put("phone", r.getString("phone"))
        .put("created_at", Times.iso(r, "created_at"))
        .put("last_seen_at", Times.iso(r, "last_seen_at"))
        .put("status", status(r.getBoolean("active"), r.getBoolean("invited")));
  }

  /** deactivated, invited (no password set yet) or active. */
  private static String status(boolean active, boolean invited) {
    if (!active) return "deactivated";
    return invited ? "invited" : "active";
  }

  /** A user with the ids of their inboxes ({@code inbox_ids}). */
  private static JsonObject withInboxes(Row r) {
    JsonArray inboxes = new JsonArray();
    for (Long id : r.getArrayOfLongs("inbox_ids")) inboxes.add(id);
    return json(r).put("inbox_ids", inboxes);
  }

  public static Future<List<Listed>> list(SqlClient c, long workspaceId, Search s) {
    return Db.list(c, "SELECT " + COLUMNS + INBOX_IDS + """
        , lower(name) AS sort FROM app_user
        WHERE workspace_id = $1
          AND ($2::text IS NULL OR name ILIKE $2 OR email ILIKE $2)
          AND ($3::text IS NULL OR role = $3)
          AND (lower(name), id) > ($4, $5)
        ORDER BY lower(name), id LIMIT $6""", workspaceId, Db.contains(s.q()), s.role(), s.afterName(),
        s.afterId(), s.limit())
        .map(rows -> rows.stream().map(r -> new Listed(withInboxes(r), r.getString("sort"))).toList());
  }

  /** The user of the workspace, with {@code inbox_ids}; 404 when there is none. */
  public static Future<JsonObject> get(SqlClient c, long workspaceId, long id) {
    return Db.one(c, "SELECT " + COLUMNS + INBOX_IDS + " FROM app_user WHERE id = $1 AND workspace_id = $2", id, workspaceId).map(r -> {
      if (r == null) throw ApiError.notFound("user");
      return withInboxes(r);
    });
  }

  /** The user for an update: locked until the transaction ends, so two changes of one user's inboxes run one after the other. */
  public static Future<JsonObject> lock(Tx conn, long workspaceId, long id) {
    return Db.one(conn, "SELECT " + COLUMNS + INBOX_IDS + " FROM app_user WHERE id = $1 AND workspace_id = $2 FOR UPDATE",
        id, workspaceId).map(r -> {
          if (r == null) throw ApiError.notFound("user");
          return withInboxes(r);
        });
  }

  /** Sets the password of a user who had none (an invited user); false when they have one already. */
  public static Future<Boolean> setFirstPassword(Tx conn, long userId, String passwordHash) {
    return Db.one(conn, "UPDATE app_user SET password_hash = $2, updated_at = now() WHERE id = $1 AND password_hash IS NULL "
        + "AND active RETURNING id", userId, passwordHash).map(r -> r != null);
  }

  public static Future<JsonObject> create(Tx conn, long workspaceId, NewUser u) {
    return Db.one(conn, "INSERT INTO app_user (workspace_id, email, name, role, password_hash, phone) VALUES ($1, $2, $3, $4, $5, $6) RETURNING "
        + COLUMNS, workspaceId, u.email(), u.name(), u.role(), u.passwordHash(), u.phone()).map(Users::json);
  }

  /** Applies the change; returns the user as it is now. */
  public static Future<JsonObject> update(Tx conn, long id, Change c) {
    return Db.one(conn, """
        UPDATE app_user SET email = COALESCE($2, email), name = COALESCE($3, name), role = COALESCE($4, role),
          password_hash = COALESCE($5, password_hash), active = COALESCE($6, active),
          default_inbox_id = CASE WHEN $7 THEN $8 ELSE default_inbox_id END,
          phone = CASE WHEN $9 THEN $10 ELSE phone END, updated_at = now()
        WHERE id = $1 RETURNING\s""" + COLUMNS, id, c.email(), c.name(), c.role(), c.passwordHash(), c.active(),
        c.setsDefaultInbox(), c.defaultInboxId(), c.setsPhone(), c.phone())
        .map(r -> r == null ? null : json(r));
  }

  /** The workspace must keep at least one active admin: fails when the change would take away the last one. */
  public static Future<Void> keepAnAdmin(Tx conn, long workspaceId, long userId, String newRole, Boolean active) {
    boolean losesAdmin = (newRole != null && !newRole.equals("admin")) || Boolean.FALSE.equals(active);
    if (!losesAdmin) return Future.succeededFuture();
    // lock the admins so two concurrent demotions cannot both pass
    return Db.list(conn, "SELECT id FROM app_user WHERE workspace_id = $1 AND role = 'admin' AND active FOR UPDATE", workspaceId)
        .compose(rows -> {
          boolean isAdmin = rows.stream().anyMatch(r -> r.getLong("id") == userId);
          if (isAdmin && rows.size() == 1) {
            return Future.failedFuture(ApiError.conflict("role", "the workspace must keep at least one active admin"));
          }
          return Future.succeededFuture();
        });
  }

  /** The active user with this e-mail (lower case), or null. */
  public static Future<SignIn> signIn(SqlClient c, String email) {
    return Db.one(c, "SELECT id, workspace_id, role, password_hash FROM app_user WHERE lower(email) = $1 AND active", email)
        .map(r -> r == null ? null
            : new SignIn(r.getLong("id"), r.getLong("workspace_id"), r.getString("role"), r.getString("password_hash")));
  }

  public static Future<String> passwordHash(SqlClient c, long id) {
    return Db.one(c, "SELECT password_hash FROM app_user WHERE id = $1", id).map(r -> r.getString("password_hash"));
  }

  /** A user with the permissions of {@code role} and the inboxes they are a member of. */
  public static Future<JsonObject> profile(SqlClient c, Roles roles, long userId, String role) {
    return Db.one(c, "SELECT " + COLUMNS + ", ARRAY(SELECT inbox_id FROM membership WHERE user_id = $1 ORDER BY inbox_id) AS inboxes "
        + "FROM app_user WHERE id = $1", userId).map(r -> {
          JsonObject u = json(r);
          JsonArray perms = new JsonArray();
          roles.permissions(role).forEach(p -> perms.add(p.key));
          u.put("permissions", perms);
          JsonArray inboxes = new JsonArray();
          for (Long id : r.getArrayOfLongs("inboxes")) inboxes.add(id);
          u.put("inbox_ids", inboxes);
          return u;
        });
  }

  /** Whether every one of the ids is an active user of the workspace. */
  public static Future<Boolean> allActive(SqlClient c, long workspaceId, List<Long> ids) {
    return Db.one(c, "SELECT count(*) FROM app_user WHERE workspace_id = $1 AND active AND id = ANY($2)",
        workspaceId, ids.toArray(Long[]::new)).map(r -> r.getLong(0) == ids.stream().distinct().count());
  }

  /** The active users of the workspace as {@code user_id} and {@code name}, by name. */
  public static Future<List<JsonObject>> active(SqlClient c, long workspaceId) {
    return Db.list(c, "SELECT id, name FROM app_user WHERE workspace_id = $1 AND active ORDER BY lower(name), id", workspaceId)
        .map(rows -> rows.stream().map(r -> new JsonObject().put("user_id", r.getLong("id")).put("name", r.getString("name"))).toList());
  }

  /** A user who leaves an inbox no longer starts from it. */
  public static Future<Void> clearDefaultInbox(Tx conn, long userId, long inboxId) {
    return Db.query(conn, "UPDATE app_user SET default_inbox_id = NULL WHERE id = $1 AND default_inbox_id = $2", userId, inboxId)
        .mapEmpty();
  }

  /** The actor for a row with the user's id, workspace_id, email, name and role. */
  static Actor actor(Row r, Roles roles, String csrfToken, boolean viaToken) {
    String role = r.getString("role");
    return new Actor(r.getLong("id"), r.getLong("workspace_id"), r.getString("email"), r.getString("name"), role,
        roles.permissions(role), csrfToken, viaToken);
  }
}
