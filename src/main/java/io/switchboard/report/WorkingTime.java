package io.switchboard.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;

/**
 * How long something waited, counting only the time an inbox is open: the overlap of {@code [start, end)} with its
 * business hours ({@code {"timezone","weekly","holidays"}}, as {@code inbox.BusinessHours} checks them). An inbox
 * without business hours is always open, so the whole wall-clock duration counts.
 */
final class WorkingTime {

  private static final Map<DayOfWeek, String> KEY = Map.of(DayOfWeek.MONDAY, "mon", DayOfWeek.TUESDAY, "tue",
      DayOfWeek.WEDNESDAY, "wed", DayOfWeek.THURSDAY, "thu", DayOfWeek.FRIDAY, "fri", DayOfWeek.SATURDAY, "sat",
      DayOfWeek.SUNDAY, "sun");

  private WorkingTime() {
  }

  static boolean has(JsonObject hours) {
    return hours != null && hours.getString("timezone") != null;
  }

  /** Seconds between {@code start} and {@code end} during which the inbox was open. */
  static long seconds(JsonObject hours, Instant start, Instant end) {
    if (!end.isAfter(start)) return 0;
    if (!has(hours)) return Duration.between(start, end).getSeconds();
    ZoneId zone = ZoneId.of(hours.getString("timezone"));
    JsonArray holidays = hours.getJsonArray("holidays", new JsonArray());
    JsonObject weekly = hours.getJsonObject("weekly", new JsonObject());
    long total = 0;
    LocalDate last = end.atZone(zone).toLocalDate();
    for (LocalDate day = start.atZone(zone).toLocalDate(); !day.isAfter(last); day = day.plusDays(1)) {
      if (holidays.contains(day.toString())) continue;
      JsonArray ranges = weekly.getJsonArray(KEY.get(day.getDayOfWeek()));
      if (ranges == null) continue;
      for (Object o : ranges) {
        JsonArray pair = (JsonArray) o;
        Instant open = day.atTime(LocalTime.parse(pair.getString(0))).atZone(zone).toInstant();
        Instant close = "24:00".equals(pair.getString(1)) ? day.plusDays(1).atStartOfDay(zone).toInstant()
            : day.atTime(LocalTime.parse(pair.getString(1))).atZone(zone).toInstant();
        Instant from = open.isAfter(start) ? open : start;
        Instant to = close.isBefore(end) ? close : end;
        if (to.isAfter(from)) total += Duration.between(from, to).getSeconds();
      }
    }
    return total;
  }
}
