package io.switchboard.automation;

import io.switchboard.conversation.Timeline;
import io.switchboard.db.Db;
import io.switchboard.event.EventType;
import io.switchboard.review.Reviews;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.switchboard.db.Tx;

import java.time.OffsetDateTime;
import java.util.Set;

/**
 * What the automation worker does for one logged event, inside the worker's transaction:
 * <ul>
 *   <li>a contact's message ({@code message.created}, inbound): stop sequences that stop on reply, run the
 *       conversation's chatbots, else send the outside-hours auto-reply;</li>
 *   <li>an agent's reply: bots that were attending step back;</li>
 *   <li>a conversation that starts or reopens unassigned: automatic assignment (unless the inbox's default bot
 *       will attend it first; its hand-over assigns);</li>
 *   <li>a conversation resolved: its sequences stop and the default bot leaves, to attend again if it reopens; the
 *       contact is asked for a rating when the inbox asks for reviews.</li>
 * </ul>
 */
final class Triggers {

  /** The event types that can set off an automation (the worker reads their fields); the others only move its cursor. */
  static final String[] TYPES = {EventType.MESSAGE_CREATED, EventType.CONVERSATION_CREATED, EventType.CONVERSATION_UPDATED};
  private static final Set<String> RELEVANT = Set.of(TYPES);

  private final Env env;

  Triggers(Env env) {
    this.env = env;
  }

  /** Whether the event can cause any automation (decided from its data alone, without a query). */
  static boolean relevant(Row ev) {
    if (!RELEVANT.contains(ev.getString("type")) || ev.getLong("conversation_id") == null) return false;
    JsonObject data = ev.getJsonObject("data");
    return switch (ev.getString("type")) {
      case EventType.MESSAGE_CREATED -> inbound(data) || agentReply(data);
      case EventType.CONVERSATION_UPDATED -> data.getJsonArray("changes", new JsonArray()).contains("status");
      default -> true;
    };
  }

  private static boolean inbound(JsonObject data) {
    JsonObject a = data.getJsonObject("activity", new JsonObject());
    return "message".equals(a.getString("kind")) && "in".equals(a.getString("direction"))
        && "contact".equals(a.getJsonObject("sender", new JsonObject()).getString("type"));
  }

  private static boolean agentReply(JsonObject data) {
    JsonObject a = data.getJsonObject("activity", new JsonObject());
    JsonObject extra = a.getJsonObject("data", new JsonObject());
    return "message".equals(a.getString("kind")) && "out".equals(a.getString("direction"))
        && "user".equals(a.getJsonObject("sender", new JsonObject()).getString("type")) && extra.getValue("sequence_id") == null;
  }

  Future<Void> handle(Tx conn, Row ev) {
    long conversationId = ev.getLong("conversation_id");
    JsonObject data = ev.getJsonObject("data");
    return switch (ev.getString("type")) {
      case EventType.MESSAGE_CREATED -> inbound(data) ? contactWrote(conn, conversationId, data.getJsonObject("activity"))
          : agentReplied(conn, conversationId, data.getJsonObject("activity"));
      case EventType.CONVERSATION_CREATED -> opened(conn, conversationId);
      case EventType.CONVERSATION_UPDATED -> {
        String status = data.getJsonObject("conversation", new JsonObject()).getString("status");
        if ("resolved".equals(status)) yield resolved(conn, conversationId, ev.getOffsetDateTime("at"));
        yield "open".equals(status) ? opened(conn, conversationId) : Future.succeededFuture();
      }
      default -> Future.succeededFuture();
    };
  }

  /** The conversation (locked) with its inbox's automation settings, business hours and name; null when it is gone. */
  private static Future<Row> load(Tx conn, long conversationId) {
    return Db.one(conn, """
        SELECT c.*, i.settings AS inbox_settings, i.business_hours AS inbox_hours, i.name AS inbox_name,
          EXISTS (SELECT 1 FROM sequence_enrollment e WHERE e.conversation_id = c.id AND e.status = 'active') AS has_enrollment,
          EXISTS (SELECT 1 FROM conversation_chatbot cb WHERE cb.conversation_id = c.id AND cb.active) AS has_bot
        FROM conversation c JOIN inbox i ON i.id = c.inbox_id WHERE c.id = $1 FOR UPDATE OF c""", conversationId);
  }

