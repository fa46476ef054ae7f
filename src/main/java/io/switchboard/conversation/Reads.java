package io.switchboard.conversation;

import io.switchboard.auth.Actor;
import io.switchboard.common.Times;
import io.switchboard.db.Db;
import io.switchboard.db.Tx;
import io.switchboard.event.EventLog;
import io.switchboard.event.EventType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

import java.time.OffsetDateTime;

/** How far each user has read a conversation: what its unread counts are measured from. */
public final class Reads {

  private Reads() {
  }

  /** Marks the conversation read by the user up to now; returns that time. */
  public static Future<OffsetDateTime> mark(SqlClient c, long userId, long conversationId) {
    return Db.one(c, """
        INSERT INTO conversation_read (user_id, conversation_id, last_read_at) VALUES ($1, $2, now())
        ON CONFLICT (user_id, conversation_id) DO UPDATE SET last_read_at = now() RETURNING last_read_at""", userId, conversationId)
        .map(r -> r.getOffsetDateTime("last_read_at"));
  }

  /**
   * The actor has read a conversation they can see (404 otherwise). Only a read that catches up with the contact is
   * news, told as {@code conversation.read} (the widget shows it as "seen").
   */
  public static Future<Void> read(Tx tx, Actor a, long conversationId) {
    return Conversations.visible(tx, a, conversationId).compose(c -> Db.one(tx, """
        SELECT EXISTS (SELECT 1 FROM activity x WHERE x.conversation_id = $2 AND x.direction = 'in'
                         AND x.created_at > COALESCE((SELECT last_read_at FROM conversation_read
                                                      WHERE user_id = $1 AND conversation_id = $2), '-infinity'::timestamptz))""",
            a.userId(), conversationId)
        .compose(unread -> mark(tx, a.userId(), conversationId)
            .compose(at -> !unread.getBoolean(0) ? Future.succeededFuture()
                : EventLog.append(tx, a.workspaceId(), c.getLong("inbox_id"), conversationId, EventType.CONVERSATION_READ,
                    new JsonObject().put("user", new JsonObject().put("id", a.userId()).put("name", a.name()))
                        .put("read_at", Times.iso(at))))));
  }
}
