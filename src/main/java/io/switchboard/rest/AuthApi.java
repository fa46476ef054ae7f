package io.switchboard.rest;

import io.switchboard.auth.Actor;
import io.switchboard.auth.web.Authenticator;
import io.switchboard.auth.PasswordRules;
import io.switchboard.auth.Passwords;
import io.switchboard.auth.Sessions;
import io.switchboard.auth.Tokens;
import io.switchboard.auth.Users;
import io.switchboard.inbox.Members;
import io.switchboard.node.Node;
import io.switchboard.event.UserSignals;
import io.switchboard.auth.LoginLimiter;
import io.switchboard.auth.Roles;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.common.ApiError;
import io.switchboard.http.Input;
import io.switchboard.http.Page;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Locale;

/** Sign-in, sign-out, the current user, and personal access tokens. */
public final class AuthApi {

  private final Node node;
  private final Authenticator auth;
  private final Passwords passwords;
  private final Roles roles;
  private final LoginLimiter loginLimiter;
  private final Tokens tokens;

  private AuthApi(Node node, Authenticator auth, Passwords passwords, Roles roles, LoginLimiter loginLimiter) {
    this.node = node;
    this.auth = auth;
    this.passwords = passwords;
    this.roles = roles;
    this.loginLimiter = loginLimiter;
    this.tokens = new Tokens(node.db(), roles);
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
      return Users.signIn(node.db().pool(), email)
          .compose(user -> place.verify(password, user == null ? null : user.passwordHash()).map(ok -> ok ? user : null))
          // not checked after all (the look-up or the check failed): the attempt does not count
          .recover(t -> loginLimiter.takeBack(attempt).transform(ar -> Future.failedFuture(t)))
          .compose(user -> {
            if (user == null) return Future.failedFuture(ApiError.unauthorized("wrong e-mail or password"));
            return loginLimiter.succeeded(email, attempt)
                .compose(v -> auth.startSession(user.id(), user.workspaceId(), ctx.request(), ctx.response()))
                .compose(csrf -> profile(user.id(), user.role())
                    .map(u -> new JsonObject().put("user", u).put("csrf_token", csrf)));
          });
    }).onComplete(ar -> place.release());
  }

  private Future<?> logout(RoutingContext ctx) {
    return auth.endSession(ctx.request(), ctx.response()).map(ended -> {
      if (ended != null) {
        // the session's live sockets close too
        UserSignals.sessionsEnded(node.vertx(), Long.parseLong(ended[0]), List.of(ended[1]));
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
    return Users.profile(node.db().pool(), roles, userId, role);
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
        : Users.passwordHash(node.db().pool(), a.userId())
            .compose(hash -> passwords.verify(current, hash))
            .compose(ok -> ok ? Future.succeededFuture() : Future.failedFuture(ApiError.validation("current_password", "current_password is wrong")));
    // a new password ends the user's other sessions and their tokens; the one that changed it stays signed in
    byte[] keep = Authenticator.credentialKey(ctx.request(), a);
    return check
        .compose(v -> Members.checkDefaultInbox(node.db().pool(), a.userId(), defaultInbox))
        .compose(v -> password == null ? Future.succeededFuture((String) null) : passwords.hash(password))
        // the same change as an admin's, of the fields users may change themselves
        .compose(hash -> node.db().tx(conn -> Users.update(conn, a.userId(), new Users.Change(null, name == null ? null : name.trim(),
                null, hash, null, in.has("default_inbox_id"), defaultInbox, in.has("phone"), phone))
            .compose(v -> Sessions.afterAccessChange(conn, a.userId(), true, password != null, keep))))
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
    return tokens.list(a.userId(), after, page.limit() + 1)
        .map(list -> page.result(list, t -> t, t -> Page.cursor(t.getLong("id"))));
  }

  private Future<?> createToken(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    Input in = Input.orEmpty(ctx);
    String name = in.optText("name", 200);
    Long days = in.optLong("expires_in_days", 1, 3650);
    return tokens.create(a.workspaceId(), a.userId(), name == null || name.isBlank() ? "token" : name.trim(), days)
        .map(Reply::created);
  }

  private Future<?> revokeToken(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "token");
    return tokens.revoke(id, a.userId()).map(key -> {
      if (key == null) throw ApiError.notFound("token");
      // live sockets opened with the token close at once
      UserSignals.sessionsEnded(node.vertx(), a.userId(), List.of(key));
      return null;
    });
  }
}
