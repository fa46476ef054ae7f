package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.conversation.Conversations;
import io.switchboard.conversation.Reads;
import io.switchboard.conversation.Tags;
import io.switchboard.node.Node;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.contact.Contacts;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.common.ApiError;
import io.switchboard.http.Input;
import io.switchboard.http.Page;
import io.switchboard.common.Times;
import io.switchboard.inbox.Access;
import io.switchboard.inbox.Endpoints;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * {@code /api/v1/conversations}: the lists agents work from (filtered by inbox, status, assignee, tag, text),
 * starting a conversation, and changing status, assignee, snooze and priority. Only members of a conversation's
 * inbox see it; everyone else gets 404.
 */
public final class ConversationApi {

  private final Node node;

  private ConversationApi(Node node) {
    this.node = node;
  }

  public static void mount(Router api, Node node) {
    ConversationApi c = new ConversationApi(node);
    api.get("/conversations").handler(Rest.handle(c::list));
    api.post("/conversations").handler(Rest.handle(c::create));
    api.get("/conversations/:id").handler(Rest.handle(c::get));
    api.patch("/conversations/:id").handler(Rest.handle(c::update));
    api.post("/conversations/:id/read").handler(Rest.handle(c::markRead));
  }

  private Future<?> list(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    Page page = Page.of(ctx);
    var q = ctx.queryParams();
    Long inbox = optId(q.get("inbox"), "inbox");
    Long contact = optId(q.get("contact"), "contact");
    List<String> statuses = null;
    if (q.get("status") != null && !q.get("status").isBlank()) {
      statuses = List.of(q.get("status").split(","));
      for (String s : statuses) {
        if (!Conversations.STATUSES.contains(s)) throw ApiError.validation("status", "status must be a list of open, pending, snoozed, resolved");
      }
    }
    String assignee = q.get("assignee");
    Long assigneeId = null;
    boolean unassigned = false;
    if (assignee != null && !assignee.isBlank()) {
      if (assignee.equals("me")) assigneeId = a.userId();
      else if (assignee.equals("none")) unassigned = true;
      else assigneeId = optId(assignee, "assignee");
    }
    // tags are stored lower-case and trimmed: "?tag=VIP" finds conversations tagged "vip"
    String tag = blank(q.get("tag")) == null ? null : Tags.normal(q.get("tag"));
    boolean unreadOnly = "true".equals(q.get("unread"));
    OffsetDateTime afterAt = page.after() == null ? OffsetDateTime.parse("9999-12-31T00:00:00Z") : Times.parse("cursor", page.afterString(0));
    long afterId = page.after() == null ? Long.MAX_VALUE : page.afterLong(1);
    return Conversations.list(node.db().pool(), a, new Conversations.Query(inbox, contact, statuses, assigneeId, unassigned,
            tag, q.get("q"), blank(q.get("channel")), unreadOnly, afterAt, afterId, page.limit() + 1))
        .map(items -> page.result(items, c -> c, c -> Page.cursor(c.getString("last_activity_at"), c.getLong("id"))));
  }

  private Future<?> get(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "conversation");
    return Conversations.get(node.db().pool(), a, id);
  }

  /**
   * Starts a conversation with a contact on an endpoint (an agent writing first). Without {@code endpoint_id}, a
   * {@code channel} starts it from the user's default inbox (its primary number for phone). On a chat-like channel
   * the contact's existing conversation there is returned instead (200), since there is only ever one.
   */
  private Future<?> create(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.INBOX_USE);
    Input in = Input.of(ctx);
    long contactId = in.id("contact_id");
    Long endpointId = in.optId("endpoint_id");
    String channel = in.optOneOf("channel", Endpoints.CHANNELS);
    if (endpointId == null && channel == null) {
      throw ApiError.validation("endpoint_id", "endpoint_id is required, or channel to start from your default inbox");
    }
    String subject = in.optText("subject", 500);
    return node.db().tx(conn -> (endpointId == null ? Endpoints.defaultFor(conn, a.userId(), channel, "channel")
        : Endpoints.byId(conn, endpointId)).compose(ep -> {
      if (ep == null || ep.workspaceId() != a.workspaceId()) return Future.failedFuture(ApiError.validation("endpoint_id", "no such endpoint"));
      if (channel != null && !channel.equals(ep.channel())) {
        return Future.failedFuture(ApiError.validation("channel", "the endpoint is on the " + ep.channel() + " channel, not " + channel));
      }
      String field = endpointId == null ? "channel" : "endpoint_id";
      return Access.requireMember(conn, a, ep.inboxId())
          .recover(t -> Future.failedFuture(ApiError.validation(field, endpointId == null
              ? "you are no longer a member of your default inbox" : "no such endpoint")))
          // only a contact the user can see: writing to one would otherwise make it (and all it holds) visible
          .compose(v -> Contacts.visible(conn, a, contactId)
              .recover(t -> Future.failedFuture(t instanceof ApiError e && e.status == 404 ? ApiError.validation("contact_id", "no such contact") : t)))
          .compose(contact -> Conversations.open(conn, a, contact, ep, subject))
          .map(opened -> opened.created() ? (Object) Reply.created(opened.conversation()) : (Object) opened.conversation());
    }));
  }

  private Future<?> update(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "conversation");
    Input in = Input.of(ctx);
    String status = in.optOneOf("status", Conversations.STATUSES);
    String priority = in.optOneOf("priority", Conversations.PRIORITIES);
    OffsetDateTime snoozedUntil = Times.parse("snoozed_until", in.optText("snoozed_until", 40));
    boolean assigning = in.has("assignee_id");
    Long assignee = in.optId("assignee_id");
    String subject = in.optText("subject", 500);
    if ("snoozed".equals(status) && snoozedUntil == null) {
      throw ApiError.validation("snoozed_until", "snoozed_until is required to snooze");
    }
    if (snoozedUntil != null && !snoozedUntil.isAfter(OffsetDateTime.now())) {
      throw ApiError.validation("snoozed_until", "snoozed_until must be in the future");
    }
    if (snoozedUntil != null && status != null && !status.equals("snoozed")) {
      throw ApiError.validation("snoozed_until", "snoozed_until only goes with status snoozed");
    }
    if (assigning && (assignee == null || assignee != a.userId())) a.require(Permission.CONVERSATIONS_ASSIGN);
    Conversations.Change change = new Conversations.Change(status, priority, snoozedUntil, assigning, assignee, subject);
    return node.db().tx(tx -> Conversations.update(tx, a, id, change));
  }

  private Future<?> markRead(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "conversation");
    return node.db().tx(tx -> Reads.read(tx, a, id)).map(v -> new JsonObject().put("conversation_id", id).put("unread", 0));
  }

  private static Long optId(String raw, String field) {
    if (raw == null || raw.isBlank()) return null;
    try {
      long v = Long.parseLong(raw);
      if (v > 0) return v;
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw ApiError.validation(field, field + " must be an id");
  }

  private static String blank(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
