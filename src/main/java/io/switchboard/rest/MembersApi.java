package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.inbox.Access;
import io.switchboard.inbox.Members;
import io.switchboard.conversation.Timeline;
import io.switchboard.node.Node;
import io.switchboard.audit.Audit;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Users;
import io.switchboard.event.EventType;
import io.switchboard.event.EventLog;
import io.switchboard.event.UserSignals;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.common.ApiError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.switchboard.db.Tx;

import java.util.List;

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
          return Members.add(conn, a, inbox, user).compose(added -> {
            if (!added) return Future.succeededFuture(new Granted(u, false));
            JsonObject data = new JsonObject().put("user_id", user).put("user", u.copy());
            return Audit.record(conn, a, "membership.granted", "inbox", inbox, new JsonObject().put("user_id", user))
                .compose(v -> EventLog.append(conn, a.workspaceId(), inbox, null, EventType.MEMBERSHIP_ADDED, data))
                .map(new Granted(u, true));
          });
        }))
        .map(g -> {
          if (g.created) UserSignals.granted(node.vertx(), user, inbox);
          return g.created ? Reply.created(g.user) : g.user;
        });
  }

  private record Granted(JsonObject user, boolean created) {
  }

  private Future<?> revoke(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long inbox = Rest.pathId(ctx, "id", "inbox");
    long user = Rest.pathId(ctx, "user_id", "user");
    return node.db().tx(conn -> Access.settingsEditable(conn, a, inbox)
        .compose(i -> Members.remove(conn, inbox, user))
        .compose(removed -> {
          if (!removed) return Future.succeededFuture(false);
          return Audit.record(conn, a, "membership.revoked", "inbox", inbox, new JsonObject().put("user_id", user))
              .compose(v -> Users.clearDefaultInbox(conn, user, inbox))
              .compose(v -> unassign(conn, a, inbox, user))
              .compose(v -> EventLog.append(conn, a.workspaceId(), inbox, null, EventType.MEMBERSHIP_REMOVED,
                  new JsonObject().put("user_id", user)))
              .map(true);
        }))
        .map(changed -> {
          if (changed) UserSignals.revoked(node.vertx(), user, inbox);
          return null;
        });
  }

  /** A user who leaves an inbox no longer holds its conversations: each one unassigned is told on its timeline. */
  private static Future<Void> unassign(Tx conn, Actor a, long inbox, long user) {
    return Members.unassign(conn, inbox, user).compose(ids -> {
      Future<Void> f = Future.succeededFuture();
      for (long id : ids) {
        f = f.compose(v -> Timeline.changed(conn, a.workspaceId(), inbox, id, List.of(), List.of("assignee_id"), null).mapEmpty());
      }
      return f;
    });
  }
}
