package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.automation.BotRules;
import io.switchboard.automation.ConversationBots;
import io.switchboard.automation.Env;
import io.switchboard.conversation.Timeline;
import io.switchboard.audit.Audit;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.contact.PropertyValues;
import io.switchboard.conversation.Conversations;
import io.switchboard.db.Db;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.common.ApiError;
import io.switchboard.http.Input;
import io.switchboard.common.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.switchboard.db.Tx;

import java.util.Map;

/**
 * {@code /chatbots}: rule-based bots (everyone reads them; {@code settings.manage} defines them, audited), and the bots
 * of a conversation: {@code PUT/DELETE /conversations/{id}/chatbots/{bot_id}} by its inbox's members,
 * {@code GET /conversations/{id}/chatbots} for the sidebar. Each change there is a system entry and a
 * {@code conversation.updated} ({@code changes: ["chatbots"]}).
 */
public final class ChatbotApi {

  private final Env env;

  private ChatbotApi(Env env) {
    this.env = env;
  }

  public static void mount(Router api, Env env) {
    ChatbotApi b = new ChatbotApi(env);
    api.get("/chatbots").handler(Rest.handle(b::list));
    api.post("/chatbots").handler(Rest.handle(b::create));
    api.get("/chatbots/:id").handler(Rest.handle(b::get));
    api.patch("/chatbots/:id").handler(Rest.handle(b::update));
    api.delete("/chatbots/:id").handler(Rest.handle(b::delete));
    api.get("/conversations/:id/chatbots").handler(Rest.handle(b::ofConversation));
    api.put("/conversations/:id/chatbots/:bot").handler(Rest.handle(b::attach));
    api.delete("/conversations/:id/chatbots/:bot").handler(Rest.handle(b::detach));
  }

  static JsonObject json(Row r) {
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("name", r.getString("name"))
        .put("enabled", r.getBoolean("enabled"))
        .put("rules", r.getJsonArray("rules"))
        .put("created_at", Times.iso(r, "created_at"))
        .put("updated_at", Times.iso(r, "updated_at"));
  }

  private Future<?> list(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    return env.db().list("SELECT * FROM chatbot WHERE workspace_id = $1 ORDER BY lower(name), id", a.workspaceId()).map(rows -> {
      JsonArray items = new JsonArray();
      rows.forEach(r -> items.add(json(r)));
      return new JsonObject().put("items", items).put("next_cursor", null);
    });
  }

  private static Future<Row> find(SqlClient c, Actor a, long id, String lock) {
    return Db.one(c, "SELECT * FROM chatbot WHERE id = $1 AND workspace_id = $2" + lock, id, a.workspaceId()).map(r -> {
      if (r == null) throw ApiError.notFound("chatbot");
      return r;
    });
  }

  private Future<?> get(RoutingContext ctx) {
    return find(env.db().pool(), Authenticator.actor(ctx), Rest.pathId(ctx, "id", "chatbot"), "").map(ChatbotApi::json);
  }

