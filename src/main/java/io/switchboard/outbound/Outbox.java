package io.switchboard.outbound;

import io.switchboard.db.Db;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlConnection;

import java.time.OffsetDateTime;

/** Queues a reply for its sender in the caller's transaction: the activity and its outbox row commit together. */
public final class Outbox {

  /** Node-local address that wakes the dispatcher when something new is due. */
  public static final String DUE = "outbox.due";

  private Outbox() {
  }

  public static Future<Void> enqueue(SqlConnection conn, long workspaceId, long activityId, String channel, OffsetDateTime dueAt) {
    return Db.query(conn, """
        INSERT INTO outbox (workspace_id, activity_id, channel, due_at, conversation_id)
        SELECT $1, $2, $3, COALESCE($4, now()), a.conversation_id FROM activity a WHERE a.id = $2""",
        workspaceId, activityId, channel, dueAt).mapEmpty();
  }

  /** Call after the commit so the dispatcher does not wait for its next poll. */
  public static void wake(Vertx vertx) {
    vertx.eventBus().publish(DUE, null, new io.vertx.core.eventbus.DeliveryOptions().setLocalOnly(true));
  }
}
