package io.switchboard.inbox;

import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.db.Db;
import io.switchboard.common.ApiError;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.util.List;

/**
 * Who may see an inbox. Its content (conversations, messages, contacts seen through it) needs membership, for
 * every role. Its settings are also visible to {@code settings.manage}. Anything not visible is 404, exactly like
 * something that does not exist.
 */
public final class Access {

  private Access() {
  }

  /** Fails with 404 unless the actor is a member of the inbox. */
  public static Future<Void> requireMember(SqlClient db, Actor a, long inboxId) {
    return Members.isMember(db, inboxId, a.userId())
        .compose(member -> member ? Future.succeededFuture() : Future.failedFuture(ApiError.notFound("inbox")));
  }

  /** The inbox row (with {@code member}) if the actor may see its settings; 404 otherwise. */
  public static Future<Row> settingsVisible(SqlClient db, Actor a, long inboxId) {
    return Db.one(db, """
        SELECT i.*, (m.user_id IS NOT NULL) AS member FROM inbox i
        LEFT JOIN membership m ON m.inbox_id = i.id AND m.user_id = $2
        WHERE i.id = $1 AND i.workspace_id = $3""", inboxId, a.userId(), a.workspaceId())
        .map(r -> {
          if (r == null || (!r.getBoolean("member") && !a.can(Permission.SETTINGS_MANAGE))) throw ApiError.notFound("inbox");
          return r;
        });
  }

  /** As {@link #settingsVisible}, then 403 unless the actor may change settings. */
  public static Future<Row> settingsEditable(SqlClient db, Actor a, long inboxId) {
    return settingsVisible(db, a, inboxId).map(r -> {
      a.require(Permission.SETTINGS_MANAGE);
      return r;
    });
  }

  /** The ids of the inboxes the user is a member of. */
  public static Future<List<Long>> memberInboxes(SqlClient db, long userId) {
    return Db.list(db, "SELECT inbox_id FROM membership WHERE user_id = $1 ORDER BY inbox_id", userId)
        .map(rows -> rows.stream().map(r -> r.getLong(0)).toList());
  }
}
