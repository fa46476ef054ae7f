package io.switchboard.http;

import io.switchboard.common.ApiError;
import io.switchboard.common.Failures;
import io.switchboard.common.Times;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;

/**
 * Refuses text PostgreSQL cannot store, where REST input is read: JSON bodies ({@link Input}) and query parameters
 * ({@link #queryParameters}). Two kinds of character: U+0000, which PostgreSQL refuses in text and in jsonb (a 500
 * deep in some handler otherwise), and an unpaired UTF-16 surrogate, which Jackson lets through (from a JSON
 * {@code \ud83d} escape or from CESU-style bytes) but which has no UTF-8 form, so the driver would silently write
 * {@code ?} in its place. Either is the client's mistake: a 400 naming the field.
 */
public final class StorableText {

  private StorableText() {
  }

  /** What in {@code s} cannot be stored, for the error message, or null when all of it can. */
  static String unstorable(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0) return "U+0000";
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++; // a whole pair: one character outside the BMP
      } else if (Character.isSurrogate(c)) {
        return String.format("an unpaired surrogate U+%04X", (int) c);
      }
    }
    return null;
  }

  /**
   * Every string and every key in a JSON value, however deep. Fields are named by their path ({@code properties.city},
   * {@code identities[0].address}); a bad key is blamed on the object holding it ({@code null} at the top).
   */
  static void check(String path, Object value) {
    if (value instanceof String s) {
      String bad = unstorable(s);
      if (bad != null) throw ApiError.validation(path, (path == null ? "a value" : path) + " contains a character that cannot be stored (" + bad + ")");
    } else if (value instanceof JsonObject o) {
      for (Map.Entry<String, Object> e : o) {
        String bad = unstorable(e.getKey());
        if (bad != null) {
          throw ApiError.validation(path, "a field name" + (path == null ? "" : " in " + path) + " contains a character that cannot be stored (" + bad + ")");
        }
        check(path == null ? e.getKey() : path + "." + e.getKey(), e.getValue());
      }
    } else if (value instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) check((path == null ? "" : path) + "[" + i + "]", a.getValue(i));
    }
  }

  /** A handler for every REST route: each query parameter, name and value, before any handler reads it. */
  public static void queryParameters(RoutingContext ctx) {
    for (Map.Entry<String, String> p : ctx.queryParams()) {
      String bad = unstorable(p.getKey());
      if (bad != null) {
        Rest.fail(ctx, ApiError.validation(null, "a query parameter name contains a character that cannot be stored (" + bad + ")"));
        return;
      }
      bad = unstorable(p.getValue());
      if (bad != null) {
        Rest.fail(ctx, ApiError.validation(p.getKey(), p.getKey() + " contains a character that cannot be stored (" + bad + ")"));
        return;
      }
    }
    ctx.next();
  }
}
