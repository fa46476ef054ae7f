package io.switchboard.rest;

import io.switchboard.auth.Actor;
import io.switchboard.auth.web.Authenticator;
import io.switchboard.auth.PasswordRules;
import io.switchboard.auth.Passwords;
import io.switchboard.auth.Secrets;
import io.switchboard.auth.Users;
import io.switchboard.node.Node;
import io.switchboard.event.UserSignals;
import io.switchboard.auth.LoginLimiter;
import io.switchboard.auth.Roles;
import io.switchboard.db.Db;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.common.ApiError;
import io.switchboard.http.Input;
import io.switchboard.http.Page;
import io.switchboard.common.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;

/** Sign-in, sign-out, the current user, and personal access tokens. */
public final class AuthApi {

  private final Node node;
  private final Authenticator auth;
  private final Passwords passwords;
  private final Roles roles;
  private final LoginLimiter loginLimiter;

  private AuthApi(Node node, Authenticator auth, Passwords passwords, Roles roles, LoginLimiter loginLimiter) {
    this.node = node;
    this.auth = auth;
    this.passwords = passwords;
    this.roles = roles;
    this.loginLimiter = loginLimiter;
  }

  /** Routes that need no user: mounted before the authentication handler. */
  public static void mountPublic(Router api, Node node, Authenticator auth, Passwords passwords, Roles roles, LoginLimiter loginLimiter) {
    AuthApi a = new AuthApi(node, auth, passwords, roles, loginLimiter);
    api.post("/auth/login").handler(Rest.handle(a::login));
    api.post("/auth/logout").handler(Rest.handle(a::logout));
  }

  public static void mount(Router api, Node node, Authenticator auth, Passwords passwords, Roles roles, LoginLimiter loginLimiter) {
    AuthApi a = new AuthApi(node, auth, passwords, roles, loginLimiter);
    api.get("/me").handler(Rest.handle(a::me));
    api.patch("/me").handler(Rest.handle(a::updateMe));
    api.get("/tokens").handler(Rest.handle(a::listTokens));
    api.post("/tokens").handler(Rest.handle(a::createToken));
    api.delete("/tokens/:id").handler(Rest.handle(a::revokeToken));
  }

  private Future<?> login(RoutingContext ctx) {
    Input in = Input.of(ctx);
    String email = in.text("email", 254).trim().toLowerCase(Locale.ROOT);
    String password = in.text("password", 1024);
    String ip = auth.clientIp(ctx.request());
    // a node already checking all the passwords it takes on refuses at once, before any database work
    Passwords.Place place = passwords.place();
    if (place == null) return Future.failedFuture(ApiError.rateLimited(1));
    return loginLimiter.begin(email, ip).compose(attempt -> {
      if (attempt.refused()) return Future.failedFuture(ApiError.rateLimited(attempt.retryAfter()));
      return node.db().one("SELECT " + Users.COLUMNS + ", workspace_id, password_hash FROM app_user WHERE lower(email) = $1 AND active",
              email)
          .compose(user -> place.verify(password, user == null ? null : user.getString("password_hash")).map(ok -> ok ? user : null))
          // not checked after all (the look-up or the check failed): the attempt does not count
          .recover(t -> loginLimiter.takeBack(attempt).transform(ar -> Future.failedFuture(t)))
          .compose(user -> {
            if (user == null) return Future.failedFuture(ApiError.unauthorized("wrong e-mail or password"));
            return loginLimiter.succeeded(email, attempt)
                .compose(v -> auth.startSession(user.getLong("id"), user.getLong("workspace_id"), ctx.request(), ctx.response()))
                .compose(csrf -> profile(user.getLong("id"), user.getString("role"))
                    .map(u -> new JsonObject().put("user", u).put("csrf_token", csrf)));
          });
    }).onComplete(ar -> place.release());
  }

  private Future<?> logout(RoutingContext ctx) {
    return auth.endSession(ctx.request(), ctx.response()).map(ended -> {
      if (ended != null) {
        // the session's live sockets close too
        node.vertx().eventBus().publish(io.switchboard.event.Events.userAddress(Long.parseLong(ended[0])),
            new JsonObject().put("type", "session.ended").put("session", ended[1]).encode());
      }
      return null;
    });
  }

  private Future<?> me(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    return profile(a.userId(), a.role()).map(u -> {
      JsonObject out = new JsonObject().put("user", u);
      if (!a.viaToken()) out.put("csrf_token", a.csrfToken());
      return out;
    });
  }

