package io.switchboard.ingest;

import io.switchboard.db.Db;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

/** E-mail threading: the conversation an incoming mail answers, by its reply token or the Message-IDs it cites. */
final class Threads {

  private Threads() {
  }

  /** The id of the conversation the mail answers, or null (a new thread). */
  static Future<Long> find(SqlClient c, InboundMessage m, Endpoint ep, long contactId) {
    InboundMessage.Thread t = m.thread();
    if (t == null) return Future.succeededFuture(null);
    Future<Row> byToken = t.token() == null ? Future.succeededFuture(null)
        // compared without case: some mail systems lower-case addresses
        : Db.one(c, "SELECT id FROM conversation WHERE lower(thread_token) = lower($1) AND inbox_id = $2", t.token(), ep.inboxId());
    return byToken.compose(found -> {
      if (found != null || t.references() == null || t.references().isEmpty()) {
        return Future.succeededFuture(found == null ? null : found.getLong(0));
      }
      // different people answering one mail get conversations of their own
      return Db.one(c, """
          SELECT a.conversation_id FROM activity a JOIN conversation x ON x.id = a.conversation_id
          WHERE a.endpoint_id = $1 AND a.provider_id = ANY($2) AND x.contact_id = $3
          ORDER BY a.id DESC LIMIT 1""", ep.id(), t.references().toArray(String[]::new), contactId)
          .map(r -> r == null ? null : r.getLong(0));
    });
  }
}
