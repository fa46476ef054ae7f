package io.switchboard.rest;

import io.switchboard.auth.Actor;
import io.switchboard.auth.web.Authenticator;
import io.switchboard.auth.PasswordRules;
import io.switchboard.auth.Permission;
import io.switchboard.auth.Users;
import io.switchboard.node.Node;
import io.switchboard.auth.Roles;
import io.switchboard.auth.Passwords;
import io.switchboard.audit.Audit;
import io.switchboard.db.Db;
import io.switchboard.event.UserSignals;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.common.ApiError;
import io.switchboard.common.Failures;
import io.switchboard.http.Input;
import io.switchboard.http.Page;
import io.switchboard.inbox.Addresses;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.switchboard.db.Tx;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code /api/v1/users}: everyone in a workspace can list its users (to assign, to mention); only
 * {@code settings.manage} creates, edits and deactivates them. Users are never deleted: their name stays on
 * what they wrote, so DELETE deactivates, ends their sessions and tokens, and disconnects their sockets.
 */
public final class UsersApi {

  private final Node node;
  private final Passwords passwords;
  private final Roles roles;

  private UsersApi(Node node, Passwords passwords, Roles roles) {
    this.node = node;
    this.passwords = passwords;
    this.roles = roles;
  }

  public static void mount(Router api, Node node, Passwords passwords, Roles roles) {
    UsersApi u = new UsersApi(node, passwords, roles);
    api.get("/users").handler(Rest.handle(u::list));
    api.post("/users").handler(Rest.handle(u::create));
    api.get("/users/:id").handler(Rest.handle(u::get));
    api.patch("/users/:id").handler(Rest.handle(u::update));
    api.delete("/users/:id").handler(Rest.handle(u::deactivate));
  }

  private Future<?> list(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    Page page = Page.of(ctx);
    String q = ctx.queryParams().get("q");
    String role = ctx.queryParams().get("role");
    String afterName = page.after() == null ? "" : page.afterString(0);
    long afterId = page.after() == null ? 0 : page.afterLong(1);
    return node.db().list("SELECT " + Users.COLUMNS + """
        , lower(name) AS sort FROM app_user
        WHERE workspace_id = $1
          AND ($2::text IS NULL OR name ILIKE $2 OR email ILIKE $2)
          AND ($3::text IS NULL OR role = $3)
          AND (lower(name), id) > ($4, $5)
        ORDER BY lower(name), id LIMIT $6""", a.workspaceId(), Db.contains(q), blankToNull(role), afterName, afterId,
        page.limit() + 1)
        .map(rows -> page.result(rows, Users::json, r -> Page.cursor(r.getString("sort"), r.getLong("id"))));
  }

