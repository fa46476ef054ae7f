package io.switchboard.inbox;

import io.switchboard.auth.Actor;
import io.switchboard.auth.Users;
import io.switchboard.common.ApiError;
import io.switchboard.common.Times;
import io.switchboard.db.Db;
import io.switchboard.db.Tx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.SqlClient;

import java.util.List;

/** Memberships: which users see an inbox. */
public final class Members {

  /** The user columns for a join with alias u, kept in step with {@link Users#COLUMNS}. */
  private static final String USER_COLUMNS = "u." + String.join(", u.", Users.COLUMNS.split(",\\s*"));

  private Members() {
  }

  /** The inbox's members as users, each with {@code member_since}, by name. */
  public static Future<JsonArray> list(SqlClient c, long inboxId) {
    return Db.list(c, "SELECT " + USER_COLUMNS + ", m.created_at AS member_since FROM membership m "
        + "JOIN app_user u ON u.id = m.user_id WHERE m.inbox_id = $1 ORDER BY lower(u.name), u.id", inboxId).map(rows -> {
          JsonArray items = new JsonArray();
          rows.forEach(r -> items.add(Users.json(r).put("member_since", Times.iso(r, "member_since"))));
          return items;
        });
  }

  /** The ids of the inbox's members. */
  public static Future<List<Long>> userIds(SqlClient c, long inboxId) {
    return Db.list(c, "SELECT user_id FROM membership WHERE inbox_id = $1", inboxId)
        .map(rows -> rows.stream().map(r -> r.getLong(0)).toList());
  }

  public static Future<Boolean> isMember(SqlClient c, long inboxId, long userId) {
    return Db.one(c, "SELECT 1 FROM membership WHERE inbox_id = $1 AND user_id = $2", inboxId, userId).map(r -> r != null);
  }

  /** A default inbox must be one the user is a member of; null (none) always is. */
  public static Future<Void> checkDefaultInbox(SqlClient c, long userId, Long inboxId) {
    if (inboxId == null) return Future.succeededFuture();
    return isMember(c, inboxId, userId).compose(member -> member
        ? Future.succeededFuture()
        : Future.failedFuture(ApiError.validation("default_inbox_id", "the default inbox must be an inbox the user is a member of")));
  }

  /**
   * Whether taking the user out of the inbox would leave it with no active member, so that its messages reach
   * nobody. Locks the inbox row until the transaction ends: two removals at once cannot each leave the other's
   * member as the last one and both pass. Callers lock several inboxes in id order.
   */
  public static Future<Boolean> wouldEmpty(Tx conn, long inboxId, long userId) {
    return Db.one(conn, "SELECT id FROM inbox WHERE id = $1 FOR UPDATE", inboxId).compose(v -> Db.one(conn, """
        SELECT coalesce(bool_or(m.user_id = $2), false) AS member, count(*) FILTER (WHERE m.user_id <> $2) AS others
        FROM membership m JOIN app_user u ON u.id = m.user_id AND u.active WHERE m.inbox_id = $1""", inboxId, userId))
        .map(r -> r.getBoolean("member") && r.getLong("others") == 0);
  }

  /** Makes the user a member, granted by {@code by}; false when they already were. */
  public static Future<Boolean> add(Tx conn, Actor by, long inboxId, long userId) {
    return Db.one(conn, """
        INSERT INTO membership (workspace_id, inbox_id, user_id, created_by) VALUES ($1, $2, $3, $4)
        ON CONFLICT DO NOTHING RETURNING created_at""", by.workspaceId(), inboxId, userId, by.userId()).map(r -> r != null);
  }

  /** Ends the user's membership; false when they were not a member. */
  public static Future<Boolean> remove(Tx conn, long inboxId, long userId) {
    return Db.one(conn, "DELETE FROM membership WHERE inbox_id = $1 AND user_id = $2 RETURNING user_id", inboxId, userId)
        .map(r -> r != null);
  }

  /**
   * A user who leaves an inbox no longer holds its conversations: unassigns them and returns their ids. (A write to
   * conversations, kept here with the membership change it follows; the caller tells each change on the timeline.)
   */
  public static Future<List<Long>> unassign(Tx conn, long inboxId, long userId) {
    return Db.list(conn, "UPDATE conversation SET assignee_id = NULL, updated_at = now() WHERE inbox_id = $1 AND assignee_id = $2 RETURNING id",
        inboxId, userId).map(rows -> rows.stream().map(r -> r.getLong("id")).toList());
  }
}
