package io.switchboard.channel.telephony;

import io.switchboard.node.Node;
import io.switchboard.inbox.EndpointCache;
import io.switchboard.common.ApiError;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Voice webhooks. {@code /voice}: an incoming call, answered with the inbox's routing (see {@link CallRouter}) and
 * logged in the caller's conversation. {@code /voice/dial}: the outcome of a {@code <Dial>} ({@code DialCallStatus});
 * nobody answered means voicemail. {@code /voice/voicemail}: the end of a recording (the {@code <Record>} action).
 * {@code /voice/status}: call status callbacks. {@code /voice/recording}: recording status callbacks. Each request
 * is checked with the auth token of the number it concerns.
 */
final class VoiceHook {

  private static final Logger log = LoggerFactory.getLogger(VoiceHook.class);

  private final Node node;
  private final String publicUrl;
  private final CallRouter router;
  private final CallLog calls;
  private final EndpointCache endpoints;

  VoiceHook(Node node, EndpointCache endpoints, CallRouter router, CallLog calls) {
    this.endpoints = endpoints;
    this.node = node;
    this.publicUrl = node.config().http().publicUrl();
    this.router = router;
    this.calls = calls;
  }

  Future<String> incoming(RoutingContext ctx) {
    TwilioRequest req = TwilioRequest.of(ctx, publicUrl);
    return req.signedEndpoint(endpoints, "incoming call", "CallSid").compose(ep -> {
      String callSid = req.sid("CallSid");
      String from = req.e164("From");
      return router.incoming(ep, from).compose(plan ->
          calls.incoming(ep, callSid, from, req.get("CallerName"), req.get("CallStatus"), plan).map(r -> plan.twiml()));
    });
  }

  Future<String> dial(RoutingContext ctx) {
    TwilioRequest req = TwilioRequest.of(ctx, publicUrl);
    String callSid = req.sid("CallSid");
    return signedFor(req, callSid).compose(ep -> {
      String status = req.required("DialCallStatus");
      int talk = req.integer("DialCallDuration", 0, 86_400, -1);
      boolean outbound = req.get("Direction") != null && req.get("Direction").startsWith("outbound");
      return calls.dialed(ep.id(), callSid, status, talk < 0 ? null : talk).compose(data -> {
        boolean ours = outbound || (data != null && "outbound".equals(data.getString("direction")));
        if (ours || status.equals("completed") || status.equals("answered")) {
          return Future.succeededFuture(Twiml.response().hangup().build());
        }
        return router.noAnswer(ep);
      });
    });
  }

  Future<String> voicemailDone(RoutingContext ctx) {
    TwilioRequest req = TwilioRequest.of(ctx, publicUrl);
    return signedFor(req, req.sid("CallSid"))
        .map(ep -> Twiml.response().say("Thank you for your message. Goodbye.").hangup().build());
  }

  Future<String> status(RoutingContext ctx) {
    TwilioRequest req = TwilioRequest.of(ctx, publicUrl);
    String callSid = req.sid("CallSid");
    req.required("CallStatus");
    return signedFor(req, callSid).compose(ep -> {
      boolean inbound = "inbound".equals(req.get("Direction")) || (req.get("Direction") == null && ep.address().equals(req.get("To")));
      if (!inbound) return EarlyCallbacks.deliver(node.db(), ep.id(), callSid, CallLog.KIND, req.toJson(), calls).map("");
      // an inbound call not logged yet (its first webhook went elsewhere or failed) is logged now
      String from = req.e164("From");
      return node.db().one("SELECT 1 FROM activity WHERE endpoint_id = $1 AND provider_id = $2", ep.id(), callSid)
          .compose(r -> r != null ? Future.succeededFuture() : calls.incoming(ep, callSid, from, req.get("CallerName"), null, null).mapEmpty())
          .compose(v -> EarlyCallbacks.deliver(node.db(), ep.id(), callSid, CallLog.KIND, req.toJson(), calls))
          .map("");
    });
  }

  Future<String> recording(RoutingContext ctx) {
    TwilioRequest req = TwilioRequest.of(ctx, publicUrl);
    String callSid = req.sid("CallSid");
    req.sid("RecordingSid");
    String account = req.required("AccountSid");
    // a recording callback names no number: the call it belongs to does
    return Numbers.holding(node.db().pool(), account, callSid).compose(ep -> {
      if (ep == null) {
        log.warn("recording {} for call {}: no call of this hub; refused", req.get("RecordingSid"), callSid);
        return Future.failedFuture(ApiError.notFound("call"));
      }
      req.requireSignedBy(ep);
      return calls.recording(ep, req).map("");
    });
  }

  /** The number a call callback concerns (the one holding the call, else To, else From), after its signature check. */
  private Future<Endpoint> signedFor(TwilioRequest req, String callSid) {
    return Numbers.resolve(node.db().pool(), callSid, req.e164OrNull("To"), req.e164OrNull("From")).map(ep -> {
      if (ep == null) {
        log.warn("{} for call {}: neither To nor From is a number of this hub; refused", req.path, callSid);
        throw ApiError.notFound("phone number");
      }
      req.requireSignedBy(ep);
      return ep;
    });
  }
}
