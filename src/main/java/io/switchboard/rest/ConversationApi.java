package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.conversation.Tags;
import io.switchboard.conversation.Activities;
import io.switchboard.conversation.Conversations;
import io.switchboard.conversation.Recipients;
import io.switchboard.conversation.Search;
import io.switchboard.conversation.Timeline;
import io.switchboard.node.Node;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.auth.Secrets;
import io.switchboard.contact.Contacts;
import io.switchboard.db.Db;
import io.switchboard.event.EventType;
import io.switchboard.event.EventLog;
import io.switchboard.event.Events;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.common.ApiError;
import io.switchboard.http.Input;
import io.switchboard.http.Page;
import io.switchboard.common.Times;
import io.switchboard.inbox.Access;
import io.switchboard.inbox.Endpoints;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.switchboard.db.Tx;

import java.time.OffsetDateTime;
import java.util.ArrayList;
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

  private static final String UNREAD = """
      , (SELECT count(*) FROM activity a WHERE a.conversation_id = c.id AND a.direction = 'in'
           AND a.created_at > COALESCE(r.last_read_at, '-infinity'::timestamptz)) AS unread
      """;

  private Future<?> list(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    Page page = Page.of(ctx);
    var q = ctx.queryParams();
    Long inbox = optId(q.get("inbox"), "inbox");
    Long contact = optId(q.get("contact"), "contact");
    String[] statuses = null;
    if (q.get("status") != null && !q.get("status").isBlank()) {
      statuses = q.get("status").split(",");
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
    String text = q.get("q");
    String tsquery = Search.tsquery(text);
    String channel = q.get("channel");
    boolean unreadOnly = "true".equals(q.get("unread"));
    OffsetDateTime afterAt = page.after() == null ? OffsetDateTime.parse("9999-12-31T00:00:00Z") : Times.parse("cursor", page.afterString(0));
    long afterId = page.after() == null ? Long.MAX_VALUE : page.afterLong(1);
    Future<Void> inboxCheck = inbox == null ? Future.succeededFuture() : Access.requireMember(node.db().pool(), a, inbox);
    String[] st = statuses;
    Long asg = assigneeId;
    boolean none = unassigned;
    return inboxCheck.compose(v -> node.db().list(Conversations.VIEW.replace("FROM conversation c", UNREAD + "FROM conversation c") + """
        JOIN membership m ON m.inbox_id = c.inbox_id AND m.user_id = $1
        LEFT JOIN conversation_read r ON r.conversation_id = c.id AND r.user_id = $1
        WHERE c.workspace_id = $2
          AND ($3::bigint IS NULL OR c.inbox_id = $3)
          AND ($4::text[] IS NULL OR c.status = ANY($4))
          AND ($5::bigint IS NULL OR c.assignee_id = $5)
          AND (NOT $6 OR c.assignee_id IS NULL)
          AND ($7::text IS NULL OR EXISTS (SELECT 1 FROM conversation_tag x JOIN tag t ON t.id = x.tag_id
                                          WHERE x.conversation_id = c.id AND t.name = $7))
          AND ($8::text IS NULL OR ct.name ILIKE $8 OR ct.email ILIKE $8 OR ct.phone ILIKE $8 OR c.subject ILIKE $8
               OR ($9::text IS NOT NULL AND regexp_replace(ct.phone, '\\D', '', 'g') LIKE $9)
               OR ($10::text IS NOT NULL AND EXISTS (SELECT 1 FROM activity s WHERE s.conversation_id = c.id
                                                    AND s.search @@ to_tsquery('simple', $10))))
          AND ($11::bigint IS NULL OR c.contact_id = $11)
          AND ($12::text IS NULL OR c.channel = $12)
          AND (NOT $13 OR c.last_incoming_at > COALESCE(r.last_read_at, '-infinity'::timestamptz))
          AND (c.last_activity_at, c.id) < ($14, $15)
        ORDER BY c.last_activity_at DESC, c.id DESC LIMIT $16""",
        a.userId(), a.workspaceId(), inbox, st, asg, none, tag, Db.contains(text), Search.digits(text), tsquery,
        contact, blank(channel), unreadOnly, afterAt, afterId, page.limit() + 1))
        .map(rows -> page.result(rows, Conversations::json,
            r -> Page.cursor(Times.iso(r, "last_activity_at"), r.getLong("id"))));
  }

  private Future<?> get(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "conversation");
    return Conversations.visible(node.db().pool(), a, id).compose(r -> node.db().one(
        Conversations.VIEW.replace("FROM conversation c", UNREAD + "FROM conversation c")
            + " LEFT JOIN conversation_read r ON r.conversation_id = c.id AND r.user_id = $2 WHERE c.id = $1", id, a.userId()))
        .map(Conversations::json);
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
          .compose(contact -> {
            return Recipients.reach(conn, contact, ep).compose(reach -> {
              String address = reach.address();
              if (address == null) return Future.failedFuture(ApiError.validation("contact_id", reach.reason()));
              return Timeline.existing(conn, ep, contactId).compose(found -> {
                if (found != null) return Conversations.view(conn, found).map(j -> (Object) j);
                if (!ep.enabled()) {
                  return Future.failedFuture(ApiError.conflict("endpoint_id", "sending is disabled on " + ep.address()
                      + (ep.disabledReason() == null ? "" : ": " + ep.disabledReason())));
                }
                return Timeline.startOrJoin(conn, new Timeline.Start(a.workspaceId(), ep, contactId, address, subject, a.userId(),
                        "open", false), true)
                    .compose(started -> Conversations.view(conn, started.id())
                        .map(view -> started.created() ? (Object) Reply.created(view) : (Object) view));
              });
            });
          });
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
    return node.db().tx(conn -> Conversations.visibleForUpdate(conn, a, id).compose(before -> {
      long inbox = before.getLong("inbox_id");
      Future<String> assigneeName = !assigning || assignee == null ? Future.succeededFuture(null)
          : Db.one(conn, """
              SELECT u.name FROM app_user u JOIN membership m ON m.user_id = u.id AND m.inbox_id = $2
              WHERE u.id = $1 AND u.active""", assignee, inbox).compose(u -> u == null
              ? Future.failedFuture(ApiError.validation("assignee_id", "the assignee must be an active member of the conversation's inbox"))
              : Future.succeededFuture(u.getString("name")));
      String newStatus = status != null ? status : snoozedUntil != null ? "snoozed" : null;
      return assigneeName.compose(name -> Db.one(conn, """
              UPDATE conversation SET status = COALESCE($2, status), priority = COALESCE($3, priority),
                snoozed_until = CASE WHEN COALESCE($2, status) = 'snoozed' THEN COALESCE($4, snoozed_until) ELSE NULL END,
                assignee_id = CASE WHEN $5 THEN $6 ELSE assignee_id END, subject = COALESCE($7, subject), updated_at = now()
              WHERE id = $1 RETURNING *""", id, newStatus, priority, snoozedUntil, assigning, assignee, subject)
          .compose(after -> recordChanges(conn, a, before, after, name)))
          .compose(v -> Conversations.view(conn, id));
    }));
  }

  /** Each change is a system activity in the history and one conversation.updated event. */
  private static Future<Void> recordChanges(Tx conn, Actor a, Row before, Row after, String assigneeName) {
    long ws = a.workspaceId();
    long inbox = after.getLong("inbox_id");
    long id = after.getLong("id");
    List<String> changes = new ArrayList<>();
    List<Activities.Draft> notes = new ArrayList<>();
    if (!before.getString("status").equals(after.getString("status"))) {
      changes.add("status");
      String s = after.getString("status");
      String text = switch (s) {
        case "resolved" -> a.name() + " resolved the conversation";
        case "snoozed" -> a.name() + " snoozed the conversation until " + Times.iso(after, "snoozed_until");
        case "pending" -> a.name() + " marked the conversation pending";
        default -> a.name() + " reopened the conversation";
      };
      notes.add(Activities.Draft.system("user", a.userId(), a.name(), text,
          new JsonObject().put("change", "status").put("from", before.getString("status")).put("to", s)));
    }
    if (!java.util.Objects.equals(before.getLong("assignee_id"), after.getLong("assignee_id"))) {
      changes.add("assignee_id");
      Long to = after.getLong("assignee_id");
      String text = to == null ? a.name() + " unassigned the conversation"
          : to == a.userId() ? a.name() + " took the conversation" : a.name() + " assigned the conversation to " + assigneeName;
      notes.add(Activities.Draft.system("user", a.userId(), a.name(), text,
          new JsonObject().put("change", "assignee").put("from", before.getLong("assignee_id")).put("to", to)));
    }
    if (!before.getString("priority").equals(after.getString("priority"))) {
      changes.add("priority");
      notes.add(Activities.Draft.system("user", a.userId(), a.name(), a.name() + " set the priority to " + after.getString("priority"),
          new JsonObject().put("change", "priority").put("from", before.getString("priority")).put("to", after.getString("priority"))));
    }
    if (!java.util.Objects.equals(before.getString("subject"), after.getString("subject"))) changes.add("subject");
    if (changes.isEmpty()) return Future.succeededFuture();
    return Timeline.changed(conn, ws, inbox, id, notes, changes, null).mapEmpty();
  }

  private Future<?> markRead(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "conversation");
    return node.db().tx(conn -> Conversations.visible(conn, a, id).compose(c -> Db.one(conn, """
        SELECT EXISTS (SELECT 1 FROM activity x WHERE x.conversation_id = $2 AND x.direction = 'in'
                         AND x.created_at > COALESCE((SELECT last_read_at FROM conversation_read
                                                      WHERE user_id = $1 AND conversation_id = $2), '-infinity'::timestamptz))""",
            a.userId(), id)
        .compose(unread -> Db.one(conn, """
            INSERT INTO conversation_read (user_id, conversation_id, last_read_at) VALUES ($1, $2, now())
            ON CONFLICT (user_id, conversation_id) DO UPDATE SET last_read_at = now() RETURNING last_read_at""", a.userId(), id)
            // only a read that catches up with the contact is news (the widget shows it as "seen")
            .compose(r -> !unread.getBoolean(0) ? Future.succeededFuture()
                : EventLog.append(conn, a.workspaceId(), c.getLong("inbox_id"), id, EventType.CONVERSATION_READ,
                    new JsonObject().put("user", new JsonObject().put("id", a.userId()).put("name", a.name()))
                        .put("read_at", Times.iso(r, "last_read_at")))))))
        .map(v -> new JsonObject().put("conversation_id", id).put("unread", 0));
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
