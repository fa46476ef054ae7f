package io.switchboard.conversation;

import io.switchboard.auth.Secrets;
import io.switchboard.db.Db;
import io.switchboard.db.Tx;
import io.switchboard.event.EventLog;
import io.switchboard.event.EventType;
import io.switchboard.common.ApiError;
import io.switchboard.inbox.Endpoints;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.switchboard.outbound.ChannelSender;
import io.switchboard.outbound.Outbox;
import io.switchboard.outbound.Outgoing;
import io.switchboard.outbound.Senders;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.util.List;

/**
 * The one way a conversation's timeline changes, and so the one place that tells agents about it: a conversation
 * started or joined, an entry added (note, call, system entry), a change recorded (its system entries and one
 * {@code conversation.updated}), an activity updated, an outgoing message queued. REST resources, automations,
 * channels and the janitor all come here; inbound messages are written by ingest's batch by the same rules, and it
 * starts new conversations here too. Every method works inside the caller's transaction, and its events commit
 * with it.
 */
public final class Timeline {

  private final Senders senders;
  private final Vertx vertx;

  public Timeline(Senders senders, Vertx vertx) {
    this.senders = senders;
    this.vertx = vertx;
  }

  /** Who writes an entry or a message: an agent ({@code user}), a chatbot ({@code bot}), or the hub ({@code system}). */
  public record Author(String type, Long id, String name) {
    public static final Author SYSTEM = new Author("system", null, "Switchboard");

    public static Author user(long id, String name) {
      return new Author("user", id, name);
    }
  }

  // ---- starting ----

  /**
   * A conversation to start with a contact on an endpoint: the address it goes to, a subject (e-mail), who it is
   * assigned to, its status ({@code open} unless it must stay out of agents' queues), and whether the contact
   * started it (an incoming message) or we did.
   */
  public record Start(long workspaceId, Endpoint endpoint, long contactId, String contactAddress, String subject,
                      Long assigneeId, String status, boolean incoming) {
  }

  /** The conversation, and whether this call created it. */
  public record Started(long id, boolean created) {
  }

  private static final String FIND_CHAT = "SELECT id FROM conversation WHERE endpoint_id = $1 AND contact_id = $2";

  /** The contact's conversation on a chat-like endpoint, or null (also for e-mail, where each thread is new). */
  public static Future<Long> existing(Tx tx, Endpoint ep, long contactId) {
    if (!Endpoints.CHAT_LIKE.contains(ep.channel())) return Future.succeededFuture();
    return Db.one(tx, FIND_CHAT, ep.id(), contactId).map(r -> r == null ? null : r.getLong(0));
  }

  /**
   * Starts a conversation, or on a chat-like channel joins the contact's one there (there is only ever one per
   * contact and endpoint: a concurrent start makes the insert do nothing, and the other's is joined). An e-mail
   * always starts a new thread. With {@code announce}, a new conversation is told as {@code conversation.created};
   * ingest tells it itself, with the message that opened it.
   */
  public static Future<Started> startOrJoin(Tx tx, Start s, boolean announce) {
    Endpoint ep = s.endpoint();
    return existing(tx, ep, s.contactId()).compose(found -> {
      if (found != null) return Future.succeededFuture(new Started(found, false));
      return Db.one(tx, """
          INSERT INTO conversation (workspace_id, inbox_id, endpoint_id, contact_id, channel, contact_address, subject,
            thread_token, assignee_id, status, last_incoming_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, CASE WHEN $11 THEN now() END)
          ON CONFLICT DO NOTHING RETURNING id""", s.workspaceId(), ep.inboxId(), ep.id(), s.contactId(), ep.channel(),
          s.contactAddress(), s.subject(), Secrets.token(12), s.assigneeId(), s.status(), s.incoming())
          .compose(r -> {
            if (r == null) {
              // a concurrent first message or start of the same contact on this endpoint: join it
              return Db.one(tx, FIND_CHAT, ep.id(), s.contactId()).map(x -> new Started(x.getLong(0), false));
            }
            long id = r.getLong(0);
            if (!announce) return Future.succeededFuture(new Started(id, true));
            return Conversations.view(tx, id).compose(view -> EventLog.append(tx, s.workspaceId(), ep.inboxId(), id,
                EventType.CONVERSATION_CREATED, new JsonObject().put("conversation", view))).map(new Started(id, true));
          });
    });
  }

  // ---- entries ----

