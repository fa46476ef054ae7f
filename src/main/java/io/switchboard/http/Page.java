package io.switchboard.http;

import io.switchboard.common.ApiError;
import io.switchboard.common.Failures;
import io.switchboard.common.Times;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Keyset pagination: {@code ?limit=&cursor=}. A cursor is the sort key of the last item returned, opaque to clients
 * (base64url JSON), so pages stay stable while rows are added.
 */
public record Page(int limit, JsonArray after) {

  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 200;

  public static Page of(RoutingContext ctx) {
    String l = ctx.queryParams().get("limit");
    int limit = DEFAULT_LIMIT;
    if (l != null) {
      try {
        limit = Integer.parseInt(l);
      } catch (NumberFormatException e) {
        throw ApiError.validation("limit", "limit must be a number");
      }
      if (limit < 1 || limit > MAX_LIMIT) throw ApiError.validation("limit", "limit must be between 1 and " + MAX_LIMIT);
    }
    String c = ctx.queryParams().get("cursor");
    JsonArray after = null;
    if (c != null && !c.isBlank()) {
      try {
        after = new JsonArray(new String(Base64.getUrlDecoder().decode(c), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException | DecodeException e) {
        throw ApiError.validation("cursor", "cursor is not one this server gave out");
      }
    }
    return new Page(limit, after);
  }

  public static String cursor(Object... key) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(new JsonArray(List.of(key)).encode().getBytes(StandardCharsets.UTF_8));
  }

  public long afterLong(int i) {
    try {
      return ((Number) after.getValue(i)).longValue();
    } catch (RuntimeException e) {
      throw ApiError.validation("cursor", "cursor is not one this server gave out");
    }
  }

  public String afterString(int i) {
    try {
      return (String) after.getValue(i);
    } catch (RuntimeException e) {
      throw ApiError.validation("cursor", "cursor is not one this server gave out");
    }
  }

  /**
   * Builds the list response from up to limit+1 rows fetched: the extra row only says there is a next page.
   */
  public <T> JsonObject result(List<T> rows, java.util.function.Function<T, JsonObject> toJson,
                               java.util.function.Function<T, String> cursorOf) {
    JsonArray items = new JsonArray();
    boolean more = rows.size() > limit;
    List<T> shown = more ? rows.subList(0, limit) : rows;
    shown.forEach(r -> items.add(toJson.apply(r)));
    String next = more ? cursorOf.apply(shown.get(shown.size() - 1)) : null;
    return new JsonObject().put("items", items).put("next_cursor", next);
  }
}
