package io.switchboard.event;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * Appends events to the log inside the caller's transaction. They stay unsequenced until the transaction commits;
 * the {@link Sequencer} then numbers and publishes them.
 */
public final class Events {

  private Events() {
  }

  private static final String INSERT =
      "INSERT INTO event (workspace_id, inbox_id, conversation_id, type, data) VALUES ($1, $2, $3, $4, $5)";

  public static Future<Void> append(SqlConnection conn, long workspaceId, Long inboxId, Long conversationId,
                                    String type, JsonObject data) {
    return conn.preparedQuery(INSERT).execute(Tuple.of(workspaceId, inboxId, conversationId, type, data)).mapEmpty();
  }

  /** The event-bus address of an inbox's stream. */
  public static String inboxAddress(long inboxId) {
    return "inbox." + inboxId;
  }

  /** The event-bus address of one user's control messages (membership granted, deactivated). */
  public static String userAddress(long userId) {
    return "user." + userId;
  }

  /** Node-local address on which every sequenced event is also published, for automations. */
  public static final String SEQUENCED = "events.sequenced";
}
