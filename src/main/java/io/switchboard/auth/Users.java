package io.switchboard.auth;

import io.switchboard.common.Times;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

/** The JSON of a user; never the password hash. */
public final class Users {

  private Users() {
  }

  public static final String COLUMNS = "id, email, name, role, active, default_inbox_id, phone, created_at";

  public static JsonObject json(Row r) {
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("email", r.getString("email"))
        .put("name", r.getString("name"))
        .put("role", r.getString("role"))
        .put("active", r.getBoolean("active"))
        .put("default_inbox_id", r.getLong("default_inbox_id"))
        .put("phone", r.getString("phone"))
        .put("created_at", Times.iso(r, "created_at"));
  }
}
