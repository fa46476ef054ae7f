package io.switchboard.channel.telephony;

import io.switchboard.Hub;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.auth.Secrets;
import io.switchboard.conversation.Activities;
import io.switchboard.conversation.Conversations;
import io.switchboard.conversation.Recipients;
import io.switchboard.db.Db;
import io.switchboard.event.EventType;
import io.switchboard.event.Events;
import io.switchboard.http.Api.Reply;
import io.switchboard.http.ApiError;
import io.switchboard.http.Input;
import io.switchboard.inbox.Access;
import io.switchboard.inbox.Addresses;
import io.switchboard.inbox.Endpoints;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.switchboard.outbound.SendFailure;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;

/**
 * Click-to-call, {@code POST /api/v1/calls {"to","contact_id","from_endpoint_id"}}: the provider rings the agent
 * first (their own phone, else their browser as {@code client:user-<id>}), and once they answer, dials the contact
 * with the inbox's number as caller id. The call is logged at once as an outgoing {@code call} activity in the
 * contact's conversation on that number; the provider's status callbacks then update it. Needs {@code calls.make}
 * and membership of the number's inbox; the number defaults to the primary number of the user's default inbox.
 */
final class CallsApi {

  private final Hub hub;
  private final TwilioApi api;
  private final CallRouter router;
  private final CallLog calls;

  CallsApi(Hub hub, TwilioApi api, CallRouter router, CallLog calls) {
    this.hub = hub;
    this.api = api;
    this.router = router;
    this.calls = calls;
  }

  /** What the first transaction settled: the number, the logged activity, and whom to ring first. */
  private record Placed(Endpoint from, long activityId, String agent, String to) {
  }

  Future<?> create(RoutingContext ctx) {
    Actor a = Actor.of(ctx);
    a.require(Permission.CALLS_MAKE);
    Input in = Input.of(ctx);
    String rawTo = in.optText("to", 40);
    String to = rawTo == null || rawTo.isBlank() ? null : Addresses.phone("to", rawTo, hub.config.string("phone.default_region"));
    Long contactId = in.optId("contact_id");
    Long fromId = in.optId("from_endpoint_id");
    if (to == null && contactId == null) throw ApiError.validation("to", "to (a phone number) or contact_id is required");
    return hub.db.tx(conn -> from(conn, a, fromId).compose(ep -> contact(conn, a, contactId, to).compose(contact ->
        (to != null ? Future.succeededFuture(to) : Recipients.address(conn, contact, "phone")).compose(number -> {
          if (number == null) return Future.failedFuture(ApiError.validation("contact_id", "the contact has no phone number to call"));
          return Db.one(conn, "SELECT phone FROM app_user WHERE id = $1", a.userId()).compose(user -> {
            String agent = user.getString("phone") != null ? user.getString("phone") : "client:user-" + a.userId();
            return conversation(conn, a, ep, contact.getLong("id"), number).compose(conversationId -> log(conn, a, ep, conversationId, number, agent))
                .map(activityId -> new Placed(ep, activityId, agent, number));
          });
        }))))
        .compose(p -> place(p).compose(v -> Activities.view(hub.db.pool(), p.activityId())).map(Reply::created));
  }

  /** The chosen number (a phone endpoint of an inbox the user is a member of), or the default inbox's primary. */
  private Future<Endpoint> from(SqlConnection conn, Actor a, Long fromId) {
    Future<Endpoint> chosen = fromId == null ? Endpoints.defaultFor(conn, a.userId(), "phone", "from_endpoint_id")
        : Endpoints.byId(conn, fromId).map(ep -> {
          if (ep == null || ep.workspaceId() != a.workspaceId()) throw ApiError.notFound("endpoint");
          if (!ep.channel().equals("phone")) throw ApiError.validation("from_endpoint_id", "from_endpoint_id must be a phone number");
          return ep;
        });
    return chosen.compose(ep -> Access.requireMember(conn, a, ep.inboxId())
        .recover(t -> Future.failedFuture(fromId == null
            ? ApiError.validation("from_endpoint_id", "you are no longer a member of your default inbox") : ApiError.notFound("endpoint")))
        .map(ep))
        .map(ep -> {
          if (!ep.enabled()) {
            throw ApiError.conflict("from_endpoint_id", "calling is disabled on " + ep.address()
                + (ep.disabledReason() == null ? "" : ": " + ep.disabledReason()));
          }
          if (ep.setting("account_sid") == null || ep.secret("auth_token") == null) {
            throw ApiError.conflict("from_endpoint_id", "the number " + ep.address() + " has no provider account to call with");
          }
          return ep;
        });
  }

