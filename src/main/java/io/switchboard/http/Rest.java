package io.switchboard.http;

import io.switchboard.common.ApiError;
import io.switchboard.common.Failures;
import io.switchboard.common.Times;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;

/** How REST handlers answer: JSON bodies, the error shape of the API, and ids from the path. */
public final class Rest {

  private static final Logger log = LoggerFactory.getLogger(Rest.class);

  private Rest() {
  }

  /** A status with a body, for answers other than 200. */
  public record Reply(int status, JsonObject body) {
    public static Reply created(JsonObject body) {
      return new Reply(201, body);
    }

    public static Reply noContent() {
      return new Reply(204, null);
    }
  }

  /**
   * Wraps a handler whose future yields a JsonObject (200), a {@link Reply}, or nothing (204). Exceptions thrown
   * while building the future are answered like failed futures.
   */
  public static Handler<RoutingContext> handle(Function<RoutingContext, Future<?>> handler) {
    return ctx -> {
      Future<?> f;
      try {
        f = handler.apply(ctx);
      } catch (RuntimeException e) {
        fail(ctx, e);
        return;
      }
      f.onComplete(ar -> {
        if (ctx.response().ended()) return;
        if (ar.failed()) {
          fail(ctx, ar.cause());
        } else if (ar.result() instanceof Reply r) {
          send(ctx, r.status(), r.body());
        } else if (ar.result() instanceof JsonObject j) {
          send(ctx, 200, j);
        } else {
          send(ctx, 204, null);
        }
      });
    };
  }

  public static void send(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended()) return;
    ctx.response().setStatusCode(status);
    if (body == null) {
      ctx.response().end();
    } else {
      ctx.response().putHeader("Content-Type", "application/json; charset=utf-8").end(body.encode());
    }
  }

  public static void fail(RoutingContext ctx, Throwable t) {
    ApiError e = Failures.toApiError(t);
    if (e.status >= 500) {
      // refusals under overload are counted and logged by the ingest queue, not one line each
      if (e.status == 503 && !(t instanceof io.switchboard.db.TryLater)) {
        log.warn("{} {} answered 503: {}", ctx.request().method(), ctx.request().path(), t.toString());
      }
      else log.error("{} {} failed", ctx.request().method(), ctx.request().path(), t);
    }
    if (e.retryAfter > 0) ctx.response().putHeader("Retry-After", String.valueOf(e.retryAfter));
    send(ctx, e.status, e.toJson());
  }

  /** Turns a unique-key violation into a 409 naming the field. */
  public static <T> Future<T> orConflict(Future<T> f, String field, String message) {
    return f.recover(t -> Future.failedFuture(Failures.isUniqueViolation(t) ? ApiError.conflict(field, message) : t));
  }

  /** A numeric id from the path; anything else names nothing, so it is 404. */
  public static long pathId(RoutingContext ctx, String name, String what) {
    String raw = ctx.pathParam(name);
    try {
      long id = Long.parseLong(raw);
      if (id > 0) return id;
    } catch (NumberFormatException ignored) {
      // fall through
    }
    throw ApiError.notFound(what);
  }
}