  /** A user with their permissions and the inboxes they are a member of. */
  private Future<JsonObject> profile(long userId, String role) {
    return node.db().one("SELECT " + Users.COLUMNS + ", ARRAY(SELECT inbox_id FROM membership WHERE user_id = $1 ORDER BY inbox_id) AS inboxes "
        + "FROM app_user WHERE id = $1", userId).map(r -> {
          JsonObject u = Users.json(r);
          JsonArray perms = new JsonArray();
          roles.permissions(role).forEach(p -> perms.add(p.key));
          u.put("permissions", perms);
          JsonArray inboxes = new JsonArray();
          for (Long id : r.getArrayOfLongs("inboxes")) inboxes.add(id);
          u.put("inbox_ids", inboxes);
          return u;
        });
  }

  /** Users change their own name, password (with the current one), default inbox and phone number. */
  private Future<?> updateMe(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    Input in = Input.of(ctx);
    String name = in.optText("name", 200);
    if (in.has("name") && (name == null || name.isBlank())) throw ApiError.validation("name", "name cannot be empty");
    String password = in.optText("password", 1024);
    if (password != null) PasswordRules.check("password", password, a.email());
    String current = in.optText("current_password", 1024);
    if (password != null && current == null) throw ApiError.validation("current_password", "current_password is required to change the password");
    Long defaultInbox = in.optId("default_inbox_id");
    String phone = UsersApi.phone(node, in);
    Future<Void> check = password == null ? Future.succeededFuture()
        : node.db().one("SELECT password_hash FROM app_user WHERE id = $1", a.userId())
            .compose(r -> passwords.verify(current, r.getString("password_hash")))
            .compose(ok -> ok ? Future.succeededFuture() : Future.failedFuture(ApiError.validation("current_password", "current_password is wrong")));
    // a new password ends the user's other sessions and their tokens; the one that changed it stays signed in
    byte[] keep = Authenticator.credentialKey(ctx.request(), a);
    return check
        .compose(v -> UsersApi.checkDefaultInbox(node, a.userId(), defaultInbox))
        .compose(v -> password == null ? Future.succeededFuture((String) null) : passwords.hash(password))
        .compose(hash -> node.db().tx(conn -> Db.query(conn, """
            UPDATE app_user SET name = COALESCE($2, name), password_hash = COALESCE($3, password_hash),
              default_inbox_id = CASE WHEN $4 THEN $5 ELSE default_inbox_id END,
              phone = CASE WHEN $6 THEN $7 ELSE phone END, updated_at = now()
            WHERE id = $1""", a.userId(), name == null ? null : name.trim(), hash, in.has("default_inbox_id"), defaultInbox,
            in.has("phone"), phone)
            .compose(v -> UsersApi.afterAccessChange(conn, a.userId(), true, password != null, keep))))
        .compose(ended -> {
          UserSignals.sessionsEnded(node.vertx(), a.userId(), ended);
          return profile(a.userId(), a.role());
        })
        .map(u -> new JsonObject().put("user", u));
  }

  private Future<?> listTokens(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    Page page = Page.of(ctx);
    long after = page.after() == null ? Long.MAX_VALUE : page.afterLong(0);
    return node.db().list("""
        SELECT id, name, created_at, last_used_at, expires_at FROM access_token
        WHERE user_id = $1 AND revoked_at IS NULL AND id < $2 ORDER BY id DESC LIMIT $3""",
        a.userId(), after, page.limit() + 1).map(rows -> page.result(rows, r -> new JsonObject()
        .put("id", r.getLong("id")).put("name", r.getString("name"))
        .put("created_at", Times.iso(r, "created_at")).put("last_used_at", Times.iso(r, "last_used_at"))
        .put("expires_at", Times.iso(r, "expires_at")), r -> Page.cursor(r.getLong("id"))));
  }

  private Future<?> createToken(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    Input in = Input.orEmpty(ctx);
    String name = in.optText("name", 200);
    Long days = in.optLong("expires_in_days", 1, 3650);
    String token = "sbp_" + Secrets.token(32);
    return node.db().one("""
        INSERT INTO access_token (workspace_id, user_id, name, token_hash, expires_at)
        VALUES ($1, $2, $3, $4, CASE WHEN $5::int IS NULL THEN NULL ELSE now() + make_interval(days => $5::int) END)
        RETURNING id, created_at, expires_at""",
        a.workspaceId(), a.userId(), name == null || name.isBlank() ? "token" : name.trim(), Secrets.sha256(token),
        days == null ? null : days.intValue())
        .map(r -> Reply.created(new JsonObject().put("id", r.getLong("id")).put("token", token)
            .put("created_at", Times.iso(r, "created_at")).put("expires_at", Times.iso(r, "expires_at"))));
  }

  private Future<?> revokeToken(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "token");
    return node.db().query("UPDATE access_token SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
        id, a.userId()).map(rs -> {
          if (rs.rowCount() == 0) throw ApiError.notFound("token");
          return null;
        });
  }
}