  /**
   * Adds an activity and tells it ({@code message.created}, with the conversation as it is now). Messages and calls
   * move the conversation up agents' lists; notes and system entries do not.
   */
  public static Future<Long> add(Tx tx, long workspaceId, long inboxId, long conversationId, Long endpointId,
                                 Activities.Draft d) {
    return Activities.insert(tx, workspaceId, inboxId, conversationId, endpointId, d)
        .compose(id -> bump(tx, conversationId, d.kind())
            .compose(v -> created(tx, workspaceId, inboxId, conversationId, id))
            .map(id));
  }

  /** As {@link #add}, for a conversation row ({@code c.*}) at hand. */
  public static Future<Long> add(Tx tx, Row conv, Long endpointId, Activities.Draft d) {
    return add(tx, conv.getLong("workspace_id"), conv.getLong("inbox_id"), conv.getLong("id"), endpointId, d);
  }

  /** A system entry by {@code by}: what happened, in words, and what changed in {@code data}. */
  public static Future<Void> note(Tx tx, Row conv, Author by, String text, JsonObject data) {
    return add(tx, conv, null, Activities.Draft.system(by.type(), by.id(), by.name(), text, data)).mapEmpty();
  }

  /**
   * A change to the conversation itself (status, assignee, tags, bots, contact…): its system entries, then one
   * {@code conversation.updated} naming what changed, with {@code extra} data. Returns the conversation as it is now.
   */
  public static Future<JsonObject> changed(Tx tx, long workspaceId, long inboxId, long conversationId,
                                           List<Activities.Draft> entries, List<String> changes, JsonObject extra) {
    Future<Void> f = Future.succeededFuture();
    for (Activities.Draft d : entries) f = f.compose(v -> add(tx, workspaceId, inboxId, conversationId, null, d).mapEmpty());
    return f.compose(v -> Conversations.view(tx, conversationId)).compose(view -> {
      JsonObject data = (extra == null ? new JsonObject() : extra.copy()).put("conversation", view).put("changes", new JsonArray(changes));
      return EventLog.append(tx, workspaceId, inboxId, conversationId, EventType.CONVERSATION_UPDATED, data).map(view);
    });
  }

  /** As {@link #changed(Tx, long, long, long, List, List, JsonObject)}, for a conversation row at hand. */
  public static Future<JsonObject> changed(Tx tx, Row conv, List<Activities.Draft> entries, List<String> changes) {
    return changed(tx, conv.getLong("workspace_id"), conv.getLong("inbox_id"), conv.getLong("id"), entries, changes, null);
  }

  /** Tells {@code message.updated} with the activity as it is now (delivery status, call progress…). */
  public static Future<Void> updated(Tx tx, long activityId) {
    return Db.one(tx, "SELECT " + Activities.COLUMNS + " FROM activity a WHERE a.id = $1", activityId).compose(r ->
        EventLog.append(tx, r.getLong("workspace_id"), r.getLong("inbox_id"), r.getLong("conversation_id"),
            EventType.MESSAGE_UPDATED, new JsonObject().put("activity", Activities.json(r))));
  }

  /**
   * Tells that a conversation is gone, and why: folded into another ({@code merged_into}) or deleted with its contact
   * ({@code contact_id}).
   */
  public static Future<Void> deleted(Tx tx, long workspaceId, long inboxId, long conversationId, JsonObject why) {
    return EventLog.append(tx, workspaceId, inboxId, conversationId, EventType.CONVERSATION_DELETED,
        why.copy().put("conversation_id", conversationId));
  }

  private static Future<Void> created(Tx tx, long workspaceId, long inboxId, long conversationId, long activityId) {
    return Activities.view(tx, activityId).compose(act -> Conversations.view(tx, conversationId).compose(conv ->
        EventLog.append(tx, workspaceId, inboxId, conversationId, EventType.MESSAGE_CREATED,
            new JsonObject().put("activity", act).put("conversation", conv))));
  }

  private static Future<Void> bump(Tx tx, long conversationId, String kind) {
    if (!kind.equals("message") && !kind.equals("call")) return Future.succeededFuture();
    return Db.query(tx, "UPDATE conversation SET last_activity_at = now(), updated_at = now() WHERE id = $1", conversationId)
        .mapEmpty();
  }

  // ---- sending ----

  /** The reply leaves from the conversation's endpoint, or another enabled one of the same inbox and channel. */
  public static Future<Endpoint> fromEndpoint(Tx conn, Row conversation, Long fromId) {
    long endpointId = fromId != null ? fromId : conversation.getLong("endpoint_id");
    return Endpoints.byId(conn, endpointId).compose(ep -> {
      if (ep == null || ep.inboxId() != conversation.getLong("inbox_id")) {
        return Future.failedFuture(ApiError.validation("from_endpoint_id", "from_endpoint_id must be an endpoint of the conversation's inbox"));
      }
      if (!ep.channel().equals(conversation.getString("channel"))) {
        return Future.failedFuture(ApiError.validation("from_endpoint_id",
            "from_endpoint_id must be on the conversation's channel (" + conversation.getString("channel") + ")"));
      }
      if (!ep.enabled()) {
        return Future.failedFuture(ApiError.conflict("from_endpoint_id", "sending is disabled on " + ep.address()
            + (ep.disabledReason() == null ? "" : ": " + ep.disabledReason())));
      }
      return Future.succeededFuture(ep);
    });
  }

