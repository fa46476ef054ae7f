package io.switchboard.contact;

import io.switchboard.audit.Audit;
import io.switchboard.auth.Actor;
import io.switchboard.common.Failures;
import io.switchboard.common.Times;
import io.switchboard.db.Db;
import io.switchboard.common.ApiError;
import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.switchboard.db.Tx;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Custom properties: admin-defined, typed fields on contacts or profiles. Values are stored by the definition's id,
 * so renaming a definition (label or key) keeps them, and are checked against its type on every write.
 */
public final class Properties {

  public static final Set<String> SCOPES = Set.of("contact", "profile");
  public static final Set<String> TYPES = Set.of("text", "number", "boolean", "date");
  public static final Pattern KEY = Pattern.compile("^[a-z][a-z0-9_]{0,49}$");
  static final int MAX_TEXT = 2000;
  /** Numbers beyond this lose precision in browsers; nobody means them in a contact field. */
  private static final BigDecimal MAX_NUMBER = new BigDecimal("1e15");

  private Properties() {
  }

  /** What properties hang on, with the table of its values and that table's owner column. */
  public enum Owner {
    CONTACT("contact", "contact_property", "contact_id"),
    PROFILE("profile", "profile_property", "profile_id");

    final String scope;
    final String table;
    final String column;

    Owner(String scope, String table, String column) {
      this.scope = scope;
      this.table = table;
      this.column = column;
    }
  }

  record Definition(long id, String scope, String key, String label, String type, int position) {
    static Definition of(Row r) {
      return new Definition(r.getLong("id"), r.getString("scope"), r.getString("key"), r.getString("label"),
          r.getString("type"), r.getInteger("position"));
    }
  }

  private static Future<Map<String, Definition>> definitions(SqlClient c, long workspaceId, String scope) {
    return Db.list(c, "SELECT * FROM property WHERE workspace_id = $1 AND scope = $2", workspaceId, scope).map(rows -> {
      Map<String, Definition> byKey = new HashMap<>();
      rows.forEach(r -> byKey.put(r.getString("key"), Definition.of(r)));
      return byKey;
    });
  }

  /**
   * The values a client sent as {@code {key: value}} (null for none), checked against the owner's definitions as
   * {@link #check} does.
   */
  public static Future<Map<Long, String>> values(SqlClient c, long workspaceId, Owner owner, JsonObject in) {
    return definitions(c, workspaceId, owner.scope).map(defs -> in == null ? Map.of() : check(in, defs));
  }

  /**
   * Checks {@code {key: value}} against the definitions: unknown keys and values of the wrong type are 400 naming
   * {@code properties.<key>}. Returns property id → the value to store as JSON, or null to remove it.
   */
  static Map<Long, String> check(JsonObject in, Map<String, Definition> defs) {
    if (in.size() > 100) throw ApiError.validation("properties", "properties has more than 100 keys");
    Map<Long, String> out = new LinkedHashMap<>();
    for (String key : in.fieldNames()) {
      String field = "properties." + key;
      Definition d = defs.get(key);
      if (d == null) throw ApiError.validation(field, "there is no property " + key + " (define it first under /properties)");
      Object v = in.getValue(key);
      out.put(d.id(), v == null ? null : encode(field, d.type(), v));
    }
    return out;
  }

  /** The value as stored (JSON text), or null when it clears the property (null or an empty text). */
  static String encode(String field, String type, Object v) {
    switch (type) {
      case "text" -> {
        if (!(v instanceof String s)) throw ApiError.validation(field, field + " must be text");
        if (s.length() > MAX_TEXT) throw ApiError.validation(field, field + " is longer than " + MAX_TEXT + " characters");
        return s.isBlank() ? null : Json.encode(s);
      }
      case "number" -> {
        BigDecimal n = number(v);
        if (n == null) throw ApiError.validation(field, field + " must be a number");
        if (n.abs().compareTo(MAX_NUMBER) > 0) throw ApiError.validation(field, field + " is too large");
        return n.stripTrailingZeros().toPlainString();
      }
      case "boolean" -> {
        if (v instanceof Boolean b) return b.toString();
        if ("true".equals(v) || "false".equals(v)) return (String) v;
        throw ApiError.validation(field, field + " must be true or false");
      }
      case "date" -> {
        if (v instanceof String s) {
          try {
            return Json.encode(LocalDate.parse(s.trim()).toString());
          } catch (DateTimeParseException e) {
            // reported below
          }
        }
        throw ApiError.validation(field, field + " must be a date like 2026-01-31");
      }
      default -> throw new IllegalStateException("unknown property type " + type);
    }
  }

  private static BigDecimal number(Object v) {
    try {
      if (v instanceof Integer || v instanceof Long) return BigDecimal.valueOf(((Number) v).longValue());
      if (v instanceof Number n) {
        double d = n.doubleValue();
        return Double.isFinite(d) ? new BigDecimal(n.toString()) : null;
      }
      if (v instanceof String s && s.trim().matches("-?\\d{1,16}(\\.\\d{1,10})?")) return new BigDecimal(s.trim());
    } catch (NumberFormatException ignored) {
      // not a number
    }
    return null;
  }

