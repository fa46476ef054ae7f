package io.switchboard.automation;

import io.switchboard.db.Db;
import io.switchboard.db.Tx;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

/**
 * A conversation's row (c.*) by id, as timed work and automations read it: no access check, since no user asks.
 * Requests go through {@link io.switchboard.conversation.Conversations#visible} instead.
 */
final class ConversationRows {

  private ConversationRows() {
  }

  /** The row, or null. */
  static Future<Row> get(SqlClient c, long id) {
    return Db.one(c, "SELECT c.* FROM conversation c WHERE c.id = $1", id);
  }

  /** The row locked for an update in the caller's transaction (waiting for another holder), or null. */
  static Future<Row> lock(Tx tx, long id) {
    return Db.one(tx, "SELECT c.* FROM conversation c WHERE c.id = $1 FOR UPDATE", id);
  }
}
