package io.switchboard.common;

import io.vertx.sqlclient.Row;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Times in and out of the API: ISO-8601, UTC. */
public final class Times {

  private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_INSTANT;

  private Times() {
  }

  public static String iso(OffsetDateTime t) {
    return t == null ? null : ISO.format(t.withOffsetSameInstant(ZoneOffset.UTC));
  }

  public static String iso(Row r, String column) {
    return iso(r.getOffsetDateTime(column));
  }

  public static String iso(Instant t) {
    return t == null ? null : ISO.format(t);
  }

  /** Parses a client's time, with a 400 naming the field when it is not ISO-8601 with an offset. */
  public static OffsetDateTime parse(String field, String value) {
    if (value == null) return null;
    try {
      return OffsetDateTime.parse(value);
    } catch (DateTimeParseException e) {
      throw ApiError.validation(field, field + " must be an ISO-8601 time with an offset, e.g. 2026-01-31T09:00:00Z");
    }
  }
}
