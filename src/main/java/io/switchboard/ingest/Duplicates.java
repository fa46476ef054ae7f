package io.switchboard.ingest;

import io.switchboard.db.Db;
import io.vertx.core.Future;

/** Redeliveries: answered with what the first delivery stored, and nothing written again. */
final class Duplicates {

  private Duplicates() {
  }

  /** What the first delivery of this message stored. */
  static Future<IngestResult> stored(Db db, InboundMessage m) {
    return db.one("""
        SELECT a.id, a.conversation_id, a.inbox_id, a.workspace_id, a.endpoint_id, c.contact_id
        FROM activity a JOIN endpoint e ON e.id = a.endpoint_id JOIN conversation c ON c.id = a.conversation_id
        WHERE e.channel = $1 AND e.address = $2 AND a.provider_id = $3""", m.channel(), m.endpointAddress(), m.providerId())
        .map(r -> new IngestResult(r.getLong("workspace_id"), r.getLong("inbox_id"), r.getLong("endpoint_id"),
            r.getLong("conversation_id"), r.getLong("contact_id"), r.getLong("id"), true, false));
  }

  /** A first delivery's result, as its redelivery is answered. */
  static IngestResult again(IngestResult first) {
    return new IngestResult(first.workspaceId(), first.inboxId(), first.endpointId(), first.conversationId(), first.contactId(),
        first.activityId(), true, false);
  }
}
