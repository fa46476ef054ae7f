package io.switchboard.inbox;

import io.switchboard.db.Db;
import io.switchboard.common.ApiError;
import io.switchboard.common.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.util.Set;

/**
 * Endpoints as other features read them: by id or by the (channel, address) a provider names. Secrets
 * (tokens, passwords) live in their own column and leave the hub only towards the provider they belong to.
 */
public final class Endpoints {

  /** Setting names whose values are secrets: stored apart, never returned by the API. */
  public static final Set<String> SECRET_KEYS = Set.of("password", "auth_token", "access_token", "secret", "app_secret",
      "client_secret", "refresh_token", "token", "api_key", "signing_key", "oauth2_token");

  /** Every channel an endpoint can be on. */
  public static final Set<String> CHANNELS = Set.of("email", "phone", "whatsapp", "messenger", "instagram", "widget", "api");

  /** Channels that keep one ongoing conversation per contact and endpoint. */
  public static final Set<String> CHAT_LIKE = Set.of("phone", "whatsapp", "messenger", "instagram", "widget", "api");

  private Endpoints() {
  }

  /** An endpoint, the record channel adapters and senders work with. */
  public record Endpoint(long id, long workspaceId, long inboxId, String channel, String address, String name,
                         boolean primary, boolean enabled, String disabledReason, JsonObject settings, Secrets sealed,
                         boolean sandbox) {

    public static Endpoint of(Row r) {
      return new Endpoint(r.getLong("id"), r.getLong("workspace_id"), r.getLong("inbox_id"), r.getString("channel"),
          r.getString("address"), r.getString("name"), r.getBoolean("is_primary"), r.getBoolean("enabled"),
          r.getString("disabled_reason"), r.getJsonObject("settings"), new Secrets(r.getJsonObject("secrets")),
          isSandbox(r));
    }

    /**
     * An endpoint from its plain columns only (no settings, no secrets), for writers that route by it and send
     * nothing through it: ingest reads thousands a second and decodes none of their settings.
     */
    public static Endpoint plain(Row r) {
      return new Endpoint(r.getLong("id"), r.getLong("workspace_id"), r.getLong("inbox_id"), r.getString("channel"),
          r.getString("address"), r.getString("name"), false, r.getBoolean("enabled"), r.getString("disabled_reason"),
          new JsonObject(), new Secrets(new JsonObject()), false);
    }

    /**
     * An endpoint as a settings form describes it, for a connection test: unsaved ({@code id} 0) or a saved one
     * with the form's settings and secrets.
     */
    public static Endpoint draft(long id, long workspaceId, long inboxId, String channel, String address, String name,
                                 JsonObject settings, JsonObject secrets) {
      return new Endpoint(id, workspaceId, inboxId, channel, address, name, false, true, null, settings, new Secrets(secrets), false);
    }

    /** The secret settings, opened on first use (ingest, which needs none, never opens them). */
    public JsonObject secrets() {
      return sealed.open();
    }

    /** A secret setting, by dotted path ({@code smtp.password}), or null. */
    public String secret(String path) {
      return lookup(secrets(), path);
    }

    public String setting(String path) {
      return lookup(settings, path);
    }
  }

  /** An endpoint's secrets as stored (sealed or not), opened once, when first needed. */
  public static final class Secrets {
    private final JsonObject stored;
    private volatile JsonObject opened;

    Secrets(JsonObject stored) {
      this.stored = stored;
    }

    JsonObject open() {
      JsonObject o = opened;
      if (o == null) opened = o = SecretBox.open(stored);
      return o;
    }
  }

  /**
   * At start-up, with {@code secrets.key} set: seals the secrets still stored in the clear or under
   * {@code secrets.previous_key}, and checks that the keys open those already sealed; without a key, refuses to
   * start over sealed secrets. Returns how many were sealed.
   */
  public static Future<Integer> sealStored(Db db) {
    return db.list("SELECT id, secrets FROM endpoint WHERE secrets <> '{}'::jsonb ORDER BY id").compose(rows -> {
      Future<Integer> sealed = Future.succeededFuture(0);
      for (Row r : rows) {
        JsonObject stored = r.getJsonObject("secrets");
        JsonObject opened = SecretBox.open(stored); // fails at start, not at the first message, when the key is missing or wrong
        if (!SecretBox.needsSealing(stored)) continue;
        sealed = sealed.compose(n -> db.query("UPDATE endpoint SET secrets = $2 WHERE id = $1 AND secrets = $3",
            r.getLong("id"), SecretBox.seal(opened), stored).map(rs -> n + rs.rowCount()));
      }
      return sealed;
    });
  }

  public static Future<Endpoint> byAddress(SqlClient c, String channel, String address) {
    return Db.one(c, "SELECT * FROM endpoint WHERE channel = $1 AND address = $2", channel, address)
        .map(r -> r == null ? null : Endpoint.of(r));
  }