  /** What an outgoing message says; {@code attach} links its files to the new activity, before it is told. */
  public record Message(String subject, String text, String html, JsonObject data, Attach attach) {
    public Message(String subject, String text, String html, JsonObject data) {
      this(subject, text, html, data, null);
    }
  }

  /** Links files to the message's activity inside the transaction. */
  public interface Attach {
    Future<Void> to(Tx tx, long activityId);
  }

  /** Why a message could not be queued; nothing was written. */
  public static final class Refused extends RuntimeException {
    public final String code;
    /** The channel's own refusal, as the agent reads it; null for the hub's checks. */
    public final ApiError channel;

    public Refused(String code, String message, ApiError channel) {
      super(message, null, false, false);
      this.code = code;
      this.channel = channel;
    }

    /** What an API caller is told: the channel's refusal as it was, else a conflict on the endpoint. */
    public ApiError toApiError() {
      return channel != null ? channel : ApiError.conflict("from_endpoint_id", getMessage());
    }
  }

  /**
   * Queues an outgoing message in the conversation ({@code conv}: its {@code c.*} row, locked by the caller) from
   * {@code ep}, as an agent's reply and every automatic message go: checked by the channel first (fails with
   * {@link Refused}, nothing written), then an outbound activity in state {@code queued} and its outbox row commit
   * together, and the dispatcher is woken once they have. Returns the activity id.
   */
  public Future<Long> queue(Tx tx, Row conv, Endpoint ep, Author author, Message m) {
    long ws = conv.getLong("workspace_id");
    long inbox = conv.getLong("inbox_id");
    long conversationId = conv.getLong("id");
    JsonObject data = m.data() == null ? new JsonObject() : m.data();
    return check(conv, ep, author, m)
        .compose(v -> Activities.insert(tx, ws, inbox, conversationId, ep.id(), new Activities.Draft("message", "out", "queued",
            author.type(), author.id(), author.name(), m.subject(), m.text(), m.html(), null, data)))
        .compose(id -> (m.attach() == null ? Future.<Void>succeededFuture() : m.attach().to(tx, id))
            .compose(v -> Outbox.enqueue(tx, ws, conversationId, id, ep.channel()))
            .compose(v -> bump(tx, conversationId, "message"))
            .compose(v -> created(tx, ws, inbox, conversationId, id))
            .map(v -> {
              tx.afterCommit(() -> Outbox.wake(vertx));
              return id;
            }));
  }

  /** Whether the hub can send this on the endpoint now; fails with {@link Refused} saying why not. */
  public Future<Void> check(Row conv, Endpoint ep, Author author, Message m) {
    ChannelSender sender = senders.get(ep.channel());
    if (sender == null) {
      return Future.failedFuture(new Refused("channel_unsupported", "this hub cannot send on the " + ep.channel() + " channel",
          ApiError.conflict("from_endpoint_id", "this hub cannot send on the " + ep.channel() + " channel")));
    }
    if (!ep.enabled()) {
      String why = "sending is disabled on " + ep.address() + (ep.disabledReason() == null ? "" : ": " + ep.disabledReason());
      return Future.failedFuture(new Refused("endpoint_disabled", why, ApiError.conflict("from_endpoint_id", why)));
    }
    if (m.data() != null && m.data().containsKey("template") && !ep.channel().equals("whatsapp")) {
      return Future.failedFuture(new Refused("template", "template messages are for WhatsApp conversations",
          ApiError.validation("template", "template messages are for WhatsApp conversations")));
    }
    Outgoing preview = new Outgoing(0, conv.getLong("workspace_id"), conv.getLong("inbox_id"), conv.getLong("id"),
        conv.getLong("contact_id"), null, conv.getString("contact_address"), conv.getString("subject"),
        conv.getString("thread_token"), ep, m.subject(), m.text(), m.html(), author.name(), List.of(),
        m.data() == null ? new JsonObject() : m.data(), 0);
    return sender.check(preview)
        .recover(t -> Future.failedFuture(t instanceof ApiError e ? new Refused(e.code, e.getMessage(), e) : t));
  }
}
