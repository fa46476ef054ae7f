package io.switchboard.rest;

import io.switchboard.audit.Audit;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Invites;
import io.switchboard.auth.PasswordRules;
import io.switchboard.auth.Passwords;
import io.switchboard.auth.Roles;
import io.switchboard.auth.Users;
import io.switchboard.auth.web.Authenticator;
import io.switchboard.common.ApiError;
import io.switchboard.http.Input;
import io.switchboard.http.Rest;
import io.switchboard.node.Node;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The invitee's side of an invite link, before they can sign in: {@code GET /invites/{token}} says whether the link
 * still works (and for whom), {@code POST /invites/{token}/accept {"password"}} sets their password (the password
 * rules apply), uses the link up and signs them in, answering as a sign-in does. A used or expired link is 409
 * with the reason; a token that names no link is 404.
 */
public final class InviteApi {

  private static final int MAX_TOKEN = 100;

  private final Node node;
  private final Authenticator auth;
  private final Passwords passwords;
  private final Roles roles;

  private InviteApi(Node node, Authenticator auth, Passwords passwords, Roles roles) {
    this.node = node;
    this.auth = auth;
    this.passwords = passwords;
    this.roles = roles;
  }

  /** Routes that need no user: mounted before the authentication handler. */
  public static void mountPublic(Router api, Node node, Authenticator auth, Passwords passwords, Roles roles) {
    InviteApi i = new InviteApi(node, auth, passwords, roles);
    api.get("/invites/:token").handler(Rest.handle(i::show));
    api.post("/invites/:token/accept").handler(Rest.handle(i::accept));
  }

  private Future<?> show(RoutingContext ctx) {
    String token = token(ctx);
    return Invites.find(node.db().pool(), token, false).map(found -> {
      if (found == null) throw ApiError.notFound("invite");
      return Invites.json(found);
    });
  }

  private Future<?> accept(RoutingContext ctx) {
    String token = token(ctx);
    String password = Input.of(ctx).text("password", 1024);
    return Invites.find(node.db().pool(), token, false)
        .compose(found -> {
          open(found);
          PasswordRules.check("password", password, found.email());
          return passwords.hash(password);
        })
        .compose(hash -> node.db().tx(conn -> Invites.find(conn, token, true).compose(found -> {
          // checked again under the lock: of two uses at once, one finds the link used
          open(found);
          Actor invitee = new Actor(found.userId(), found.workspaceId(), found.email(), found.name(), found.role(),
              roles.permissions(found.role()), null, false);
          return Users.setFirstPassword(conn, found.userId(), hash)
              .compose(set -> set ? Invites.use(conn, token) : Future.failedFuture(used()))
              .compose(v -> Audit.record(conn, invitee, "user.invite_accepted", "user", found.userId(),
                  new JsonObject().put("email", found.email())))
              .map(found);
        })))
        .compose(found -> auth.startSession(found.userId(), found.workspaceId(), ctx.request(), ctx.response())
            .compose(csrf -> Users.profile(node.db().pool(), roles, found.userId(), found.role())
                .map(u -> new JsonObject().put("user", u).put("csrf_token", csrf))));
  }

  private static void open(Invites.Found found) {
    if (found == null) throw ApiError.notFound("invite");
    switch (found.state()) {
      case USED -> throw used();
      case EXPIRED -> throw ApiError.conflict(null, "this invite link has expired; ask an admin for a new one");
      default -> { }
    }
  }

  private static ApiError used() {
    return ApiError.conflict(null, "this invite link was already used; sign in with your e-mail and password");
  }

  private static String token(RoutingContext ctx) {
    String token = ctx.pathParam("token");
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN) throw ApiError.notFound("invite");
    return token;
  }
}
