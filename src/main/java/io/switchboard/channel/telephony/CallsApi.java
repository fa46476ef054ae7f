package io.switchboard.channel.telephony;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.conversation.Timeline;
import io.switchboard.node.Node;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.conversation.Activities;
import io.switchboard.contact.Contacts;
import io.switchboard.contact.Identities;
import io.switchboard.conversation.Recipients;
import io.switchboard.http.Rest.Reply;
import io.switchboard.common.ApiError;
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
import io.switchboard.db.Tx;

/**
 * Click-to-call, {@code POST /api/v1/calls {"to","contact_id","from_endpoint_id"}}: the provider rings the agent
 * first (their own phone, else their browser as {@code client:user-<id>}), and once they answer, dials the contact
 * with the inbox's number as caller id. Once the provider has taken the call it is logged as an outgoing {@code call}
 * activity in the contact's conversation on that number; the provider's status callbacks then update it. Needs
 * {@code calls.make} and membership of the number's inbox; the number defaults to the primary number of the user's
 * default inbox. A call finds only contacts the caller may see.
 */
final class CallsApi {

  private final Node node;
  private final TwilioClient api;
  private final CallRouter router;
  private final CallLog calls;

  CallsApi(Node node, TwilioClient api, CallRouter router, CallLog calls) {
    this.node = node;
    this.api = api;
    this.router = router;
    this.calls = calls;
  }

  /**
   * What the first, read-only transaction settled: the number to call from, whom (a contact the caller may see, or
   * none yet: one is made once the call is placed), the number to dial, whom to ring first, and the contact's
   * conversation on that number if there is one.
   */
  private record Plan(Endpoint from, Row contact, String to, String agent, Long conversationId) {
  }

  /**
   * Nothing is written before the provider has taken the call: a call that fails leaves no contact, conversation or
   * entry behind, except a failed-call entry in a conversation the caller already had with the contact.
   */
  Future<?> create(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.CALLS_MAKE);
    Input in = Input.of(ctx);
    String rawTo = in.optText("to", 40);
    String to = rawTo == null || rawTo.isBlank() ? null : Addresses.phone("to", rawTo, node.config().phone().defaultRegion());
    Long contactId = in.optId("contact_id");
    Long fromId = in.optId("from_endpoint_id");
    if (to == null && contactId == null) throw ApiError.validation("to", "to (a phone number) or contact_id is required");
    return node.db().tx(conn -> from(conn, a, fromId).compose(ep -> contact(conn, a, contactId, to).compose(contact ->
        (to != null ? Future.succeededFuture(to) : Recipients.address(conn, contact, "phone")).compose(number -> {
          if (number == null) return Future.failedFuture(ApiError.validation("contact_id", "the contact has no phone number to call"));
          Future<Long> existing = contact == null ? Future.succeededFuture() : Timeline.existing(conn, ep, contact.getLong("id"));
          return Calls.agent(conn, a.userId()).compose(agent -> existing.map(conv -> new Plan(ep, contact, number, agent, conv)));
        }))))
        .compose(plan -> place(plan).transform(ar -> ar.succeeded()
            ? record(a, plan, ar.result()).compose(id -> EarlyCallbacks.drain(node.db(), plan.from().id(), ar.result().getString("sid"),
                CallLog.KIND, calls).map(id))
            : refused(a, plan, ar.cause())))
        .compose(activityId -> Activities.view(node.db().pool(), activityId)).map(Reply::created);
  }

  /** The chosen number (a phone endpoint of an inbox the user is a member of), or the default inbox's primary. */
  private Future<Endpoint> from(Tx conn, Actor a, Long fromId) {
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

  /**
   * The contact named (one the caller may see), else the one whose phone identity is {@code to} if the caller may see
   * it, else null: the call then gets a contact of its own, so a number known only in another inbox stays closed.
   */
  private static Future<Row> contact(Tx conn, Actor a, Long contactId, String to) {
    if (contactId != null) {
      return Contacts.visible(conn, a, contactId).recover(t -> Future.failedFuture(t instanceof ApiError e && e.status == 404
          ? ApiError.validation("contact_id", "no such contact") : t));
    }
    return Identities.find(conn, a.workspaceId(), "phone", to).compose(found -> found == null ? Future.succeededFuture()
        : Contacts.visible(conn, a, found.getLong("id")).recover(t -> Future.succeededFuture()));
  }

  /** The call as it was placed: the contact (made now if the plan had none), its conversation and the call entry. */
  private Future<Long> record(Actor a, Plan p, JsonObject answer) {
    String sid = answer.getString("sid");
    JsonObject data = callData(p).put("call_sid", sid).put("provider_status", answer.getString("status"));
    return node.db().tx(conn -> (p.contact() != null ? Future.succeededFuture(p.contact())
            : Identities.createSeparate(conn, a.workspaceId(), "phone", p.to(), null, null, p.to()))
        .compose(contact -> Timeline.startOrJoin(conn, new Timeline.Start(a.workspaceId(), p.from(), contact.getLong("id"), p.to(),
            null, a.userId(), "open", false), true))
        .compose(conv -> Timeline.add(conn, a.workspaceId(), p.from().inboxId(), conv.id(), p.from().id(),
            new Activities.Draft("call", "out", "sent", "user", a.userId(), a.name(), null, CallLog.summarize(data), null, sid, data))));
  }

  /**
   * A call the provider did not take: 409 when it refused it, 503 when it could not be reached. Only a conversation
   * the caller already had with the contact keeps a trace of the attempt.
   */
  private Future<Long> refused(Actor a, Plan p, Throwable cause) {
    SendFailure f = cause instanceof SendFailure s ? s : SendFailure.retryable(SendFailure.Cause.UNKNOWN, "error", String.valueOf(cause.getMessage()));
    ApiError answer = f.retryable
        ? ApiError.unavailable("the telephony provider could not be reached; try again: " + f.getMessage())
        : ApiError.conflict("to", "the provider refused the call: " + f.getMessage() + " (" + f.code + ")");
    if (p.conversationId() == null) return Future.failedFuture(answer);
    JsonObject data = callData(p).put("call_status", "failed");
    return node.db().tx(conn -> Timeline.add(conn, a.workspaceId(), p.from().inboxId(), p.conversationId(), p.from().id(),
            new Activities.Draft("call", "out", "failed", "user", a.userId(), a.name(), null, CallLog.summarize(data), null, null, data))
        .compose(id -> Calls.failed(conn, id, f)))
        .compose(v -> Future.failedFuture(answer));
  }

  private static JsonObject callData(Plan p) {
    return new JsonObject().put("provider", "twilio").put("direction", "outbound").put("from", p.from().address())
        .put("to", p.to()).put("agent", p.agent()).put("call_status", "queued");
  }

  /** Asks the provider to ring the agent with TwiML that then dials the contact; answers the provider's call resource. */
  private Future<JsonObject> place(Plan p) {
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
    return api.create(p.from(), "Calls.json", form);
  }
}
