package io.switchboard.rest;

import io.switchboard.auth.Actor;
import io.switchboard.auth.web.Authenticator;
import io.switchboard.common.ApiError;
import io.switchboard.conversation.CannedReplies;
import io.switchboard.http.Input;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.node.Node;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /canned_replies}: saved replies of the workspace, of an inbox, or of one agent ({@code scope} personal),
 * and {@code POST /canned_replies/{id}/render}, a reply's text with its placeholders filled in for a conversation.
 * Who sees and changes which is {@link CannedReplies}' business.
 */
public final class CannedReplyApi {

  private final Node node;

  private CannedReplyApi(Node node) {
    this.node = node;
  }

  public static void mount(Router api, Node node) {
    CannedReplyApi c = new CannedReplyApi(node);
    api.get("/canned_replies").handler(Rest.handle(c::list));
    api.post("/canned_replies").handler(Rest.handle(c::create));
    api.get("/canned_replies/:id").handler(Rest.handle(c::get));
    api.patch("/canned_replies/:id").handler(Rest.handle(c::update));
    api.delete("/canned_replies/:id").handler(Rest.handle(c::delete));
    api.post("/canned_replies/:id/render").handler(Rest.handle(c::render));
  }

  private Future<?> list(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    String q = ctx.queryParams().get("q");
    if (q != null && q.length() > 200) throw ApiError.validation("q", "q is longer than 200 characters");
    Long inbox = queryId(ctx, "inbox_id");
    return CannedReplies.list(node.db().pool(), a, q, inbox)
        .map(items -> new JsonObject().put("items", items).put("next_cursor", null));
  }

  private Future<?> get(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    return CannedReplies.get(node.db().pool(), a, Rest.pathId(ctx, "id", "canned reply"));
  }

  private Future<?> create(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    Input in = Input.of(ctx);
    Long inbox = in.optId("inbox_id");
    String scope = in.optOneOf("scope", CannedReplies.SCOPES);
    if (scope == null) scope = inbox == null ? "workspace" : "inbox";
    if ("inbox".equals(scope) && inbox == null) throw ApiError.validation("inbox_id", "inbox_id is required for an inbox's canned reply");
    if (!"inbox".equals(scope) && inbox != null) {
      throw ApiError.validation("inbox_id", "inbox_id must be null for a " + scope + " canned reply");
    }
    CannedReplies.Draft d = new CannedReplies.Draft(scope, inbox, shortcut(in.text("shortcut", 100)), title(in), text(in, true));
    return node.db().tx(tx -> CannedReplies.create(tx, a, d)).map(Reply::created);
  }

  private Future<?> update(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "canned reply");
    Input in = Input.of(ctx);
    if (in.has("scope")) throw ApiError.validation("scope", "scope cannot change: create a new canned reply");
    if (in.has("inbox_id")) throw ApiError.validation("inbox_id", "inbox_id cannot change: create a new canned reply");
    String shortcut = in.has("shortcut") ? shortcut(in.text("shortcut", 100)) : null;
    CannedReplies.Draft d = new CannedReplies.Draft(null, null, shortcut, in.has("title") ? title(in) : null,
        in.has("text") ? text(in, true) : null);
    return node.db().tx(tx -> CannedReplies.update(tx, a, id, d));
  }

  private Future<?> delete(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "canned reply");
    return node.db().tx(tx -> CannedReplies.delete(tx, a, id));
  }

  private Future<?> render(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "canned reply");
    long conversation = Input.of(ctx).id("conversation_id");
    return CannedReplies.render(node.db().pool(), a, id, conversation);
  }

  private static String shortcut(String raw) {
    String s = raw.trim();
    if (s.startsWith("/")) s = s.substring(1);
    if (!CannedReplies.SHORTCUT.matcher(s).matches()) {
      throw ApiError.validation("shortcut", "shortcut must be 1 to 32 lower-case letters, digits, - or _");
    }
    return s;
  }

  private static String title(Input in) {
    String t = in.optText("title", CannedReplies.MAX_TITLE);
    return t == null ? "" : t.trim();
  }

  private static String text(Input in, boolean required) {
    String t = in.optText("text", CannedReplies.MAX_TEXT);
    if (required && (t == null || t.isBlank())) throw ApiError.validation("text", "text is required");
    return t;
  }

  private static Long queryId(RoutingContext ctx, String name) {
    String v = ctx.queryParams().get(name);
    if (v == null || v.isBlank()) return null;
    try {
      long id = Long.parseLong(v.trim());
      if (id > 0) return id;
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw ApiError.validation(name, name + " must be a positive integer id");
  }
}