  /** The contact named, else the one whose phone identity is {@code to}, else a new contact with that number. */
  private static Future<Row> contact(SqlConnection conn, Actor a, Long contactId, String to) {
    if (contactId != null) {
      return Db.one(conn, "SELECT * FROM contact WHERE id = $1 AND workspace_id = $2", contactId, a.workspaceId()).map(r -> {
        if (r == null) throw ApiError.validation("contact_id", "no such contact");
        return r;
      });
    }
    String find = """
        SELECT ct.* FROM contact_identity i JOIN contact ct ON ct.id = i.contact_id
        WHERE i.workspace_id = $1 AND i.channel = 'phone' AND i.address = $2""";
    return Db.one(conn, find, a.workspaceId(), to).compose(found -> found != null ? Future.succeededFuture(found)
        : Db.one(conn, "INSERT INTO contact (workspace_id, phone) VALUES ($1, $2) RETURNING *", a.workspaceId(), to)
            .compose(created -> Db.one(conn, """
                INSERT INTO contact_identity (workspace_id, contact_id, channel, address) VALUES ($1, $2, 'phone', $3)
                ON CONFLICT (workspace_id, channel, address) DO NOTHING RETURNING id""", a.workspaceId(), created.getLong("id"), to)
                .compose(identity -> identity != null ? Future.succeededFuture(created)
                    // created meanwhile by an inbound message: use that contact
                    : Db.query(conn, "DELETE FROM contact WHERE id = $1", created.getLong("id")).compose(v -> Db.one(conn, find, a.workspaceId(), to)))));
  }

  /** The contact's conversation on this number (there is one per contact and number), started when there is none. */
  private static Future<Long> conversation(SqlConnection conn, Actor a, Endpoint ep, long contactId, String number) {
    String find = "SELECT id FROM conversation WHERE endpoint_id = $1 AND contact_id = $2 FOR UPDATE";
    return Db.one(conn, find, ep.id(), contactId).compose(found -> {
      if (found != null) return Future.succeededFuture(found.getLong("id"));
      return Db.one(conn, """
          INSERT INTO conversation (workspace_id, inbox_id, endpoint_id, contact_id, channel, contact_address, thread_token, assignee_id)
          VALUES ($1, $2, $3, $4, 'phone', $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id""",
          a.workspaceId(), ep.inboxId(), ep.id(), contactId, number, Secrets.token(12), a.userId()).compose(r -> r == null
          ? Db.one(conn, find, ep.id(), contactId).map(x -> x.getLong("id"))
          : Conversations.view(conn, r.getLong("id")).compose(view -> Events.append(conn, a.workspaceId(), ep.inboxId(),
              r.getLong("id"), EventType.CONVERSATION_CREATED, new JsonObject().put("conversation", view))).map(v -> r.getLong("id")));
    });
  }

  /** The outgoing call as an activity, shown at once; the provider's answer and callbacks update it. */
  private static Future<Long> log(SqlConnection conn, Actor a, Endpoint ep, long conversationId, String to, String agent) {
    JsonObject data = new JsonObject().put("provider", "twilio").put("direction", "outbound").put("from", ep.address())
        .put("to", to).put("agent", agent).put("call_status", "queued");
    String text = CallLog.summarize(data);
    return Activities.insert(conn, a.workspaceId(), ep.inboxId(), conversationId, ep.id(),
            new Activities.Draft("call", "out", "queued", "user", a.userId(), a.name(), null, text, null, null, data))
        .compose(id -> Db.query(conn, "UPDATE conversation SET last_activity_at = now(), updated_at = now() WHERE id = $1", conversationId)
            .compose(v -> Activities.created(conn, a.workspaceId(), ep.inboxId(), conversationId, id)).map(id));
  }

  /**
   * Asks the provider to ring the agent with TwiML that then dials the contact. Its CallSid is stored (and status
   * callbacks that overtook the answer applied); a refusal marks the call failed with the provider's code and
   * message and answers 409, an unreachable provider 503.
   */
  private Future<Void> place(Placed p) {
    String twiml = Twiml.response().open("Dial", "callerId", p.from().address(), "timeout", "30",
        "action", router.url("/hooks/twilio/voice/dial"), "method", "POST").noun("Number", p.to()).close("Dial").build();
    MultiMap form = MultiMap.caseInsensitiveMultiMap()
        .add("To", p.agent())
        .add("From", p.from().address())
        .add("Twiml", twiml)
        .add("Timeout", "30")
        .add("StatusCallback", router.url("/hooks/twilio/voice/status"))
        .add("StatusCallbackMethod", "POST");
    for (String event : new String[] {"initiated", "ringing", "answered", "completed"}) form.add("StatusCallbackEvent", event);
    return api.create(p.from(), "Calls.json", form).transform(ar -> {
      if (ar.succeeded()) {
        String sid = ar.result().getString("sid");
        return hub.db.tx(conn -> Db.query(conn, """
                UPDATE activity SET provider_id = $2, status = 'sent', data = data || $3, updated_at = now() WHERE id = $1""",
                p.activityId(), sid, new JsonObject().put("call_sid", sid).put("provider_status", ar.result().getString("status")))
            .compose(v -> Activities.updated(conn, p.activityId())))
            .compose(v -> EarlyCallbacks.drain(hub.db, p.from().id(), sid, CallLog.KIND, calls));
      }
      SendFailure f = ar.cause() instanceof SendFailure s ? s : SendFailure.retryable("error", String.valueOf(ar.cause().getMessage()));
      return hub.db.tx(conn -> Db.query(conn, """
              UPDATE activity SET status = 'failed', error_code = $2, error_message = $3, updated_at = now() WHERE id = $1""",
              p.activityId(), f.code, f.getMessage())
          .compose(v -> Activities.updated(conn, p.activityId())))
          .compose(v -> Future.failedFuture(f.retryable
              ? ApiError.unavailable("the telephony provider could not be reached; try again: " + f.getMessage())
              : ApiError.conflict("to", "the provider refused the call: " + f.getMessage() + " (" + f.code + ")")));
    });
  }
}
