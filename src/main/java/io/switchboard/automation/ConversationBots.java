package io.switchboard.automation;

import io.switchboard.auth.Actor;
import io.switchboard.common.ApiError;
import io.switchboard.conversation.Timeline;
import io.switchboard.conversation.Conversations;
import io.switchboard.db.Db;
import io.switchboard.event.EventType;
import io.switchboard.event.EventLog;
import io.switchboard.event.Events;
import io.switchboard.common.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.switchboard.db.Tx;

import java.util.List;

/**
 * The chatbots attending a conversation (rows of {@code conversation_chatbot}): listed for the sidebar, added and
 * removed by its inbox's members, and every change announced as a {@code conversation.updated} with
 * {@code changes: ["chatbots"]} and the active list.
 * A bot that stops (handed over, removed, an agent replied, loop guard) keeps its row, inactive, so the inbox's
 * default bot does not join again until the conversation is resolved.
 */
public final class ConversationBots {

  private ConversationBots() {
  }

  public static Future<JsonArray> active(SqlClient c, long conversationId) {
    return Db.list(c, """
        SELECT cb.*, b.name, b.enabled FROM conversation_chatbot cb JOIN chatbot b ON b.id = cb.chatbot_id
        WHERE cb.conversation_id = $1 AND cb.active ORDER BY cb.activated_at, b.id""", conversationId).map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(json(r)));
          return out;
        });
  }

  static JsonObject json(Row r) {
    JsonObject awaiting = r.getJsonObject("state") == null ? null : r.getJsonObject("state").getJsonObject("awaiting");
    return new JsonObject()
        .put("chatbot_id", r.getLong("chatbot_id"))
        .put("name", r.getString("name"))
        .put("enabled", r.getBoolean("enabled"))
        .put("source", r.getString("source"))
        .put("awaiting_property", awaiting == null ? null : awaiting.getString("property"))
        .put("since", Times.iso(r, "activated_at"));
  }

  /** Appends the conversation.updated that tells the sidebar its bots changed. */
  public static Future<JsonArray> announce(Tx conn, Row conv) {
    return active(conn, conv.getLong("id")).compose(bots -> Timeline.changed(conn, conv.getLong("workspace_id"),
            conv.getLong("inbox_id"), conv.getLong("id"), List.of(), List.of("chatbots"), new JsonObject().put("chatbots", bots))
        .map(bots));
  }

  /** Makes a bot active in the conversation with a fresh state; false when it already was. */
  public static Future<Boolean> activate(Tx conn, Row conv, long chatbotId, String source) {
    return Db.one(conn, """
        INSERT INTO conversation_chatbot (workspace_id, conversation_id, chatbot_id, active, state, source)
        VALUES ($1, $2, $3, true, '{}', $4)
        ON CONFLICT (conversation_id, chatbot_id) DO UPDATE SET active = true, state = '{}', source = EXCLUDED.source,
          stop_reason = NULL, activated_at = now(), updated_at = now()
          WHERE NOT conversation_chatbot.active
        RETURNING chatbot_id""", conv.getLong("workspace_id"), conv.getLong("id"), chatbotId, source).map(r -> r != null);
  }

  /** Stops a bot in the conversation with a reason; false when it was not active. */
  public static Future<Boolean> deactivate(Tx conn, long conversationId, long chatbotId, String reason) {
    return Db.one(conn, """
        UPDATE conversation_chatbot SET active = false, stop_reason = $3, state = '{}', updated_at = now()
        WHERE conversation_id = $1 AND chatbot_id = $2 AND active RETURNING chatbot_id""", conversationId, chatbotId, reason)
        .map(r -> r != null);
  }

  /** Whether the bot started attending the conversation (false: it already was), and the bots attending it now. */
  public record Attached(boolean added, JsonArray bots) {
  }

  /**
   * The actor adds an enabled chatbot of the workspace to the conversation ({@code conv}, locked by the caller): a
   * system entry and an announcement when it joins; nothing changes when it already attends.
   */
  public static Future<Attached> attach(Tx conn, Actor a, Row conv, long chatbotId) {
    return Chatbots.find(conn, a, chatbotId, "").compose(bot -> {
      if (!bot.getBoolean("enabled")) return Future.failedFuture(ApiError.conflict("bot_id", "the chatbot is disabled"));
      return activate(conn, conv, chatbotId, "conversation").compose(added -> !added
          ? active(conn, conv.getLong("id")).map(bots -> new Attached(false, bots))
          : Timeline.note(conn, conv, new Timeline.Author("user", a.userId(), a.name()),
                  a.name() + " added the chatbot " + bot.getString("name"),
                  new JsonObject().put("change", "chatbot_added").put("chatbot_id", chatbotId))
              .compose(v -> announce(conn, conv))
              .map(bots -> new Attached(true, bots)));
    });
  }

  /** The actor removes a chatbot from the conversation ({@code conv}, locked by the caller); 404 unless it attends. */
  public static Future<Void> detach(Tx conn, Actor a, Row conv, long chatbotId) {
    return Chatbots.find(conn, a, chatbotId, "").compose(bot -> deactivate(conn, conv.getLong("id"), chatbotId, "removed")
        .compose(removed -> {
          if (!removed) return Future.failedFuture(ApiError.notFound("chatbot of this conversation"));
          return Timeline.note(conn, conv, new Timeline.Author("user", a.userId(), a.name()),
                  a.name() + " removed the chatbot " + bot.getString("name"),
                  new JsonObject().put("change", "chatbot_removed").put("chatbot_id", chatbotId))
              .compose(v -> announce(conn, conv)).mapEmpty();
        }));
  }
}