  private Future<?> create(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.SETTINGS_MANAGE);
    Input in = Input.of(ctx);
    String name = in.text("name", 200).trim();
    Boolean enabled = in.optBool("enabled");
    BotRules.Checked rules = BotRules.check(in.optArray("rules", 10_000));
    return env.db().tx(conn -> references(conn, a, rules)
        .compose(v -> Db.one(conn, "INSERT INTO chatbot (workspace_id, name, rules, enabled) VALUES ($1, $2, $3, $4) RETURNING *",
            a.workspaceId(), name, rules.rules(), enabled == null || enabled))
        .compose(r -> Audit.record(conn, a, "chatbot.created", "chatbot", r.getLong("id"), json(r)).map(json(r))))
        .map(Reply::created);
  }

  private Future<?> update(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.SETTINGS_MANAGE);
    long id = Rest.pathId(ctx, "id", "chatbot");
    Input in = Input.of(ctx);
    String name = in.has("name") ? in.text("name", 200).trim() : null;
    Boolean enabled = in.optBool("enabled");
    BotRules.Checked rules = in.has("rules") ? BotRules.check(in.optArray("rules", 10_000)) : null;
    return env.db().tx(conn -> find(conn, a, id, " FOR UPDATE").compose(before ->
        (rules == null ? Future.<Void>succeededFuture() : references(conn, a, rules))
            .compose(v -> Db.one(conn, """
                UPDATE chatbot SET name = COALESCE($2, name), enabled = COALESCE($3, enabled), rules = COALESCE($4, rules),
                  updated_at = now() WHERE id = $1 RETURNING *""", id, name, enabled, rules == null ? null : rules.rules()))
            .compose(r -> Audit.record(conn, a, "chatbot.updated", "chatbot", id,
                new JsonObject().put("before", json(before)).put("after", json(r))).map(json(r)))));
  }

  /** Deleting a bot removes it from its conversations and from any inbox that had it as default. */
  private Future<?> delete(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.SETTINGS_MANAGE);
    long id = Rest.pathId(ctx, "id", "chatbot");
    return env.db().tx(conn -> find(conn, a, id, " FOR UPDATE")
        .compose(r -> Db.query(conn, """
                UPDATE inbox SET settings = settings - 'default_chatbot_id', updated_at = now()
                WHERE workspace_id = $1 AND settings->>'default_chatbot_id' = $2::text""", a.workspaceId(), String.valueOf(id))
            .compose(v -> Db.query(conn, "DELETE FROM chatbot WHERE id = $1", id))
            .compose(v -> Audit.record(conn, a, "chatbot.deleted", "chatbot", id, new JsonObject().put("name", r.getString("name"))))));
  }

  /** Properties asked for must be contact properties; users assigned to must be active users of the workspace. */
  private static Future<Void> references(Tx conn, Actor a, BotRules.Checked rules) {
    Future<Void> f = Future.succeededFuture();
    for (Map.Entry<String, String> p : rules.properties().entrySet()) {
      f = f.compose(v -> PropertyValues.contactType(conn, a.workspaceId(), p.getValue()).compose(type -> type != null
          ? Future.<Void>succeededFuture()
          : Future.failedFuture(ApiError.validation(p.getKey(), p.getKey() + ": there is no contact property " + p.getValue()
              + " (define it under /properties)"))));
    }
    for (Map.Entry<String, Long> u : rules.users().entrySet()) {
      f = f.compose(v -> Db.one(conn, "SELECT 1 FROM app_user WHERE id = $1 AND workspace_id = $2 AND active", u.getValue(),
          a.workspaceId()).compose(r -> r != null ? Future.<Void>succeededFuture()
          : Future.failedFuture(ApiError.validation(u.getKey(), u.getKey() + ": no active user has this id"))));
    }
    return f;
  }

  private Future<?> ofConversation(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "conversation");
    return Conversations.visible(env.db().pool(), a, id).compose(c -> ConversationBots.active(env.db().pool(), id))
        .map(items -> new JsonObject().put("items", items).put("next_cursor", null));
  }

  /** 201 when the bot starts attending the conversation, 200 when it already was. */
  private Future<?> attach(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.INBOX_USE);
    long id = Rest.pathId(ctx, "id", "conversation");
    long botId = Rest.pathId(ctx, "bot", "chatbot");
    return env.db().tx(conn -> Conversations.visibleForUpdate(conn, a, id).compose(conv -> find(conn, a, botId, "")
        .compose(bot -> {
          if (!bot.getBoolean("enabled")) return Future.failedFuture(ApiError.conflict("bot_id", "the chatbot is disabled"));
          return ConversationBots.activate(conn, conv, botId, "conversation").compose(added -> !added
              ? ConversationBots.active(conn, id).map(items -> (Object) new JsonObject().put("items", items))
              : Timeline.note(conn, conv, new Timeline.Author("user", a.userId(), a.name()),
                      a.name() + " added the chatbot " + bot.getString("name"),
                      new JsonObject().put("change", "chatbot_added").put("chatbot_id", botId))
                  .compose(v -> ConversationBots.announce(conn, conv))
                  .map(items -> (Object) Reply.created(new JsonObject().put("items", items))));
        })));
  }

  private Future<?> detach(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.INBOX_USE);
    long id = Rest.pathId(ctx, "id", "conversation");
    long botId = Rest.pathId(ctx, "bot", "chatbot");
    return env.db().tx(conn -> Conversations.visibleForUpdate(conn, a, id).compose(conv -> find(conn, a, botId, "")
        .compose(bot -> ConversationBots.deactivate(conn, id, botId, "removed").compose(removed -> {
          if (!removed) return Future.failedFuture(ApiError.notFound("chatbot of this conversation"));
          return Timeline.note(conn, conv, new Timeline.Author("user", a.userId(), a.name()),
                  a.name() + " removed the chatbot " + bot.getString("name"),
                  new JsonObject().put("change", "chatbot_removed").put("chatbot_id", botId))
              .compose(v -> ConversationBots.announce(conn, conv)).mapEmpty();
        }))));
  }
}
