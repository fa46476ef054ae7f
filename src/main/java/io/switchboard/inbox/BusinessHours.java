package io.switchboard.inbox;

import io.switchboard.common.ApiError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * An inbox's opening hours: {@code {"timezone":"Europe/Amsterdam","weekly":{"mon":[["09:00","17:00"]],…},
 * "holidays":["2026-12-25"]}}. A day missing from {@code weekly} is closed; a holiday is closed all day.
 * An inbox with no business hours is always open.
 */
public final class BusinessHours {

  private static final List<String> DAYS = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");
  private static final Map<DayOfWeek, String> KEY = Map.of(DayOfWeek.MONDAY, "mon", DayOfWeek.TUESDAY, "tue",
      DayOfWeek.WEDNESDAY, "wed", DayOfWeek.THURSDAY, "thu", DayOfWeek.FRIDAY, "fri", DayOfWeek.SATURDAY, "sat",
      DayOfWeek.SUNDAY, "sun");

  private BusinessHours() {
  }

  /** Checks the shape and returns it in normal form; a 400 on field {@code business_hours} otherwise. */
  public static JsonObject validate(JsonObject in) {
    if (in == null) return null;
    String field = "business_hours";
    for (String k : in.fieldNames()) {
      if (!List.of("timezone", "weekly", "holidays").contains(k)) throw ApiError.validation(field, "business_hours has an unknown field " + k);
    }
    Object tzValue = in.getValue("timezone");
    if (!(tzValue instanceof String tz)) throw ApiError.validation(field, "business_hours.timezone is required, e.g. Europe/Amsterdam");
    try {
      ZoneId.of(tz);
    } catch (DateTimeException e) {
      throw ApiError.validation(field, "business_hours.timezone " + tz + " is not a known time zone");
    }
    JsonObject weekly = new JsonObject();
    Object w = in.getValue("weekly");
    if (w != null && !(w instanceof JsonObject)) throw ApiError.validation(field, "business_hours.weekly must be an object");
    if (w instanceof JsonObject wo) {
      for (String day : wo.fieldNames()) {
        if (!DAYS.contains(day)) throw ApiError.validation(field, "business_hours.weekly has an unknown day " + day + " (use mon…sun)");
        Object ranges = wo.getValue(day);
        if (!(ranges instanceof JsonArray ra) || ra.size() > 10) {
          throw ApiError.validation(field, "business_hours.weekly." + day + " must be a list of [\"HH:MM\",\"HH:MM\"] ranges");
        }
        JsonArray out = new JsonArray();
        for (Object r : ra) {
          if (!(r instanceof JsonArray pair) || pair.size() != 2) {
            throw ApiError.validation(field, "business_hours.weekly." + day + " must be a list of [\"HH:MM\",\"HH:MM\"] ranges");
          }
          LocalTime from = time(pair.getValue(0), day);
          LocalTime to = time(pair.getValue(1), day);
          boolean toMidnight = "24:00".equals(pair.getValue(1));
          if (!toMidnight && !from.isBefore(to)) {
            throw ApiError.validation(field, "business_hours.weekly." + day + ": a range must start before it ends");
          }
          out.add(new JsonArray().add(pair.getValue(0)).add(pair.getValue(1)));
        }
        weekly.put(day, out);
      }
    }
    JsonArray holidays = new JsonArray();
    Object h = in.getValue("holidays");
    if (h != null) {
      if (!(h instanceof JsonArray ha) || ha.size() > 366) throw ApiError.validation(field, "business_hours.holidays must be a list of dates");
      for (Object d : ha) {
        try {
          holidays.add(LocalDate.parse(String.valueOf(d)).toString());
        } catch (DateTimeParseException e) {
          throw ApiError.validation(field, "business_hours.holidays: " + d + " is not a date like 2026-12-25");
        }
      }
    }
    return new JsonObject().put("timezone", tz).put("weekly", weekly).put("holidays", holidays);
  }

  private static LocalTime time(Object v, String day) {
    if ("24:00".equals(v)) return LocalTime.MAX;
    try {
      if (!(v instanceof String s) || !s.matches("\\d{2}:\\d{2}")) throw new DateTimeParseException("", "", 0);
      return LocalTime.parse(s);
    } catch (DateTimeParseException e) {
      throw ApiError.validation("business_hours", "business_hours.weekly." + day + ": " + v + " is not a time like 09:00");
    }
  }

  /** The first moment at or after {@code t} when the inbox is open, or null when it never opens within a year and a week. */
  public static Instant nextOpening(JsonObject hours, Instant t) {
    if (hours == null || hours.getString("timezone") == null) return t;
    if (isOpen(hours, t)) return t;
    ZoneId zone = ZoneId.of(hours.getString("timezone"));
    LocalDate day = t.atZone(zone).toLocalDate();
    JsonArray holidays = hours.getJsonArray("holidays", new JsonArray());
    JsonObject weekly = hours.getJsonObject("weekly", new JsonObject());
    for (int i = 0; i < 373; i++, day = day.plusDays(1)) {
      if (holidays.contains(day.toString())) continue;
      JsonArray ranges = weekly.getJsonArray(KEY.get(day.getDayOfWeek()));
      if (ranges == null) continue;
      Instant best = null;
      for (Object o : ranges) {
        Instant start = day.atTime(LocalTime.parse(((JsonArray) o).getString(0))).atZone(zone).toInstant();
        if (start.isAfter(t) && (best == null || start.isBefore(best))) best = start;
      }
      if (best != null) return best;
    }
    return null;
  }

  /** Whether an inbox with these hours is open at {@code t}. No hours configured means always open. */
  public static boolean isOpen(JsonObject hours, Instant t) {
    if (hours == null || hours.getString("timezone") == null) return true;
    ZonedDateTime local = t.atZone(ZoneId.of(hours.getString("timezone")));
    JsonArray holidays = hours.getJsonArray("holidays", new JsonArray());
    if (holidays.contains(local.toLocalDate().toString())) return false;
    JsonArray ranges = hours.getJsonObject("weekly", new JsonObject()).getJsonArray(KEY.get(local.getDayOfWeek()));
    if (ranges == null) return false;
    LocalTime now = local.toLocalTime();
    for (Object r : ranges) {
      JsonArray pair = (JsonArray) r;
      LocalTime from = LocalTime.parse(pair.getString(0));
      String toText = pair.getString(1);
      boolean before = "24:00".equals(toText) || now.isBefore(LocalTime.parse(toText));
      if (!now.isBefore(from) && before) return true;
    }
    return false;
  }
}
