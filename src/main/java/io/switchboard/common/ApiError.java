package io.switchboard.common;

import io.vertx.core.json.JsonObject;

/**
 * A failure the client is meant to read: the HTTP status, a stable code and, where one field is at fault, its name.
 * Thrown or failed anywhere below a route; {@link Api} turns it into {@code {"error":{code,message,field}}}.
 */
public final class ApiError extends RuntimeException {

  public final int status;
  public final String code;
  public final String field;
  /** Seconds a client should wait before trying again (429, 503), or 0. */
  public final int retryAfter;

  public ApiError(int status, String code, String message, String field, int retryAfter) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfter = retryAfter;
  }

  public static ApiError validation(String field, String message) {
    return new ApiError(400, "validation", message, field, 0);
  }

  public static ApiError unauthorized(String message) {
    return new ApiError(401, "unauthorized", message, null, 0);
  }

  public static ApiError forbidden(String message) {
    return new ApiError(403, "forbidden", message, null, 0);
  }

  /** Also what a user gets for something that exists but they may not see. */
  public static ApiError notFound(String what) {
    return new ApiError(404, "not_found", what + " not found", null, 0);
  }

  public static ApiError conflict(String field, String message) {
    return new ApiError(409, "conflict", message, field, 0);
  }

  public static ApiError tooLarge(String message) {
    return new ApiError(413, "too_large", message, null, 0);
  }

  public static ApiError rateLimited(int retryAfterSeconds) {
    return new ApiError(429, "rate_limited", "too many requests; retry in " + retryAfterSeconds + " s", null, retryAfterSeconds);
  }

  public static ApiError unavailable(String message) {
    return new ApiError(503, "unavailable", message, null, 2);
  }

  public JsonObject toJson() {
    JsonObject error = new JsonObject().put("code", code).put("message", getMessage());
    if (field != null) error.put("field", field);
    return new JsonObject().put("error", error);
  }
}