  /** Writes checked values (from {@link #values}) for one owner. */
  public static Future<Void> write(Tx conn, Owner owner, long ownerId, Map<Long, String> values) {
    String table = owner.table;
    String column = owner.column;
    Future<Void> f = Future.succeededFuture();
    for (Map.Entry<Long, String> e : values.entrySet()) {
      f = f.compose(v -> (e.getValue() == null
          ? Db.query(conn, "DELETE FROM " + table + " WHERE " + column + " = $1 AND property_id = $2", ownerId, e.getKey())
          : Db.query(conn, "INSERT INTO " + table + " (" + column + ", property_id, value) VALUES ($1, $2, $3::text::jsonb)"
              + " ON CONFLICT (" + column + ", property_id) DO UPDATE SET value = EXCLUDED.value", ownerId, e.getKey(), e.getValue()))
          .mapEmpty());
    }
    return f;
  }

  /** The values of one owner ({@code id} its id column, as {@code ct.id}) as {@code {key: value}}, in the definitions' order. */
  static String valuesSql(Owner owner, String id) {
    return "COALESCE((SELECT json_object_agg(pd.key, v.value ORDER BY pd.position, pd.id) FROM " + owner.table
        + " v JOIN property pd ON pd.id = v.property_id WHERE v." + owner.column + " = " + id + "), '{}')";
  }

  // ---- the definitions, as /properties shows and changes them ----

  /** A definition as a client sends it; on an update, null leaves a field as it is. */
  public record Draft(String scope, String key, String label, String type, Integer position) {
  }

  /** The workspace's definitions ({@code scope} null for both), as the API lists them. */
  public static Future<JsonArray> list(SqlClient c, long workspaceId, String scope) {
    return Db.list(c, """
        SELECT * FROM property WHERE workspace_id = $1 AND ($2::text IS NULL OR scope = $2)
        ORDER BY scope, position, id""", workspaceId, scope)
        .map(rows -> {
          JsonArray items = new JsonArray();
          rows.forEach(r -> items.add(json(r)));
          return items;
        });
  }

  /** Defines a property (last in its scope unless a position is given); 409 when its key is taken. Audited. */
  public static Future<JsonObject> create(Tx conn, Actor a, Draft d) {
    return keyFree(Db.one(conn, """
            INSERT INTO property (workspace_id, scope, key, label, type, position)
            VALUES ($1, $2, $3, $4, $5, COALESCE($6, (SELECT COALESCE(max(position) + 1, 0) FROM property
                                                       WHERE workspace_id = $1 AND scope = $2)))
            RETURNING *""", a.workspaceId(), d.scope(), d.key(), d.label(), d.type(), d.position()), d.scope())
        .compose(r -> Audit.record(conn, a, "property.created", "property", r.getLong("id"), json(r)).map(json(r)));
  }

  /**
   * Changes what the draft gives (its scope is ignored); 404 when there is no such property, 409 when the key is taken
   * or the type would change under existing values. Audited with before and after.
   */
  public static Future<JsonObject> update(Tx conn, Actor a, long id, Draft d) {
    return Db.one(conn, "SELECT * FROM property WHERE id = $1 AND workspace_id = $2 FOR UPDATE", id, a.workspaceId())
        .compose(before -> {
          if (before == null) return Future.failedFuture(ApiError.notFound("property"));
          Future<Void> typeCheck = d.type() == null || d.type().equals(before.getString("type")) ? Future.succeededFuture()
              : Db.one(conn, """
                  SELECT EXISTS (SELECT 1 FROM contact_property WHERE property_id = $1)
                      OR EXISTS (SELECT 1 FROM profile_property WHERE property_id = $1)""", id)
                  .compose(r -> r.getBoolean(0)
                      ? Future.failedFuture(ApiError.conflict("type", "values of this property exist; its type cannot change"))
                      : Future.<Void>succeededFuture());
          return typeCheck.compose(v -> keyFree(Db.one(conn, """
                  UPDATE property SET key = COALESCE($2, key), label = COALESCE($3, label), type = COALESCE($4, type),
                    position = COALESCE($5, position)
                  WHERE id = $1 RETURNING *""", id, d.key(), d.label(), d.type(), d.position()), before.getString("scope")))
              .compose(r -> Audit.record(conn, a, "property.updated", "property", id,
                  new JsonObject().put("before", json(before)).put("after", json(r))).map(json(r)));
        });
  }

  /** Deletes a property and with it its values; 404 when there is none. Audited. */
  public static Future<Void> delete(Tx conn, Actor a, long id) {
    return Db.one(conn, "DELETE FROM property WHERE id = $1 AND workspace_id = $2 RETURNING *", id, a.workspaceId())
        .compose(r -> r == null ? Future.failedFuture(ApiError.notFound("property"))
            : Audit.record(conn, a, "property.deleted", "property", id, json(r)));
  }

  /** A key is unique per scope: its violation is a 409 naming {@code key}. */
  private static <T> Future<T> keyFree(Future<T> write, String scope) {
    return write.recover(t -> Future.failedFuture(Failures.isUniqueViolation(t)
        ? ApiError.conflict("key", "a " + scope + " property with this key exists") : t));
  }

  private static JsonObject json(Row r) {
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("scope", r.getString("scope"))
        .put("key", r.getString("key"))
        .put("label", r.getString("label"))
        .put("type", r.getString("type"))
        .put("position", r.getInteger("position"))
        .put("created_at", Times.iso(r, "created_at"));
  }
}
