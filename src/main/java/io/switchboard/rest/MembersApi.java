package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.inbox.Access;
import io.switchboard.inbox.Members;
import io.switchboard.node.Node;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Users;
import io.switchboard.event.UserSignals;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.common.ApiError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /api/v1/inboxes/{id}/members}: who sees an inbox. Granting and revoking are audited, logged as events
 * on the inbox's stream (so live sockets change what they deliver in step with everything else) and told to the
 * user's own sockets at once.
 */
public final class MembersApi {

  private final Node node;

  private MembersApi(Node node) {
    this.node = node;
  }

  public static void mount(Router api, Node node) {
    MembersApi m = new MembersApi(node);
    api.get("/inboxes/:id/members").handler(Rest.handle(m::list));
    api.put("/inboxes/:id/members/:user_id").handler(Rest.handle(m::grant));
    api.delete("/inboxes/:id/members/:user_id").handler(Rest.handle(m::revoke));
  }

  private Future<?> list(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long inbox = Rest.pathId(ctx, "id", "inbox");
    return Access.settingsVisible(node.db().pool(), a, inbox)
        .compose(r -> Members.list(node.db().pool(), inbox))
        .map(items -> new JsonObject().put("items", items).put("next_cursor", null));
  }

  private Future<?> grant(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long inbox = Rest.pathId(ctx, "id", "inbox");
    long user = Rest.pathId(ctx, "user_id", "user");
    return node.db().tx(conn -> Access.settingsEditable(conn, a, inbox)
        .compose(i -> Users.get(conn, a.workspaceId(), user))
        .compose(u -> {
          if (!u.getBoolean("active")) return Future.failedFuture(ApiError.validation("user_id", "the user is deactivated"));
          return Memberships.grant(conn, a, inbox, u).map(added -> new Granted(u, added));
        }))
        .map(g -> {
          if (g.created) UserSignals.granted(node.vertx(), user, inbox);
          return g.created ? Reply.created(g.user) : g.user;
        });
  }

  private record Granted(JsonObject user, boolean created) {
  }

  /**
   * Taking out the inbox's last active member leaves its messages reaching nobody: refused with 409 unless the
   * request says {@code ?confirm=true}.
   */
  private Future<?> revoke(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long inbox = Rest.pathId(ctx, "id", "inbox");
    long user = Rest.pathId(ctx, "user_id", "user");
    boolean confirmed = Memberships.confirmed(ctx);
    return node.db().tx(conn -> Access.settingsEditable(conn, a, inbox)
        .compose(i -> Memberships.keepAMember(conn, inbox, i.getString("name"), user, confirmed, "confirm"))
        .compose(v -> Memberships.revoke(conn, a, inbox, user)))
        .map(changed -> {
          if (changed) UserSignals.revoked(node.vertx(), user, inbox);
          return null;
        });
  }
}
