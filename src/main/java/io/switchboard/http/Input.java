package io.switchboard.http;

import io.switchboard.common.ApiError;
import io.switchboard.common.Failures;
import io.switchboard.common.Times;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;

/**
 * A request's JSON object with typed, validated reads. Every failed check is a 400 naming the field. A body holding
 * text PostgreSQL cannot store (NUL, unpaired surrogates), in any value or key at any depth, is refused as a whole.
 * "opt" reads return null when the field is absent or null; {@link #has} tells absent from null for PATCH.
 */
public final class Input {

  private final JsonObject json;

  public Input(JsonObject json) {
    this.json = json;
  }

  /** The request's JSON object body, parsed once per request however many handlers read it. */
  public static Input of(RoutingContext ctx) {
    Input cached = ctx.get(KEY);
    if (cached != null) return cached;
    Input in = parse(ctx);
    ctx.put(KEY, in);
    return in;
  }

  private static final String KEY = Input.class.getName();

  private static Input parse(RoutingContext ctx) {
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    if (body == null || body.length() == 0) throw ApiError.validation(null, "a JSON object body is required");
    Object parsed;
    try {
      parsed = io.vertx.core.json.Json.decodeValue(body);
    } catch (DecodeException e) {
      throw ApiError.validation(null, "the body is not valid JSON");
    }
    if (!(parsed instanceof JsonObject o)) throw ApiError.validation(null, "the body must be a JSON object");
    // once for the whole body, so no handler, validator or jsonb column ever meets text the database refuses; a
    // provider's webhook is not refused for it (it would retry for ever): ingest stores it cleaned instead
    if (!ctx.request().path().startsWith("/hooks/")) StorableText.check(null, o);
    return new Input(o);
  }

  /** An empty body reads as {}: for calls whose fields are all optional. */
  public static Input orEmpty(RoutingContext ctx) {
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    return body == null || body.length() == 0 ? new Input(new JsonObject()) : of(ctx);
  }

  public JsonObject json() {
    return json;
  }

  public boolean has(String field) {
    return json.containsKey(field);
  }

  public boolean isNull(String field) {
    return json.containsKey(field) && json.getValue(field) == null;
  }

  public String text(String field, int maxLength) {
    String v = optText(field, maxLength);
    if (v == null || v.isBlank()) throw ApiError.validation(field, field + " is required");
    return v;
  }

  public String optText(String field, int maxLength) {
    Object v = json.getValue(field);
    if (v == null) return null;
    if (!(v instanceof String s)) throw ApiError.validation(field, field + " must be a string");
    if (s.length() > maxLength) throw ApiError.validation(field, field + " is longer than " + maxLength + " characters");
    return s;
  }

  public String oneOf(String field, Set<String> allowed) {
    String v = optOneOf(field, allowed);
    if (v == null) throw ApiError.validation(field, field + " is required (one of " + String.join(", ", sorted(allowed)) + ")");
    return v;
  }

  public String optOneOf(String field, Set<String> allowed) {
    String v = optText(field, 200);
    if (v != null && !allowed.contains(v)) {
      throw ApiError.validation(field, field + " must be one of " + String.join(", ", sorted(allowed)));
    }
    return v;
  }

  public long id(String field) {
    Long v = optId(field);
    if (v == null) throw ApiError.validation(field, field + " is required");
    return v;
  }

  public Long optId(String field) {
    Object v = json.getValue(field);
    if (v == null) return null;
    if (v instanceof Number n && n.doubleValue() == n.longValue() && n.longValue() > 0) return n.longValue();
    throw ApiError.validation(field, field + " must be a positive integer id");
  }

  public Long optLong(String field, long min, long max) {
    Object v = json.getValue(field);
    if (v == null) return null;
    if (!(v instanceof Number n) || n.doubleValue() != n.longValue()) throw ApiError.validation(field, field + " must be an integer");
    if (n.longValue() < min || n.longValue() > max) {
      throw ApiError.validation(field, field + " must be between " + min + " and " + max);
    }
    return n.longValue();
  }

  public Boolean optBool(String field) {
    Object v = json.getValue(field);
    if (v == null) return null;
    if (!(v instanceof Boolean b)) throw ApiError.validation(field, field + " must be true or false");
    return b;
  }

  public JsonObject optObject(String field) {
    Object v = json.getValue(field);
    if (v == null) return null;
    if (!(v instanceof JsonObject o)) throw ApiError.validation(field, field + " must be an object");
    return o;
  }

  public JsonArray optArray(String field, int maxItems) {
    Object v = json.getValue(field);
    if (v == null) return null;
    if (!(v instanceof JsonArray a)) throw ApiError.validation(field, field + " must be an array");
    if (a.size() > maxItems) throw ApiError.validation(field, field + " has more than " + maxItems + " items");
    return a;
  }

  private static java.util.List<String> sorted(Set<String> s) {
    return s.stream().sorted().toList();
  }

  /** Whether {@code s} is an absolute http or https URL with a host. */
  public static boolean isHttpUrl(String s) {
    try {
      java.net.URI u = java.net.URI.create(s);
      return u.getScheme() != null && (u.getScheme().equals("http") || u.getScheme().equals("https")) && u.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
