package io.switchboard.automation;

import io.switchboard.conversation.Tags;
import io.switchboard.common.ApiError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The rule format of chatbots, checked on save. A bot's {@code rules} is a list, tried in order for each message a
 * contact sends; the first whose trigger matches runs its actions:
 * <pre>
 * {"name": "pricing",
 *  "trigger": {"type": "keyword", "keywords": ["price", "cost"]}        whole words, any case
 *           | {"type": "regex", "pattern": "order\\s*#?\\d+", "case_sensitive": false}
 *           | {"type": "first_message"} | {"type": "outside_hours"} | {"type": "any"},
 *  "actions": [{"type": "reply", "text": "…"},
 *              {"type": "ask", "text": "What is your order number?", "property": "order_number", "retry_text": "…"},
 *              {"type": "tag", "tag": "sales"},
 *              {"type": "assign", "user_id": 7}          (no user_id: round-robin among online members)
 *              {"type": "handover", "text": "…"}]}       (last; the bot stops for this conversation)
 * </pre>
 */
public final class BotRules {

  static final int MAX_RULES = 50;
  static final int MAX_ACTIONS = 10;
  static final int MAX_KEYWORDS = 50;
  static final Set<String> TRIGGERS = Set.of("keyword", "regex", "first_message", "outside_hours", "any");
  static final Set<String> ACTIONS = Set.of("reply", "ask", "tag", "assign", "handover");

  private BotRules() {
  }

  /** Rules in normal form, and the property keys and user ids they name (field → value), for the caller to check. */
  public record Checked(JsonArray rules, Map<String, String> properties, Map<String, Long> users) {
  }

  public static Checked check(JsonArray in) {
    if (in == null) throw ApiError.validation("rules", "rules is required: a list of {trigger, actions}");
    if (in.size() > MAX_RULES) throw ApiError.validation("rules", "a chatbot has at most " + MAX_RULES + " rules");
    Map<String, String> properties = new LinkedHashMap<>();
    Map<String, Long> users = new LinkedHashMap<>();
    JsonArray out = new JsonArray();
    for (int i = 0; i < in.size(); i++) {
      String at = "rules[" + i + "]";
      if (!(in.getValue(i) instanceof JsonObject rule)) throw ApiError.validation(at, at + " must be an object {trigger, actions}");
      only(rule, at, Set.of("name", "trigger", "actions"));
      JsonObject r = new JsonObject();
      Object name = rule.getValue("name");
      if (name != null) {
        if (!(name instanceof String s) || s.length() > 100) throw ApiError.validation(at + ".name", at + ".name must be text (at most 100)");
        r.put("name", s);
      }
      r.put("trigger", trigger(at + ".trigger", rule.getValue("trigger")));
      Object actions = rule.getValue("actions");
      if (!(actions instanceof JsonArray list) || list.isEmpty() || list.size() > MAX_ACTIONS) {
        throw ApiError.validation(at + ".actions", at + ".actions must be a list of 1 to " + MAX_ACTIONS + " actions");
      }
      JsonArray acts = new JsonArray();
      for (int j = 0; j < list.size(); j++) {
        String af = at + ".actions[" + j + "]";
        JsonObject a = action(af, list.getValue(j), properties, users);
        if ("handover".equals(a.getString("type")) && j != list.size() - 1) {
          throw ApiError.validation(af, af + ": handover ends the bot's work, so it must be the last action");
        }
        acts.add(a);
      }
      r.put("actions", acts);
      out.add(r);
    }
    return new Checked(out, properties, users);
  }

  private static JsonObject trigger(String at, Object v) {
    if (!(v instanceof JsonObject t)) throw ApiError.validation(at, at + " is required: {\"type\": one of " + list(TRIGGERS) + "}");
    String type = type(at, t, TRIGGERS);
    JsonObject out = new JsonObject().put("type", type);
    switch (type) {
      case "keyword" -> {
        only(t, at, Set.of("type", "keywords"));
        Object k = t.getValue("keywords");
        if (!(k instanceof JsonArray words) || words.isEmpty() || words.size() > MAX_KEYWORDS) {
          throw ApiError.validation(at + ".keywords", at + ".keywords must be a list of 1 to " + MAX_KEYWORDS + " words");
        }
        JsonArray normal = new JsonArray();
        for (Object w : words) {
          if (!(w instanceof String s) || s.isBlank() || s.length() > 100) {
            throw ApiError.validation(at + ".keywords", at + ".keywords must be words or phrases of 1 to 100 characters");
          }
          normal.add(s.trim().toLowerCase(Locale.ROOT));
        }
        out.put("keywords", normal);
      }
      case "regex" -> {
        only(t, at, Set.of("type", "pattern", "case_sensitive"));
        Object p = t.getValue("pattern");
        Object cs = t.getValue("case_sensitive");
        if (cs != null && !(cs instanceof Boolean)) throw ApiError.validation(at + ".case_sensitive", at + ".case_sensitive must be true or false");
        boolean sensitive = Boolean.TRUE.equals(cs);
        SafeRegex.compile(at + ".pattern", p instanceof String s ? s : null, sensitive);
        out.put("pattern", p).put("case_sensitive", sensitive);
      }
      default -> only(t, at, Set.of("type"));
    }
    return out;
  }

