package io.switchboard.delivery;

import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.common.ApiError;
import io.switchboard.conversation.Activities;
import io.switchboard.conversation.Conversations;
import io.switchboard.conversation.Timeline;
import io.switchboard.db.Db;
import io.switchboard.db.Tx;
import io.switchboard.inbox.Endpoints;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.switchboard.inbox.Members;
import io.switchboard.outbound.Outbox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.util.List;

/**
 * Sends failed replies again: one ({@code POST /activities/{id}/retry}) or every recent failure of an endpoint
 * ({@code POST /endpoints/{id}/retry_failed}), once whatever made them fail has been put right. A retried reply is
 * queued again as it was (same activity, a fresh outbox row with a fresh count of attempts), and the dispatcher
 * takes it from there; each change is told as {@code message.updated}.
 */
public final class Retries {

  /** How far back "retry all" reaches: older failures were most likely answered another way. */
  public static final int RETRY_ALL_DAYS = 7;
  /** The most one "retry all" queues again. */
  public static final int RETRY_ALL_MAX = 500;

  private Retries() {
  }

  /** Queues the failed reply again and answers it as it is now; 404 when not visible, 409 when not a failed reply. */
  public static Future<JsonObject> one(Tx tx, Vertx vertx, Actor a, long activityId) {
    a.require(Permission.INBOX_USE);
    return Db.one(tx, """
        SELECT a.id, a.workspace_id, a.inbox_id, a.conversation_id, a.endpoint_id, a.kind, a.direction, a.status
        FROM activity a WHERE a.id = $1 AND a.workspace_id = $2""", activityId, a.workspaceId())
        .compose(row -> {
          if (row == null) return Future.failedFuture(ApiError.notFound("activity"));
          return Conversations.visibleForUpdate(tx, a, row.getLong("conversation_id"))
              .recover(t -> Future.failedFuture(t instanceof ApiError e && e.status == 404 ? ApiError.notFound("activity") : t))
              .compose(conv -> Db.one(tx, "SELECT status FROM activity WHERE id = $1 FOR UPDATE", activityId)
                  .compose(locked -> {
                    if (!"message".equals(row.getString("kind")) || !"out".equals(row.getString("direction"))) {
                      return Future.failedFuture(ApiError.conflict("status", "only an outgoing message can be sent again"));
                    }
                    if (!"failed".equals(locked.getString("status"))) {
                      return Future.failedFuture(ApiError.conflict("status",
                          "only a failed message can be sent again; this one is " + locked.getString("status")));
                    }
                    return sendable(tx, row.getLong("endpoint_id"));
                  })
                  .compose(ep -> requeue(tx, vertx, row, ep)))
              .compose(v -> Activities.view(tx, activityId));
        });
  }

  /**
   * Queues again every reply from the endpoint that failed in the last {@link #RETRY_ALL_DAYS} days (at most
   * {@link #RETRY_ALL_MAX}), in the order they were written, of inboxes the actor may reach: an admin
   * ({@code settings.manage}) or a member. Answers how many were queued; 404 when the endpoint is not visible.
   */
  public static Future<Integer> allOf(Tx tx, Vertx vertx, Actor a, long endpointId) {
    return Db.one(tx, "SELECT id, inbox_id FROM endpoint WHERE id = $1 AND workspace_id = $2", endpointId, a.workspaceId())
        .compose(r -> {
          if (r == null) return Future.failedFuture(ApiError.notFound("endpoint"));
          if (a.can(Permission.SETTINGS_MANAGE)) return Future.succeededFuture(r);
          return Members.isMember(tx, r.getLong("inbox_id"), a.userId()).map(member -> {
            if (!member || !a.can(Permission.INBOX_USE)) throw ApiError.notFound("endpoint");
            return r;
          });
        })
        .compose(r -> sendable(tx, endpointId))
        .compose(ep -> Db.list(tx, """
            SELECT a.id, a.workspace_id, a.inbox_id, a.conversation_id, a.endpoint_id FROM activity a
            WHERE a.endpoint_id = $1 AND a.kind = 'message' AND a.direction = 'out' AND a.status = 'failed'
              AND a.created_at > now() - make_interval(days => $2)
            ORDER BY a.id LIMIT $3 FOR UPDATE""", endpointId, RETRY_ALL_DAYS, RETRY_ALL_MAX)
            .compose(rows -> requeueAll(tx, vertx, rows, ep)));
  }

  private static Future<Integer> requeueAll(Tx tx, Vertx vertx, List<Row> rows, Endpoint ep) {
    Future<Void> f = Future.succeededFuture();
    for (Row r : rows) f = f.compose(v -> requeue(tx, vertx, r, ep));
    return f.map(rows.size());
  }

  /** The endpoint, if it still exists and may send; 409 saying why not otherwise. */
  private static Future<Endpoint> sendable(Tx tx, Long endpointId) {
    if (endpointId == null) return Future.failedFuture(ApiError.conflict("endpoint_id", "the message has no endpoint to leave from"));
    return Endpoints.byId(tx, endpointId).compose(ep -> {
      if (ep == null) return Future.failedFuture(ApiError.conflict("endpoint_id", "the endpoint it left from no longer exists"));
      if (!ep.enabled()) {
        return Future.failedFuture(ApiError.conflict("endpoint_id", "sending is disabled on " + ep.address()
            + (ep.disabledReason() == null ? "" : ": " + ep.disabledReason())));
      }
      return Future.succeededFuture(ep);
    });
  }

  private static Future<Void> requeue(Tx tx, Vertx vertx, Row r, Endpoint ep) {
    long id = r.getLong("id");
    JsonObject fresh = new JsonObject().put("retrying", false).put("attempts", 0)
        .put("delivery", new JsonObject().put("attempts", 0).put("retrying", false).put("channel", ep.channel()));
    return Db.query(tx, """
            UPDATE activity SET status = 'queued', error_code = NULL, error_message = NULL, data = data || $2, updated_at = now()
            WHERE id = $1""", id, fresh)
        .compose(v -> Outbox.enqueue(tx, r.getLong("workspace_id"), r.getLong("conversation_id"), id, ep.channel()))
        .compose(v -> Timeline.updated(tx, id))
        .map(v -> {
          tx.afterCommit(() -> Outbox.wake(vertx));
          return null;
        });
  }
}
