package io.switchboard.outbound;

import io.switchboard.db.Db;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.switchboard.db.Tx;


/** Queues a reply for its sender in the caller's transaction: the activity and its outbox row commit together. */
public final class Outbox {

  /** Node-local address that wakes the dispatcher when something new is due. */
  public static final String DUE = "outbox.due";

  private Outbox() {
  }

  public static Future<Void> enqueue(Tx conn, long workspaceId, long conversationId, long activityId, String channel) {
    return Db.query(conn, """
        INSERT INTO outbox (workspace_id, activity_id, channel, due_at, conversation_id) VALUES ($1, $2, $3, now(), $4)""",
        workspaceId, activityId, channel, conversationId).mapEmpty();
  }

  /** Call after the commit so the dispatcher does not wait for its next poll. */
  public static void wake(Vertx vertx) {
    vertx.eventBus().publish(DUE, null, new io.vertx.core.eventbus.DeliveryOptions().setLocalOnly(true));
  }
}