  private static JsonObject action(String at, Object v, Map<String, String> properties, Map<String, Long> users) {
    if (!(v instanceof JsonObject a)) throw ApiError.validation(at, at + " must be an object {\"type\": one of " + list(ACTIONS) + "}");
    String type = type(at, a, ACTIONS);
    JsonObject out = new JsonObject().put("type", type);
    switch (type) {
      case "reply" -> {
        only(a, at, Set.of("type", "text"));
        out.put("text", text(at + ".text", a.getValue("text"), true));
      }
      case "ask" -> {
        only(a, at, Set.of("type", "text", "property", "retry_text"));
        out.put("text", text(at + ".text", a.getValue("text"), true));
        Object p = a.getValue("property");
        if (!(p instanceof String key) || key.isBlank()) throw ApiError.validation(at + ".property", at + ".property is required: a contact property's key");
        properties.put(at + ".property", key.trim());
        out.put("property", key.trim());
        String retry = text(at + ".retry_text", a.getValue("retry_text"), false);
        if (retry != null) out.put("retry_text", retry);
      }
      case "tag" -> {
        only(a, at, Set.of("type", "tag"));
        try {
          out.put("tag", Tags.normal(a.getValue("tag") instanceof String s ? s : null));
        } catch (ApiError e) {
          throw ApiError.validation(at + ".tag", at + ".tag: " + e.getMessage());
        }
      }
      case "assign" -> {
        only(a, at, Set.of("type", "user_id"));
        Object u = a.getValue("user_id");
        if (u != null) {
          if (!(u instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() <= 0) {
            throw ApiError.validation(at + ".user_id", at + ".user_id must be a user id, or left out for round-robin");
          }
          users.put(at + ".user_id", n.longValue());
          out.put("user_id", n.longValue());
        }
      }
      case "handover" -> {
        only(a, at, Set.of("type", "text"));
        String text = text(at + ".text", a.getValue("text"), false);
        if (text != null) out.put("text", text);
      }
      default -> throw new IllegalStateException(type);
    }
    return out;
  }

  private static String type(String at, JsonObject o, Set<String> allowed) {
    Object t = o.getValue("type");
    if (!(t instanceof String s) || !allowed.contains(s)) {
      throw ApiError.validation(at + ".type", at + ".type must be one of " + list(allowed));
    }
    return s;
  }

  private static String text(String field, Object v, boolean required) {
    if (v == null && !required) return null;
    if (!(v instanceof String s) || s.isBlank()) throw ApiError.validation(field, field + " is required");
    if (s.length() > 4000) throw ApiError.validation(field, field + " is longer than 4000 characters");
    return s;
  }

  private static void only(JsonObject o, String at, Set<String> known) {
    for (String k : o.fieldNames()) {
      if (!known.contains(k)) throw ApiError.validation(at + "." + k, at + " has an unknown field " + k);
    }
  }

  private static String list(Set<String> s) {
    return String.join(", ", s.stream().sorted().toList());
  }

  /** Whether the text holds the keyword as whole words (letters and digits around it do not count as a match). */
  static boolean hasKeyword(String lowerText, String keyword) {
    int from = 0;
    while (true) {
      int at = lowerText.indexOf(keyword, from);
      if (at < 0) return false;
      int end = at + keyword.length();
      boolean before = at == 0 || !Character.isLetterOrDigit(lowerText.charAt(at - 1));
      boolean after = end >= lowerText.length() || !Character.isLetterOrDigit(lowerText.charAt(end));
      if (before && after) return true;
      from = at + 1;
    }
  }
}
