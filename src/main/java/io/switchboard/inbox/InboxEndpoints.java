package io.switchboard.inbox;

import io.switchboard.auth.Actor;
import io.switchboard.common.ApiError;
import io.switchboard.db.Db;
import io.switchboard.db.Tx;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

/**
 * The endpoints an inbox owns, as its settings manage them: seen and changed only by who may see (change) the
 * inbox's settings, each in {@link Endpoints#json the API's shape}. An inbox with phone numbers keeps exactly one
 * primary number.
 */
public final class InboxEndpoints {

  /**
   * A new endpoint. {@code primary} is what was asked (null: not asked); {@code channelHasPrimary} whether its channel
   * has primaries at all. Secrets are sealed here.
   */
  public record New(long inboxId, String channel, String address, String name, Boolean primary, boolean channelHasPrimary,
                    boolean enabled, String disabledReason, JsonObject settings, JsonObject secrets, boolean sandbox) {
  }

  /**
   * An endpoint as it is to be: the name changes when set, a null address stays, {@code primary} true makes it the
   * inbox's primary number. Settings and secrets are whole (the merge is done).
   */
  public record Change(boolean setsName, String name, String address, Boolean primary, boolean enabled,
                       String disabledReason, JsonObject settings, JsonObject secrets) {
  }

  private InboxEndpoints() {
  }

  public static Future<JsonArray> list(SqlClient c, long inboxId) {
    return Db.list(c, "SELECT * FROM endpoint WHERE inbox_id = $1 ORDER BY channel, id", inboxId).map(rows -> {
      JsonArray items = new JsonArray();
      rows.forEach(r -> items.add(Endpoints.json(r)));
      return items;
    });
  }

  /** The endpoint if its inbox's settings are visible to the actor; 404 otherwise. */
  public static Future<JsonObject> get(SqlClient c, Actor a, long id) {
    return visible(c, a, id, false).map(Endpoints::json);
  }

  /** The endpoint if the actor may change its inbox's settings; 404 when they may not see them, 403 when not change. */
  public static Future<Endpoint> editable(SqlClient c, Actor a, long id) {
    return visible(c, a, id, true).map(Endpoint::of);
  }

  private static Future<Row> visible(SqlClient c, Actor a, long id, boolean edit) {
    return Db.one(c, "SELECT * FROM endpoint WHERE id = $1 AND workspace_id = $2", id, a.workspaceId()).compose(r -> {
      if (r == null) return Future.failedFuture(ApiError.notFound("endpoint"));
      long inbox = r.getLong("inbox_id");
      return (edit ? Access.settingsEditable(c, a, inbox) : Access.settingsVisible(c, a, inbox)).map(r)
          .recover(t -> Future.failedFuture(t instanceof ApiError e && e.status == 404 ? ApiError.notFound("endpoint") : t));
    });
  }

  /**
   * Adds the endpoint. The inbox's first phone number becomes its primary; asking for another primary is a conflict
   * (the inbox's primary is locked until commit, so two numbers cannot both become it).
   */
  public static Future<JsonObject> create(Tx conn, long workspaceId, New e) {
    return Db.one(conn, "SELECT id FROM endpoint WHERE inbox_id = $1 AND is_primary FOR UPDATE", e.inboxId())
        .compose(existingPrimary -> {
          if (Boolean.TRUE.equals(e.primary()) && existingPrimary != null) {
            return Future.failedFuture(ApiError.conflict("primary",
                "this inbox already has a primary number; make this number primary with PATCH once it exists"));
          }
          boolean isPrimary = e.channelHasPrimary() && existingPrimary == null;
          return Db.one(conn, """
              INSERT INTO endpoint (workspace_id, inbox_id, channel, address, name, is_primary, enabled, disabled_reason, settings, secrets, sandbox)
              VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *""",
              workspaceId, e.inboxId(), e.channel(), e.address(), e.name(), isPrimary, e.enabled(), e.disabledReason(),
              e.settings(), SecretBox.seal(e.secrets()), e.sandbox());
        })
        .map(Endpoints::json);
  }

  /** Changes the endpoint; made primary, it takes over from the inbox's primary number. */
  public static Future<JsonObject> update(Tx conn, Endpoint before, Change c) {
    Future<?> demote = Boolean.TRUE.equals(c.primary()) && !before.primary()
        ? Db.query(conn, "UPDATE endpoint SET is_primary = false WHERE inbox_id = $1 AND is_primary", before.inboxId())
        : Future.succeededFuture();
    JsonObject sealed = SecretBox.seal(c.secrets());
    return demote.compose(v -> Db.one(conn, """
            UPDATE endpoint SET name = CASE WHEN $2 THEN $3 ELSE name END, address = COALESCE($4, address),
              is_primary = is_primary OR COALESCE($5, false), enabled = $6, disabled_reason = $7,
              settings = $8, secrets = $9, updated_at = now()
            WHERE id = $1 RETURNING *""", before.id(), c.setsName(), c.name(), c.address(), c.primary(), c.enabled(),
            c.disabledReason(), c.settings(), sealed))
        .map(Endpoints::json);
  }

  /**
   * Deletes the endpoint; 409 while conversations came through it, whose history needs it. A primary number deleted
   * hands its part to the inbox's next phone number.
   */
  public static Future<Void> delete(Tx conn, Endpoint e) {
    // conversations are another feature's table: only whether any names this endpoint is asked
    return Db.one(conn, "SELECT EXISTS (SELECT 1 FROM conversation WHERE endpoint_id = $1)", e.id()).compose(has -> {
      if (has.getBoolean(0)) {
        return Future.failedFuture(ApiError.conflict(null,
            "this endpoint has conversations; disable it instead to keep their history"));
      }
      return Db.query(conn, "DELETE FROM endpoint WHERE id = $1", e.id())
          .compose(v -> !e.primary() ? Future.succeededFuture() : Db.query(conn, """
              UPDATE endpoint SET is_primary = true WHERE id = (
                SELECT id FROM endpoint WHERE inbox_id = $1 AND channel = 'phone' ORDER BY id LIMIT 1)""", e.inboxId()))
          .mapEmpty();
    });
  }
}
