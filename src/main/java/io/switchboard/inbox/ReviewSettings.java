package io.switchboard.inbox;

import io.switchboard.common.ApiError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * An inbox's customer-review settings ({@code settings.reviews}):
 * <pre>
 * {"enabled": true, "ask_after": "resolved", "channels": ["widget", "sms"],
 *  "message": "How did we do? Rate us from 1 to 5.", "low_rating_action": "reopen", "low_rating_threshold": 2}
 * </pre>
 * {@code channels} empty or absent: every channel of the inbox. {@code low_rating_action}: {@code none} (default),
 * {@code reopen} (the conversation opens again, assignee kept) or {@code assign} (it opens again unassigned, back in
 * the team's queue).
 */
public final class ReviewSettings {

  public static final String DEFAULT_MESSAGE = "Thanks for getting in touch! How did we do? Please rate us from 1 to 5.";
  public static final int DEFAULT_THRESHOLD = 2;
  private static final Set<String> KEYS = Set.of("enabled", "ask_after", "channels", "message", "low_rating_action", "low_rating_threshold");
  private static final Set<String> ACTIONS = Set.of("none", "reopen", "assign");

  private ReviewSettings() {
  }

  /** Checks {@code settings.reviews} and returns it in normal form (defaults filled in); a 400 naming the field otherwise. */
  public static JsonObject validate(String field, Object v) {
    if (!(v instanceof JsonObject o)) {
      throw ApiError.validation(field, field + " must be {\"enabled\": true, \"ask_after\": \"resolved\", \"channels\": [...], \"message\": \"...\"}");
    }
    for (String k : o.fieldNames()) {
      if (!KEYS.contains(k)) throw ApiError.validation(field + "." + k, field + " has no " + k + " (known: " + String.join(", ", KEYS.stream().sorted().toList()) + ")");
    }
    if (!(o.getValue("enabled") instanceof Boolean enabled)) throw ApiError.validation(field + ".enabled", field + ".enabled must be true or false");
    Object after = o.getValue("ask_after", "resolved");
    if (!"resolved".equals(after)) throw ApiError.validation(field + ".ask_after", field + ".ask_after must be \"resolved\"");
    JsonArray channels = new JsonArray();
    Object ch = o.getValue("channels");
    if (ch != null) {
      if (!(ch instanceof JsonArray list)) throw ApiError.validation(field + ".channels", field + ".channels must be a list of channels");
      for (Object c : list) {
        if (!(c instanceof String s) || !Endpoints.CHANNELS.contains(s)) {
          throw ApiError.validation(field + ".channels", field + ".channels must name channels among "
              + String.join(", ", Endpoints.CHANNELS.stream().sorted().toList()));
        }
        if (!channels.contains(s)) channels.add(s);
      }
    }
    Object m = o.getValue("message");
    String message = DEFAULT_MESSAGE;
    if (m != null) {
      if (!(m instanceof String s) || s.isBlank() || s.length() > 1000) {
        throw ApiError.validation(field + ".message", field + ".message must be text of 1 to 1000 characters");
      }
      message = s.trim();
    }
    Object action = o.getValue("low_rating_action", "none");
    if (!(action instanceof String a) || !ACTIONS.contains(a)) {
      throw ApiError.validation(field + ".low_rating_action", field + ".low_rating_action must be none, reopen or assign");
    }
    Object t = o.getValue("low_rating_threshold", DEFAULT_THRESHOLD);
    if (!(t instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 1 || n.longValue() > 4) {
      throw ApiError.validation(field + ".low_rating_threshold", field + ".low_rating_threshold must be a whole number from 1 to 4");
    }
    return new JsonObject().put("enabled", enabled).put("ask_after", "resolved").put("channels", channels)
        .put("message", message).put("low_rating_action", action).put("low_rating_threshold", n.intValue());
  }

  /** Whether a conversation on {@code channel} is asked for a rating under these settings (null: not set). */
  public static boolean asks(JsonObject reviews, String channel) {
    if (reviews == null || !reviews.getBoolean("enabled", false)) return false;
    JsonArray channels = reviews.getJsonArray("channels", new JsonArray());
    return channels.isEmpty() || channels.contains(channel);
  }
}
