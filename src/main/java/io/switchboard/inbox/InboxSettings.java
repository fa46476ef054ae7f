package io.switchboard.inbox;

import io.switchboard.db.Db;
import io.switchboard.common.ApiError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

import java.util.Set;

/**
 * An inbox's automation settings ({@code settings} on the inbox), changed key by key (a key sent as null is removed):
 * <pre>
 * {"auto_assign": {"enabled": true, "max_open_per_agent": 10},
 *  "auto_reply_outside_hours": "Thanks! We are closed now and answer from 9:00.",
 *  "default_chatbot_id": 3,
 *  "reviews": {"enabled": true, "ask_after": "resolved", "channels": [], "message": "How did we do?"}}
 * </pre>
 * ({@code reviews}: see {@link ReviewSettings})
 * <pre>
 * </pre>
 */
public final class InboxSettings {

  private static final Set<String> KEYS = Set.of("auto_assign", "auto_reply_outside_hours", "default_chatbot_id", "reviews");

  private InboxSettings() {
  }

  /** Checks the shape and returns the patch in normal form; a 400 naming {@code settings.<key>} otherwise. */
  public static JsonObject validate(JsonObject in) {
    if (in == null) return null;
    JsonObject out = new JsonObject();
    for (String key : in.fieldNames()) {
      String field = "settings." + key;
      if (!KEYS.contains(key)) {
        throw ApiError.validation(field, "settings has no " + key + " (known: " + String.join(", ", KEYS.stream().sorted().toList()) + ")");
      }
      Object v = in.getValue(key);
      if (v == null) {
        out.putNull(key);
        continue;
      }
      switch (key) {
        case "auto_assign" -> out.put(key, autoAssign(field, v));
        case "reviews" -> out.put(key, ReviewSettings.validate(field, v));
        case "auto_reply_outside_hours" -> {
          if (!(v instanceof String s) || s.length() > 4000) throw ApiError.validation(field, field + " must be text (at most 4000 characters)");
          if (s.isBlank()) out.putNull(key);
          else out.put(key, s);
        }
        default -> {
          if (!(v instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() <= 0) {
            throw ApiError.validation(field, field + " must be a chatbot id, or null");
          }
          out.put(key, n.longValue());
        }
      }
    }
    return out;
  }

  private static JsonObject autoAssign(String field, Object v) {
    if (!(v instanceof JsonObject o)) throw ApiError.validation(field, field + " must be {\"enabled\": true, \"max_open_per_agent\": 10}");
    for (String k : o.fieldNames()) {
      if (!Set.of("enabled", "max_open_per_agent").contains(k)) throw ApiError.validation(field + "." + k, field + " has no " + k);
    }
    if (!(o.getValue("enabled") instanceof Boolean enabled)) throw ApiError.validation(field + ".enabled", field + ".enabled must be true or false");
    JsonObject out = new JsonObject().put("enabled", enabled);
    Object cap = o.getValue("max_open_per_agent");
    if (cap != null) {
      if (!(cap instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 1 || n.longValue() > 10_000) {
        throw ApiError.validation(field + ".max_open_per_agent", field + ".max_open_per_agent must be a whole number from 1 to 10000, or null");
      }
      out.put("max_open_per_agent", n.intValue());
    }
    return out;
  }

  /** A default chatbot must be a chatbot of the workspace. */
  public static Future<Void> checkReferences(SqlClient c, long workspaceId, JsonObject patch) {
    if (patch == null || patch.getValue("default_chatbot_id") == null) return Future.succeededFuture();
    return Db.one(c, "SELECT 1 FROM chatbot WHERE id = $1 AND workspace_id = $2", patch.getLong("default_chatbot_id"), workspaceId)
        .compose(r -> r != null ? Future.succeededFuture()
            : Future.failedFuture(ApiError.validation("settings.default_chatbot_id", "there is no chatbot with this id")));
  }
}
