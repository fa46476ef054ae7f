package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.inbox.Access;
import io.switchboard.conversation.Timeline;
import io.switchboard.node.Node;
import io.switchboard.audit.Audit;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Users;
import io.switchboard.conversation.Conversations;
import io.switchboard.db.Db;
import io.switchboard.event.EventType;
import io.switchboard.event.EventLog;
import io.switchboard.event.UserSignals;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.common.ApiError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
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
        .compose(r -> node.db().list("SELECT " + prefixed() + ", m.created_at AS member_since FROM membership m "
            + "JOIN app_user u ON u.id = m.user_id WHERE m.inbox_id = $1 ORDER BY lower(u.name), u.id", inbox))
        .map(rows -> {
          JsonArray items = new JsonArray();
          rows.forEach(r -> items.add(member(r)));
          return new JsonObject().put("items", items).put("next_cursor", null);
        });
  }

  private Future<?> grant(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long inbox = Rest.pathId(ctx, "id", "inbox");
    long user = Rest.pathId(ctx, "user_id", "user");
    return node.db().tx(conn -> Access.settingsEditable(conn, a, inbox)
        .compose(i -> Db.one(conn, "SELECT " + Users.COLUMNS + " FROM app_user WHERE id = $1 AND workspace_id = $2", user, a.workspaceId()))
        .compose(u -> {
          if (u == null) return Future.failedFuture(ApiError.notFound("user"));
          if (!u.getBoolean("active")) return Future.failedFuture(ApiError.validation("user_id", "the user is deactivated"));
          return Db.one(conn, """
              INSERT INTO membership (workspace_id, inbox_id, user_id, created_by) VALUES ($1, $2, $3, $4)
              ON CONFLICT DO NOTHING RETURNING created_at""", a.workspaceId(), inbox, user, a.userId())
              .compose(inserted -> {
                if (inserted == null) return Future.succeededFuture(new Granted(u, false));
                JsonObject data = new JsonObject().put("user_id", user).put("user", Users.json(u));
                return Audit.record(conn, a, "membership.granted", "inbox", inbox, new JsonObject().put("user_id", user))
                    .compose(v -> EventLog.append(conn, a.workspaceId(), inbox, null, EventType.MEMBERSHIP_ADDED, data))
                    .map(new Granted(u, true));
              });
        }))
        .map(g -> {
          if (g.created) UserSignals.granted(node.vertx(), user, inbox);
          JsonObject body = Users.json(g.user);
          return g.created ? Reply.created(body) : body;
        });
  }

  private record Granted(Row user, boolean created) {
  }

  private Future<?> revoke(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long inbox = Rest.pathId(ctx, "id", "inbox");
    long user = Rest.pathId(ctx, "user_id", "user");
    return node.db().tx(conn -> Access.settingsEditable(conn, a, inbox)
        .compose(i -> Db.one(conn, "DELETE FROM membership WHERE inbox_id = $1 AND user_id = $2 RETURNING user_id", inbox, user))
        .compose(deleted -> {
          if (deleted == null) return Future.succeededFuture(false);
          return Audit.record(conn, a, "membership.revoked", "inbox", inbox, new JsonObject().put("user_id", user))
              .compose(v -> Db.query(conn, "UPDATE app_user SET default_inbox_id = NULL WHERE id = $1 AND default_inbox_id = $2", user, inbox))
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

  /** A user who leaves an inbox no longer holds its conversations. */
  private static Future<Void> unassign(Tx conn, Actor a, long inbox, long user) {
    return Db.list(conn, "UPDATE conversation SET assignee_id = NULL, updated_at = now() WHERE inbox_id = $1 AND assignee_id = $2 RETURNING id",
        inbox, user).compose(rows -> {
          Future<Void> f = Future.succeededFuture();
          for (Row r : rows) {
            long id = r.getLong("id");
            f = f.compose(v -> Timeline.changed(conn, a.workspaceId(), inbox, id, List.of(), List.of("assignee_id"), null).mapEmpty());
          }
          return f;
        });
  }

  /** The user columns for a join with alias u, kept in step with {@link Users#COLUMNS}. */
  private static String prefixed() {
    return "u." + String.join(", u.", Users.COLUMNS.split(",\\s*"));
  }

  private static JsonObject member(Row r) {
    return Users.json(r).put("member_since", io.switchboard.common.Times.iso(r, "member_since"));
  }
}
