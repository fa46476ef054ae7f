package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.automation.BotRules;
import io.switchboard.automation.Chatbots;
import io.switchboard.automation.ConversationBots;
import io.switchboard.automation.Env;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.conversation.Conversations;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.http.Input;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

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

  private Future<?> list(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    return Chatbots.list(env.db().pool(), a.workspaceId()).map(items -> new JsonObject().put("items", items).put("next_cursor", null));
  }

  private Future<?> get(RoutingContext ctx) {
    return Chatbots.get(env.db().pool(), Authenticator.actor(ctx), Rest.pathId(ctx, "id", "chatbot"));
  }

  private Future<?> create(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.SETTINGS_MANAGE);
    Input in = Input.of(ctx);
    String name = in.text("name", 200).trim();
    Boolean enabled = in.optBool("enabled");
    BotRules.Checked rules = BotRules.check(in.optArray("rules", 10_000));
    Chatbots.Definition d = new Chatbots.Definition(name, enabled, rules);
    return env.db().tx(conn -> Chatbots.create(conn, a, d)).map(Reply::created);
  }

  private Future<?> update(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.SETTINGS_MANAGE);
    long id = Rest.pathId(ctx, "id", "chatbot");
    Input in = Input.of(ctx);
    String name = in.has("name") ? in.text("name", 200).trim() : null;
    Boolean enabled = in.optBool("enabled");
    BotRules.Checked rules = in.has("rules") ? BotRules.check(in.optArray("rules", 10_000)) : null;
    Chatbots.Definition d = new Chatbots.Definition(name, enabled, rules);
    return env.db().tx(conn -> Chatbots.update(conn, a, id, d));
  }

  /** Deleting a bot removes it from its conversations and from any inbox that had it as default. */
  private Future<?> delete(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.SETTINGS_MANAGE);
    long id = Rest.pathId(ctx, "id", "chatbot");
    return env.db().tx(conn -> Chatbots.delete(conn, a, id));
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
    return env.db().tx(conn -> Conversations.visibleForUpdate(conn, a, id).compose(conv -> ConversationBots.attach(conn, a, conv, botId)))
        .map(r -> {
          JsonObject body = new JsonObject().put("items", r.bots());
          return r.added() ? Reply.created(body) : body;
        });
  }

  private Future<?> detach(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.INBOX_USE);
    long id = Rest.pathId(ctx, "id", "conversation");
    long botId = Rest.pathId(ctx, "bot", "chatbot");
    return env.db().tx(conn -> Conversations.visibleForUpdate(conn, a, id).compose(conv -> ConversationBots.detach(conn, a, conv, botId)));
  }
}