  private Future<Void> contactWrote(Tx conn, long conversationId, JsonObject activity) {
    long activityId = activity.getLong("id");
    return load(conn, conversationId).compose(conv -> {
      if (conv == null) return Future.succeededFuture();
      JsonObject settings = conv.getJsonObject("inbox_settings");
      boolean bots = conv.getBoolean("has_bot") || (settings != null && settings.getValue("default_chatbot_id") != null);
      // most messages meet no automation: one query, nothing more
      return (conv.getBoolean("has_enrollment")
              ? Sequences.stopAll(conn, conv, "s.stop_on_reply AND e.since_activity_id < $2", "replied", activityId)
              : Future.succeededFuture(0))
          .compose(v -> !bots ? Future.succeededFuture(false) : Db.one(conn, """
              SELECT NOT EXISTS (SELECT 1 FROM activity WHERE conversation_id = $1 AND direction = 'in' AND kind = 'message'
                                 AND id < $2)""", conversationId, activityId)
              .compose(first -> new BotRunner(env, conn, new BotRunner.Inbound(conv, settings,
                  conv.getJsonObject("inbox_hours"), conv.getString("inbox_name"), activityId, activity.getString("text"),
                  OffsetDateTime.parse(activity.getString("created_at")), first.getBoolean(0))).run()))
          .compose(attended -> attended ? Future.succeededFuture()
              : AutoReply.maybe(env, conn, conv, settings, conv.getJsonObject("inbox_hours"),
                  conv.getString("inbox_name")).mapEmpty());
    });
  }

  /** Bots attending since before an agent's reply step back: a human is on it. */
  private Future<Void> agentReplied(Tx conn, long conversationId, JsonObject activity) {
    OffsetDateTime at = OffsetDateTime.parse(activity.getString("created_at"));
    return Db.list(conn, """
        UPDATE conversation_chatbot cb SET active = false, stop_reason = 'agent_replied', state = '{}', updated_at = now()
        FROM chatbot b WHERE b.id = cb.chatbot_id AND cb.conversation_id = $1 AND cb.active AND cb.activated_at < $2
        RETURNING cb.chatbot_id, b.name""", conversationId, at).compose(stopped -> {
          if (stopped.isEmpty()) return Future.succeededFuture();
          return load(conn, conversationId).compose(conv -> {
            Future<Void> f = Future.succeededFuture();
            for (Row b : stopped) {
              f = f.compose(v -> Timeline.note(conn, conv, new Timeline.Author("bot", b.getLong("chatbot_id"), b.getString("name")),
                  b.getString("name") + " stepped back: an agent replied",
                  new JsonObject().put("change", "chatbot_stopped").put("chatbot_id", b.getLong("chatbot_id")).put("reason", "agent_replied")));
            }
            return f.compose(v -> ConversationBots.announce(conn, conv)).mapEmpty();
          });
        });
  }

  /** A conversation that is open and unassigned now gets an agent, when its inbox assigns automatically. */
  private Future<Void> opened(Tx conn, long conversationId) {
    return load(conn, conversationId).compose(conv -> {
      if (conv == null || !"open".equals(conv.getString("status")) || conv.getLong("assignee_id") != null) {
        return Future.succeededFuture();
      }
      JsonObject settings = conv.getJsonObject("inbox_settings");
      if (Assigner.settings(settings) == null) return Future.succeededFuture();
      return defaultBotWillAttend(conn, conv).compose(bot -> bot ? Future.succeededFuture() : Assigner.auto(env, conn, conv, settings));
    });
  }

  private static Future<Boolean> defaultBotWillAttend(Tx conn, Row conv) {
    JsonObject settings = conv.getJsonObject("inbox_settings");
    Long bot = settings == null ? null : settings.getLong("default_chatbot_id");
    if (bot == null) return Future.succeededFuture(false);
    return Db.one(conn, """
        SELECT b.enabled AND COALESCE(cb.active, true) FROM chatbot b
        LEFT JOIN conversation_chatbot cb ON cb.chatbot_id = b.id AND cb.conversation_id = $2
        WHERE b.id = $1""", bot, conv.getLong("id")).map(r -> r != null && r.getBoolean(0));
  }

  private Future<Void> resolved(Tx conn, long conversationId, OffsetDateTime at) {
    return load(conn, conversationId).compose(conv -> {
      if (conv == null) return Future.succeededFuture();
      return Sequences.stopAll(conn, conv, "e.created_at <= $2", "resolved", at)
          .compose(v -> Db.list(conn, """
              DELETE FROM conversation_chatbot WHERE conversation_id = $1 AND source = 'inbox' RETURNING active""", conversationId))
          .compose(rows -> rows.stream().anyMatch(r -> r.getBoolean(0))
              ? ConversationBots.announce(conn, conv).mapEmpty() : Future.succeededFuture())
          // the contact is asked for a rating once per resolution (the worker acts on each event exactly once)
          .compose(v -> Reviews.ask(conn, env.timeline(), conv, conv.getJsonObject("inbox_settings"), conv.getString("inbox_name"),
              env.config().http().publicUrl()).mapEmpty());
    });
  }
}
