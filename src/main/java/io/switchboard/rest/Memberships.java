package io.switchboard.rest;

import io.switchboard.audit.Audit;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Users;
import io.switchboard.common.ApiError;
import io.switchboard.conversation.Timeline;
import io.switchboard.db.Tx;
import io.switchboard.event.EventLog;
import io.switchboard.event.EventType;
import io.switchboard.inbox.Members;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Granting and revoking one membership, the same whether an inbox's members or a user's inboxes are edited: audited,
 * logged as an event on the inbox's stream, in the caller's transaction. The caller tells the user's sockets
 * ({@code UserSignals}) once it has committed.
 */
final class Memberships {

  private Memberships() {
  }

  /** Makes the (active) user a member; false when they already were. */
  static Future<Boolean> grant(Tx conn, Actor a, long inbox, JsonObject user) {
    long userId = user.getLong("id");
    return Members.add(conn, a, inbox, userId).compose(added -> {
      if (!added) return Future.succeededFuture(false);
      JsonObject data = new JsonObject().put("user_id", userId).put("user", user.copy());
      return Audit.record(conn, a, "membership.granted", "inbox", inbox, new JsonObject().put("user_id", userId))
          .compose(v -> EventLog.append(conn, a.workspaceId(), inbox, null, EventType.MEMBERSHIP_ADDED, data))
          .map(true);
    });
  }

  /**
   * Ends the user's membership: they no longer start from the inbox nor hold its conversations; false when they
   * were not a member.
   */
  static Future<Boolean> revoke(Tx conn, Actor a, long inbox, long user) {
    return Members.remove(conn, inbox, user).compose(removed -> {
      if (!removed) return Future.succeededFuture(false);
      return Audit.record(conn, a, "membership.revoked", "inbox", inbox, new JsonObject().put("user_id", user))
          .compose(v -> Users.clearDefaultInbox(conn, user, inbox))
          .compose(v -> unassign(conn, a, inbox, user))
          .compose(v -> EventLog.append(conn, a.workspaceId(), inbox, null, EventType.MEMBERSHIP_REMOVED,
              new JsonObject().put("user_id", user)))
          .map(true);
    });
  }

  /**
   * Fails with 409 when taking the user out would leave the inbox with no active member (its messages would reach
   * nobody), unless the caller confirmed it.
   */
  static Future<Void> keepAMember(Tx conn, long inbox, String inboxName, long user, boolean confirmed, String field) {
    if (confirmed) return Future.succeededFuture();
    return Members.wouldEmpty(conn, inbox, user).compose(empty -> empty
        ? Future.failedFuture(ApiError.conflict(field, "\"" + inboxName + "\" would have no members left, and its messages would"
            + " reach nobody; send the request again with ?confirm=true to do it anyway"))
        : Future.succeededFuture());
  }

  /** Whether the request confirms leaving an inbox with no member ({@code ?confirm=true}). */
  static boolean confirmed(io.vertx.ext.web.RoutingContext ctx) {
    String c = ctx.queryParams().get("confirm");
    if (c == null) return false;
    if (c.equals("true")) return true;
    if (c.equals("false")) return false;
    throw ApiError.validation("confirm", "confirm must be true or false");
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