  public static Future<Endpoint> byId(SqlClient c, long id) {
    return Db.one(c, "SELECT * FROM endpoint WHERE id = $1", id).map(r -> r == null ? null : Endpoint.of(r));
  }

  /**
   * Where a user's new outbound conversation or call on {@code channel} leaves from: their default inbox's primary
   * number for phone, else that inbox's first endpoint on the channel. Fails with a 400 on {@code field} saying what
   * is missing, so the agent knows what to set.
   */
  public static Future<Endpoint> defaultFor(SqlClient c, long userId, String channel, String field) {
    return Db.one(c, """
        SELECT u.default_inbox_id, i.name AS default_inbox_name, e.* FROM app_user u
        LEFT JOIN inbox i ON i.id = u.default_inbox_id
        LEFT JOIN LATERAL (SELECT * FROM endpoint x WHERE x.inbox_id = u.default_inbox_id AND x.channel = $2
                           ORDER BY x.is_primary DESC, x.enabled DESC, x.id LIMIT 1) e ON true
        WHERE u.id = $1""", userId, channel).map(r -> {
          if (r == null || r.getLong("default_inbox_id") == null) {
            throw ApiError.validation(field, "you have no default inbox to start from: set default_inbox_id on your profile"
                + " (PATCH /api/v1/me) or name the endpoint");
          }
          if (r.getLong("id") == null) {
            throw ApiError.validation(field, "your default inbox \"" + r.getString("default_inbox_name") + "\" has no "
                + (channel.equals("phone") ? "phone number" : channel + " endpoint"));
          }
          return Endpoint.of(r);
        });
  }

  public static JsonObject json(Row r) {
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("inbox_id", r.getLong("inbox_id"))
        .put("channel", r.getString("channel"))
        .put("address", r.getString("address"))
        .put("name", r.getString("name"))
        .put("primary", r.getBoolean("is_primary"))
        .put("enabled", r.getBoolean("enabled"))
        .put("disabled_reason", r.getString("disabled_reason"))
        .put("sandbox", isSandbox(r))
        .put("settings", r.getJsonObject("settings"))
        .put("secrets_set", paths("", SecretBox.open(r.getJsonObject("secrets")), new JsonArray()))
        .put("created_at", Times.iso(r, "created_at"));
  }

  /** Whether the row is of an endpoint in sandbox mode (false for a row read without that column). */
  private static boolean isSandbox(Row r) {
    return r.getColumnIndex("sandbox") >= 0 && Boolean.TRUE.equals(r.getBoolean("sandbox"));
  }

  private static JsonArray paths(String prefix, JsonObject o, JsonArray out) {
    for (String k : o.fieldNames()) {
      Object v = o.getValue(k);
      if (v instanceof JsonObject n) paths(prefix + k + ".", n, out);
      else if (v != null) out.add(prefix + k);
    }
    return out;
  }

  private static String lookup(JsonObject o, String path) {
    String[] parts = path.split("\\.");
    for (int i = 0; i < parts.length - 1 && o != null; i++) o = o.getJsonObject(parts[i]);
    if (o == null) return null;
    Object v = o.getValue(parts[parts.length - 1]);
    return v == null ? null : v.toString();
  }

  /** The endpoint's settings and secrets, as {settings, secrets}, with a settings patch (null: none) applied. */
  public static JsonObject[] patched(Endpoint ep, JsonObject patch) {
    if (patch == null) return new JsonObject[] {ep.settings(), ep.secrets()};
    JsonObject[] split = split(patch);
    return new JsonObject[] {merge(ep.settings(), split[0]), merge(ep.secrets(), split[1])};
  }

  /** Splits client settings into what may be shown and what is secret, at any depth. Returns {public, secrets}. */
  public static JsonObject[] split(JsonObject in) {
    JsonObject pub = new JsonObject();
    JsonObject sec = new JsonObject();
    for (String k : in.fieldNames()) {
      Object v = in.getValue(k);
      if (v instanceof JsonObject n) {
        JsonObject[] inner = split(n);
        pub.put(k, inner[0]);
        if (!inner[1].isEmpty()) sec.put(k, inner[1]);
      } else if (SECRET_KEYS.contains(k)) {
        sec.put(k, v);
      } else {
        pub.put(k, v);
      }
    }
    return new JsonObject[] {pub, sec};
  }

  /** Deep merge for PATCH: a null value removes the key. */
  public static JsonObject merge(JsonObject base, JsonObject patch) {
    JsonObject out = base.copy();
    for (String k : patch.fieldNames()) {
      Object v = patch.getValue(k);
      if (v == null) out.remove(k);
      else if (v instanceof JsonObject p && out.getValue(k) instanceof JsonObject b) out.put(k, merge(b, p));
      else out.put(k, v);
    }
    return out;
  }
}
