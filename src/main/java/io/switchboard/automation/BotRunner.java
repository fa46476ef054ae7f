package io.switchboard.automation;

import io.switchboard.conversation.Activities;
import io.switchboard.conversation.Timeline;
import io.switchboard.contact.PropertyValues;
import io.switchboard.conversation.Conversations;
import io.switchboard.conversation.Tags;
import io.switchboard.db.Db;
import io.switchboard.event.EventType;
import io.switchboard.event.EventLog;
import io.switchboard.event.Events;
import io.switchboard.common.ApiError;
import io.switchboard.inbox.BusinessHours;
import io.switchboard.inbox.Endpoints;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.switchboard.db.Tx;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Runs a conversation's chatbots on a message from its contact. A bot waiting for an answer takes the message as
 * the answer; otherwise its first rule whose trigger matches runs. Bots only ever react to contact messages (never
 * to their own or another bot's), and each bot may send at most {@code automation.bot_replies_per_minute} messages
 * per conversation per minute: past that it stops for the conversation, which ends any loop with an echoing peer.
 */
final class BotRunner {

  private static final int MAX_ASKS = 3;
  private static final Set<String> YES = Set.of("yes", "y", "true", "ja", "oui", "si", "sí", "1");
  private static final Set<String> NO = Set.of("no", "n", "false", "nee", "nein", "non", "0");
  private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

  private final Env env;
  private final Tx conn;
  private final Inbound in;
  private final int repliesPerMinute;

  /** A contact's message and where it landed: the conversation row is locked by the caller. */
  record Inbound(Row conv, JsonObject settings, JsonObject hours, String inboxName, long activityId, String text,
                 OffsetDateTime at, boolean first) {
  }

  /** One bot at work: its definition and its state in this conversation. */
  private record Bot(long id, String name, JsonArray rules, JsonObject state) {
    Timeline.Author author() {
      return new Timeline.Author("bot", id, name);
    }
  }

  BotRunner(Env env, Tx conn, Inbound in) {
    this.env = env;
    this.conn = conn;
    this.in = in;
    this.repliesPerMinute = env.config().automation().botRepliesPerMinute();
  }

  private long conversationId() {
    return in.conv().getLong("id");
  }

  /** Runs every active bot; true when at least one attends the conversation (the outside-hours auto-reply then keeps quiet). */
  Future<Boolean> run() {
    return Db.list(conn, """
            SELECT cb.*, b.name, b.rules, b.enabled FROM conversation_chatbot cb JOIN chatbot b ON b.id = cb.chatbot_id
            WHERE cb.conversation_id = $1 ORDER BY cb.activated_at, cb.chatbot_id FOR UPDATE OF cb""", conversationId())
        .compose(rows -> joinDefault(rows).compose(joined -> {
          Future<Boolean> f = Future.succeededFuture(joined != null);
          if (joined != null) f = f.compose(any -> runBot(joined).map(true));
          for (Row r : rows) {
            if (!r.getBoolean("active") || !r.getBoolean("enabled")) continue;
            // a bot added after the message was written does not answer it
            if (r.getOffsetDateTime("activated_at").isAfter(in.at())) continue;
            Bot bot = new Bot(r.getLong("chatbot_id"), r.getString("name"), r.getJsonArray("rules"), r.getJsonObject("state"));
            f = f.compose(any -> runBot(bot).map(true));
          }
          return f;
        }));
  }

  /** The inbox's default bot joins an unassigned conversation it has not attended since it was last resolved. */
  private Future<Bot> joinDefault(List<Row> rows) {
    Long id = in.settings() == null ? null : in.settings().getLong("default_chatbot_id");
    if (id == null || in.conv().getLong("assignee_id") != null) return Future.succeededFuture(null);
    if (rows.stream().anyMatch(r -> r.getLong("chatbot_id").equals(id))) return Future.succeededFuture(null);
    return Db.one(conn, "SELECT * FROM chatbot WHERE id = $1 AND workspace_id = $2 AND enabled", id, in.conv().getLong("workspace_id"))
        .compose(b -> b == null ? Future.succeededFuture(null)
            : ConversationBots.activate(conn, in.conv(), id, "inbox")
                .compose(v -> Timeline.note(conn, in.conv(), new Timeline.Author("bot", id, b.getString("name")),
                    "The chatbot " + b.getString("name") + " joined the conversation (the inbox's default)",
                    new JsonObject().put("change", "chatbot_added").put("chatbot_id", id)))
                .compose(v -> ConversationBots.announce(conn, in.conv()))
                .map(v -> new Bot(id, b.getString("name"), b.getJsonArray("rules"), new JsonObject())));
  }

  private Future<Void> runBot(Bot bot) {
    JsonObject awaiting = bot.state() == null ? null : bot.state().getJsonObject("awaiting");
    if (awaiting != null && stillAsks(bot, awaiting)) return answer(bot, awaiting);
    JsonArray rules = bot.rules();
    for (int i = 0; i < rules.size(); i++) {
      if (matches(rules.getJsonObject(i).getJsonObject("trigger"))) return execute(bot, i, 0);
    }
    return awaiting == null ? Future.succeededFuture() : saveState(bot, null);
  }

  /** The bot's rules may have changed while it waited: the answer counts only if the same question is still there. */
  private static boolean stillAsks(Bot bot, JsonObject awaiting) {
    int rule = awaiting.getInteger("rule", -1);
    int action = awaiting.getInteger("action", -1);
    if (rule < 0 || rule >= bot.rules().size()) return false;
    JsonArray actions = bot.rules().getJsonObject(rule).getJsonArray("actions");
    if (action < 0 || action >= actions.size()) return false;
    JsonObject a = actions.getJsonObject(action);
    return "ask".equals(a.getString("type")) && a.getString("property").equals(awaiting.getString("property"));
  }

  private boolean matches(JsonObject trigger) {
    String text = in.text() == null ? "" : in.text();
    return switch (trigger.getString("type")) {
      case "keyword" -> {
        String lower = text.toLowerCase(Locale.ROOT);
        yield trigger.getJsonArray("keywords").stream().anyMatch(k -> BotRules.hasKeyword(lower, (String) k));
      }
      case "regex" -> SafeRegex.find(pattern(trigger.getString("pattern"), trigger.getBoolean("case_sensitive", false)), text);
      case "first_message" -> in.first();
      case "outside_hours" -> in.hours() != null && !BusinessHours.isOpen(in.hours(), env.clock().instant());
      case "any" -> true;
      default -> false;
    };
  }

  /** Patterns were checked on save; compiled ones are kept (a few hundred at most in practice). */
  private static Pattern pattern(String p, boolean caseSensitive) {
    if (PATTERNS.size() > 1000) PATTERNS.clear();
    return PATTERNS.computeIfAbsent((caseSensitive ? "1" : "0") + p,
        k -> Pattern.compile(p, caseSensitive ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
  }

  /** Runs a rule's actions from {@code from} on, one after the other. */
  private Future<Void> execute(Bot bot, int rule, int from) {
    JsonArray actions = bot.rules().getJsonObject(rule).getJsonArray("actions");
    if (from >= actions.size()) return saveState(bot, null);
    JsonObject a = actions.getJsonObject(from);
    return switch (a.getString("type")) {
      case "reply" -> say(bot, a.getString("text")).compose(ok -> ok ? execute(bot, rule, from + 1) : Future.succeededFuture());
      case "ask" -> say(bot, a.getString("text")).compose(ok -> !ok ? Future.succeededFuture() : saveState(bot,
          new JsonObject().put("rule", rule).put("action", from).put("property", a.getString("property")).put("attempts", 0)));
      case "tag" -> tag(bot, a.getString("tag")).compose(v -> execute(bot, rule, from + 1));
      case "assign" -> assign(bot, a.getLong("user_id")).compose(v -> execute(bot, rule, from + 1));
      case "handover" -> (a.getString("text") == null ? Future.succeededFuture(true) : say(bot, a.getString("text")))
          .compose(ok -> ok ? handover(bot) : Future.succeededFuture());
      default -> execute(bot, rule, from + 1);
    };
  }

  /** The message answers the bot's question: stored in the contact property when it fits its type, else asked again. */
  private Future<Void> answer(Bot bot, JsonObject awaiting) {
    int rule = awaiting.getInteger("rule");
    int action = awaiting.getInteger("action");
    String key = awaiting.getString("property");
    JsonObject ask = bot.rules().getJsonObject(rule).getJsonArray("actions").getJsonObject(action);
    String raw = in.text() == null ? "" : in.text().trim();
    long ws = in.conv().getLong("workspace_id");
    return PropertyValues.contactType(conn, ws, key).compose(type -> {
      if (type == null) {
        return Timeline.note(conn, in.conv(), bot.author(), bot.name() + " could not store the answer: the contact property "
            + key + " no longer exists", new JsonObject().put("change", "chatbot_answer_failed").put("property", key))
            .compose(v -> execute(bot, rule, action + 1));
      }
      Object value = "boolean".equals(type) ? yesNo(raw) : raw;
      return PropertyValues.setContact(conn, ws, in.conv().getLong("contact_id"), key, value)
          .compose(contact -> Timeline.note(conn, in.conv(), bot.author(), bot.name() + " stored " + key + ": "
                  + contact.getJsonObject("properties", new JsonObject()).getValue(key),
                  new JsonObject().put("change", "contact_property").put("property", key)
                      .put("value", contact.getJsonObject("properties", new JsonObject()).getValue(key)))
              .compose(v -> execute(bot, rule, action + 1)))
          .recover(t -> {
            if (!(t instanceof ApiError e) || e.status != 400) return Future.failedFuture(t);
            int attempts = awaiting.getInteger("attempts", 0) + 1;
            if (attempts >= MAX_ASKS) {
              return Timeline.note(conn, in.conv(), bot.author(), bot.name() + " gave up asking for " + key + " after "
                      + attempts + " answers that were not a " + type, new JsonObject().put("change", "chatbot_answer_failed").put("property", key))
                  .compose(v -> execute(bot, rule, action + 1));
            }
            String retry = ask.getString("retry_text");
            String again = retry != null ? retry : "Sorry, that does not look like " + expected(type) + ". " + ask.getString("text");
            return say(bot, again).compose(ok -> !ok ? Future.succeededFuture()
                : saveState(bot, awaiting.copy().put("attempts", attempts)));
          });
    });
  }

  private static Object yesNo(String raw) {
    String s = raw.toLowerCase(Locale.ROOT).replaceAll("[.!]+$", "");
    if (YES.contains(s)) return true;
    if (NO.contains(s)) return false;
    return raw;
  }

  private static String expected(String type) {
    return switch (type) {
      case "number" -> "a number";
      case "date" -> "a date (like 2026-01-31)";
      case "boolean" -> "a yes or a no";
      default -> "an answer";
    };
  }

  /** Sends a bot message; false when the loop guard stopped the bot instead. A message the channel refuses is noted. */
  private Future<Boolean> say(Bot bot, String text) {
    return Db.one(conn, """
        SELECT count(*) FROM activity WHERE conversation_id = $1 AND sender_type = 'bot' AND sender_id = $2 AND kind = 'message'
          AND created_at > now() - interval '1 minute'""", conversationId(), bot.id()).compose(r -> {
          if (r.getLong(0) >= repliesPerMinute) {
            return stop(bot, "loop_guard", bot.name() + " stopped: it sent " + r.getLong(0)
                + " messages within a minute in this conversation (loop guard); a human takes over").map(false);
          }
          return Endpoints.byId(conn, in.conv().getLong("endpoint_id"))
              .compose(ep -> env.timeline().queue(conn, in.conv(), ep, bot.author(),
                  new Timeline.Message(null, text, null, new JsonObject().put("chatbot_id", bot.id()))))
              .map(true)
              .recover(t -> t instanceof Timeline.Refused refused
                  ? Timeline.note(conn, in.conv(), bot.author(), bot.name() + " could not reply: " + refused.getMessage(),
                      new JsonObject().put("change", "chatbot_reply_failed")).map(true)
                  : Future.failedFuture(t));
        });
  }

  private Future<Void> tag(Bot bot, String tag) {
    long ws = in.conv().getLong("workspace_id");
    return Tags.add(conn, ws, null, conversationId(), tag).compose(added -> !added ? Future.<Void>succeededFuture()
        : Timeline.changed(conn, in.conv(), List.of(Activities.Draft.system(bot.author().type(), bot.author().id(),
            bot.author().name(), bot.name() + " added the tag " + tag, new JsonObject().put("change", "tag_added").put("tag", tag))),
            List.of("tags")).mapEmpty());
  }

  private Future<Void> assign(Bot bot, Long userId) {
    return fresh().compose(conv -> {
      if (userId == null) {
        JsonObject auto = Assigner.settings(in.settings());
        Integer cap = auto == null ? null : auto.getInteger("max_open_per_agent");
        return Assigner.assign(env, conn, conv, cap, bot.author()).compose(user -> user != null ? Future.<Void>succeededFuture()
            : Timeline.note(conn, conv, bot.author(), bot.name() + " found no online member to assign the conversation to",
                new JsonObject().put("change", "assign_failed")));
      }
      return Db.one(conn, """
          SELECT u.name FROM app_user u JOIN membership m ON m.user_id = u.id AND m.inbox_id = $2 WHERE u.id = $1 AND u.active""",
          userId, conv.getLong("inbox_id")).compose(u -> u == null
          ? Timeline.note(conn, conv, bot.author(), bot.name() + " could not assign the conversation: user " + userId
              + " is not an active member of this inbox", new JsonObject().put("change", "assign_failed"))
          : Assigner.assignTo(conn, conv, userId, u.getString("name"), bot.author(), "by the chatbot " + bot.name()));
    });
  }

  /** The bot steps back; an unassigned conversation is then assigned when the inbox assigns automatically. */
  private Future<Void> handover(Bot bot) {
    return stop(bot, "handover", bot.name() + " handed the conversation over to a human").compose(v -> fresh()).compose(conv -> {
      return conv.getLong("assignee_id") != null ? Future.succeededFuture() : Assigner.auto(env, conn, conv, in.settings());
    });
  }

  private Future<Void> stop(Bot bot, String reason, String text) {
    return ConversationBots.deactivate(conn, conversationId(), bot.id(), reason)
        .compose(v -> Timeline.note(conn, in.conv(), bot.author(), text,
            new JsonObject().put("change", "chatbot_stopped").put("chatbot_id", bot.id()).put("reason", reason)))
        .compose(v -> ConversationBots.announce(conn, in.conv()))
        .mapEmpty();
  }

  private Future<Void> saveState(Bot bot, JsonObject awaiting) {
    JsonObject state = awaiting == null ? new JsonObject() : new JsonObject().put("awaiting", awaiting);
    return Db.query(conn, """
        UPDATE conversation_chatbot SET state = $3, updated_at = now() WHERE conversation_id = $1 AND chatbot_id = $2 AND active""",
        conversationId(), bot.id(), state).mapEmpty();
  }

  /** The conversation as it is now (an action may have assigned it); the row is already locked. */
  private Future<Row> fresh() {
    return ConversationRows.get(conn, conversationId());
  }
}
