package io.switchboard.audit;

import io.switchboard.auth.Actor;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.switchboard.db.Tx;
import io.vertx.sqlclient.Tuple;

/** Who changed settings or access, written in the same transaction as the change. */
public final class Audit {

  private Audit() {
  }

  public static Future<Void> record(Tx conn, Actor actor, String action, String targetType, Long targetId,
                                    JsonObject data) {
    return conn.preparedQuery("""
        INSERT INTO audit_log (workspace_id, actor_id, action, target_type, target_id, data)
        VALUES ($1, $2, $3, $4, $5, $6)""")
        .execute(Tuple.of(actor.workspaceId(), actor.userId(), action, targetType, targetId,
            data == null ? new JsonObject() : data))
        .mapEmpty();
  }
}