  private Future<?> get(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "user");
    return load(a, id).map(Users::json);
  }

  private Future<Row> load(Actor a, long id) {
    return node.db().one("SELECT " + Users.COLUMNS + " FROM app_user WHERE id = $1 AND workspace_id = $2", id, a.workspaceId())
        .map(r -> {
          if (r == null) throw ApiError.notFound("user");
          return r;
        });
  }

  private Future<?> create(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.SETTINGS_MANAGE);
    Input in = Input.of(ctx);
    String email = Addresses.email("email", in.text("email", 254));
    String name = in.text("name", 200).trim();
    String role = in.oneOf("role", roles.names());
    String password = in.text("password", 1024);
    PasswordRules.check("password", password, email);
    Long defaultInbox = in.optId("default_inbox_id");
    if (defaultInbox != null) {
      throw ApiError.validation("default_inbox_id", "a new user is not a member of any inbox yet; add memberships first");
    }
    String phone = phone(node, in);
    return passwords.hash(password).compose(hash -> node.db().tx(conn ->
        Rest.orConflict(Db.one(conn, "INSERT INTO app_user (workspace_id, email, name, role, password_hash, phone) VALUES ($1, $2, $3, $4, $5, $6) RETURNING "
            + Users.COLUMNS, a.workspaceId(), email, name, role, hash, phone), "email", "a user with this e-mail already exists")
            .compose(r -> Audit.record(conn, a, "user.created", "user", r.getLong("id"),
                new JsonObject().put("email", email).put("role", role)).map(r))))
        .map(r -> Reply.created(Users.json(r)));
  }

  private Future<?> update(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "user");
    Input in = Input.of(ctx);
    boolean self = id == a.userId();
    boolean admin = a.can(Permission.SETTINGS_MANAGE);
    for (String f : new String[] {"email", "role", "password", "active"}) {
      if (in.has(f) && !admin) throw ApiError.forbidden("your role does not allow changing " + f + " (needs settings.manage)");
    }
    if (!self && !admin) throw ApiError.forbidden("you can only change your own profile");
    String email = in.has("email") ? Addresses.email("email", in.text("email", 254)) : null;
    String name = in.has("name") ? in.text("name", 200).trim() : null;
    String role = in.optOneOf("role", roles.names());
    String password = in.optText("password", 1024);
    // without a new e-mail, the stored one is what the password is held against (below, once loaded)
    if (password != null) PasswordRules.check("password", password, email);
    Boolean active = in.optBool("active");
    if (self && Boolean.FALSE.equals(active)) throw ApiError.validation("active", "you cannot deactivate yourself");
    Long defaultInbox = in.optId("default_inbox_id");
    String phone = phone(node, in);
    // who changes their own password stays signed in with what they sent it with; everything else of theirs ends
    byte[] keep = self ? Authenticator.credentialKey(ctx.request(), a) : null;
    List<String> endedSessions = new ArrayList<>();
    return load(a, id)
        .map(before -> {
          if (password != null && email == null) PasswordRules.check("password", password, before.getString("email"));
          return before;
        })
        .compose(before -> checkDefaultInbox(node, id, defaultInbox).map(before))
        .compose(before -> (password == null ? Future.succeededFuture((String) null) : passwords.hash(password))
            .compose(hash -> node.db().tx(conn -> keepsAnAdmin(conn, a.workspaceId(), id, role, active)
                .compose(v -> Rest.orConflict(Db.one(conn, """
                    UPDATE app_user SET email = COALESCE($2, email), name = COALESCE($3, name), role = COALESCE($4, role),
                      password_hash = COALESCE($5, password_hash), active = COALESCE($6, active),
                      default_inbox_id = CASE WHEN $7 THEN $8 ELSE default_inbox_id END,
                      phone = CASE WHEN $9 THEN $10 ELSE phone END, updated_at = now()
                    WHERE id = $1 RETURNING\s""" + Users.COLUMNS, id, email, name, role, hash, active,
                    in.has("default_inbox_id"), defaultInbox, in.has("phone"), phone), "email", "a user with this e-mail already exists"))
                .compose(r -> afterAccessChange(conn, id, r.getBoolean("active"), password != null, keep)
                    .compose(ended -> {
                      endedSessions.addAll(ended);
                      return Audit.record(conn, a, "user.updated", "user", id, changes(before, r, password != null));
                    })
                    .map(r)))))
        .map(r -> {
          if (!r.getBoolean("active")) UserSignals.deactivated(node.vertx(), id);
          else UserSignals.sessionsEnded(node.vertx(), id, endedSessions);
          return Users.json(r);
        });
  }

  private Future<?> deactivate(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.SETTINGS_MANAGE);
    long id = Rest.pathId(ctx, "id", "user");
    if (id == a.userId()) throw ApiError.validation(null, "you cannot deactivate yourself");
    return load(a, id).compose(before -> node.db().tx(conn -> keepsAnAdmin(conn, a.workspaceId(), id, null, false)
            .compose(v -> Db.one(conn, "UPDATE app_user SET active = false, updated_at = now() WHERE id = $1 RETURNING " + Users.COLUMNS, id))
            .compose(r -> afterAccessChange(conn, id, false, false, null)
                .compose(v -> Audit.record(conn, a, "user.deactivated", "user", id, new JsonObject().put("email", r.getString("email"))))
                .map(r))))
        .map(r -> {
          UserSignals.deactivated(node.vertx(), id);
          return null;
        });
  }

  /**
   * What a change of access ends, in the transaction of the change: deactivation ends every session and personal
   * token of the user, a new password every one but {@code keep} (the key of the credential that changed one's own
   * password; null for none). Returns the keys (hex) of the sessions ended.
   */
  static Future<List<String>> afterAccessChange(Tx conn, long userId, boolean active, boolean passwordChanged,
                                                 byte[] keep) {
    if (active && !passwordChanged) return Future.succeededFuture(List.of());
    return Db.list(conn, "DELETE FROM session WHERE user_id = $1 AND token_hash IS DISTINCT FROM $2 RETURNING token_hash", userId, keep)
        .compose(ended -> Db.query(conn, """
            UPDATE access_token SET revoked_at = now()
            WHERE user_id = $1 AND revoked_at IS NULL AND token_hash IS DISTINCT FROM $2""", userId, keep)
            .map(v -> ended.stream().map(r -> HexFormat.of().formatHex(r.getBuffer("token_hash").getBytes())).toList()));
  }

  /** The workspace must keep at least one active admin. */
  private static Future<Void> keepsAnAdmin(Tx conn, long workspaceId, long userId, String newRole, Boolean active) {
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

  /** A default inbox must be one the user is a member of. */
  static Future<Void> checkDefaultInbox(Node node, long userId, Long inboxId) {
    if (inboxId == null) return Future.succeededFuture();
    return node.db().one("SELECT 1 FROM membership WHERE user_id = $1 AND inbox_id = $2", userId, inboxId).compose(r -> r != null
        ? Future.succeededFuture()
        : Future.failedFuture(ApiError.validation("default_inbox_id", "the default inbox must be an inbox the user is a member of")));
  }

  /**
   * The user's own phone number (E.164), rung for their inbound calls and click-to-call; null clears it. Read in the
   * hub's default region when typed without a country code.
   */
  static String phone(Node node, Input in) {
    String raw = in.optText("phone", 40);
    return raw == null || raw.isBlank() ? null : Addresses.phone("phone", raw, node.config().phone().defaultRegion());
  }

  private static JsonObject changes(Row before, Row after, boolean passwordChanged) {
    JsonObject c = new JsonObject();
    for (String f : new String[] {"email", "name", "role", "phone"}) {
      if (!java.util.Objects.equals(before.getString(f), after.getString(f))) c.put(f, after.getString(f));
    }
    if (!before.getBoolean("active").equals(after.getBoolean("active"))) c.put("active", after.getBoolean("active"));
    if (!java.util.Objects.equals(before.getLong("default_inbox_id"), after.getLong("default_inbox_id"))) {
      c.put("default_inbox_id", after.getLong("default_inbox_id"));
    }
    if (passwordChanged) c.put("password", "changed");
    return c;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
