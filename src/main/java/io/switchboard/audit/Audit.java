package io.switchboard.audit;

import io.switchboard.auth.Actor;
import io.switchboard.common.Times;
import io.switchboard.db.Db;
import io.switchboard.db.Tx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.List;

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

  /** The workspace's audit log from before {@code beforeId}, newest first, with the name of whoever acted. */
  public static Future<List<JsonObject>> list(SqlClient c, long workspaceId, long beforeId, int limit) {
    return Db.list(c, """
        SELECT l.id, l.actor_id, u.name AS actor_name, l.action, l.target_type, l.target_id, l.data, l.at
        FROM audit_log l LEFT JOIN app_user u ON u.id = l.actor_id
        WHERE l.workspace_id = $1 AND l.id < $2 ORDER BY l.id DESC LIMIT $3""", workspaceId, beforeId, limit)
        .map(rows -> rows.stream().map(r -> new JsonObject()
            .put("id", r.getLong("id")).put("actor_id", r.getLong("actor_id")).put("actor_name", r.getString("actor_name"))
            .put("action", r.getString("action")).put("target_type", r.getString("target_type"))
            .put("target_id", r.getLong("target_id")).put("data", r.getJsonObject("data"))
            .put("at", Times.iso(r, "at"))).toList());
  }
}
