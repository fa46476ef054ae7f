package io.switchboard.contact;

import io.switchboard.db.Db;
import io.switchboard.common.ApiError;
import io.vertx.core.Future;
import io.vertx.core.json.Json;
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

  public record Definition(long id, String scope, String key, String label, String type, int position) {
    static Definition of(Row r) {
      return new Definition(r.getLong("id"), r.getString("scope"), r.getString("key"), r.getString("label"),
          r.getString("type"), r.getInteger("position"));
    }
  }

  public static Future<Map<String, Definition>> definitions(SqlClient c, long workspaceId, String scope) {
    return Db.list(c, "SELECT * FROM property WHERE workspace_id = $1 AND scope = $2", workspaceId, scope).map(rows -> {
      Map<String, Definition> byKey = new HashMap<>();
      rows.forEach(r -> byKey.put(r.getString("key"), Definition.of(r)));
      return byKey;
    });
  }

  /**
   * Checks {@code {key: value}} against the definitions: unknown keys and values of the wrong type are 400 naming
   * {@code properties.<key>}. Returns property id → the value to store as JSON, or null to remove it.
   */
  public static Map<Long, String> check(JsonObject in, Map<String, Definition> defs) {
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

  /**
   * Writes checked values for one owner ({@code table} is contact_property or profile_property, {@code column} its
   * owner column, both constants of this package).
   */
  public static Future<Void> write(Tx conn, String table, String column, long ownerId, Map<Long, String> values) {
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

  /** The values of one owner as {@code {key: value}}, in the definitions' order. */
  static String valuesSql(String table, String column, String owner) {
    return "COALESCE((SELECT json_object_agg(pd.key, v.value ORDER BY pd.position, pd.id) FROM " + table
        + " v JOIN property pd ON pd.id = v.property_id WHERE v." + column + " = " + owner + "), '{}')";
  }
}
