package io.switchboard.contact;

import io.switchboard.db.Db;
import io.switchboard.common.ApiError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.switchboard.db.Tx;

/**
 * Contact property values for features other than the contact API (a chatbot storing an answer): the same type
 * checks and the same {@code contact.updated} announcement as an agent's edit.
 */
public final class PropertyValues {

  private PropertyValues() {
  }

  /** The type ({@code text}, {@code number}, {@code boolean}, {@code date}) of a contact property, or null when undefined. */
  public static Future<String> contactType(SqlClient c, long workspaceId, String key) {
    return Db.one(c, "SELECT type FROM property WHERE workspace_id = $1 AND scope = 'contact' AND key = $2", workspaceId, key)
        .map(r -> r == null ? null : r.getString(0));
  }

  /**
   * Checks one value against the property's type and stores it on the contact, in the caller's transaction. Fails
   * with a 400 {@link ApiError} (naming {@code properties.<key>}) when the value does not fit or the property does
   * not exist; an empty text is refused rather than clearing the value.
   */
  public static Future<JsonObject> setContact(Tx conn, long workspaceId, long contactId, String key, Object value) {
    if (value instanceof String s && s.isBlank()) {
      return Future.failedFuture(ApiError.validation("properties." + key, "properties." + key + " is empty"));
    }
    return Db.one(conn, "SELECT id FROM contact WHERE id = $1 FOR NO KEY UPDATE", contactId).compose(ct -> {
      if (ct == null) return Future.failedFuture(ApiError.notFound("contact"));
      return Properties.values(conn, workspaceId, Properties.Owner.CONTACT, new JsonObject().put(key, value))
          .compose(values -> Properties.write(conn, Properties.Owner.CONTACT, contactId, values))
          .compose(v -> Db.query(conn, "UPDATE contact SET updated_at = now() WHERE id = $1", contactId))
          .compose(v -> Contacts.announce(conn, workspaceId, contactId, new JsonArray().add("properties")));
    });
  }
}
