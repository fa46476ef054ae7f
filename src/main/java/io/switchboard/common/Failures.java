package io.switchboard.common;

import io.switchboard.db.TryLater;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;

import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/** Sorts failures into what a client can act on: its own mistake, try again later, or our fault. */
public final class Failures {

  private Failures() {
  }

  /** True when the database cannot be reached or asked us to retry: the client should try again (503, SMTP 451). */
  public static boolean isUnavailable(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof TryLater) return true;
      if (c instanceof PgException pg) {
        String state = pg.getSqlState();
        return state != null && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57")
            || state.equals("40001") || state.equals("40P01"));
      }
      if (c instanceof ConnectException || c instanceof TimeoutException || c instanceof IOException) return true;
      if (c.getClass().getName().startsWith("io.vertx.sqlclient") || c.getClass().getName().contains("ClosedConnection")) {
        return true;
      }
      if (c instanceof VertxException && c.getMessage() != null) {
        String m = c.getMessage().toLowerCase();
        if (m.contains("connection") || m.contains("timeout") || m.contains("closed")) return true;
      }
    }
    return false;
  }

  /** The SQLSTATE of a PostgreSQL error, or null. */
  public static String sqlState(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof PgException pg) return pg.getSqlState();
    }
    return null;
  }

  public static boolean isUniqueViolation(Throwable t) {
    return "23505".equals(sqlState(t));
  }

  /** Any failure as the error a client sees. */
  public static ApiError toApiError(Throwable t) {
    if (t instanceof ApiError e) return e;
    if (t instanceof TryLater later) return new ApiError(503, "unavailable", later.getMessage(), null, later.retryAfterSeconds);
    if (isUnavailable(t)) return ApiError.unavailable("the database is unavailable; try again shortly");
    return new ApiError(500, "internal", "internal error", null, 0);
  }
}
