package io.switchboard.channel.telephony;

import io.switchboard.node.Node;
import io.switchboard.inbox.BusinessHours;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides how an inbox answers a call, from its business hours and call routing. Within business hours it rings the
 * routing's targets at once (members in the browser as {@code <Client>user-<id></Client>} and on their own phone,
 * plus listed numbers; every member when no list is set) for {@code timeout_s}, and the dial's action then takes a
 * voicemail when nobody answered. Outside business hours it takes a voicemail, or forwards to a number.
 */
final class CallRouter {

  /** Twilio rings at most ten numbers and clients at once. */
  static final int MAX_TARGETS = 10;
  static final int DEFAULT_TIMEOUT_S = 20;

  /** How a call is answered: {@code ring}, {@code voicemail} or {@code forward}; who rings; the TwiML. */
  record Plan(String route, List<String> targets, String twiml) {
  }

  private final Node node;
  private final String base;
  private final int voicemailMaxSeconds;

  CallRouter(Node node) {
    this.node = node;
    this.base = node.config().http().publicUrl();
    this.voicemailMaxSeconds = node.config().twilio().voicemailMaxSeconds();
  }

  String url(String path) {
    return base + path;
  }

  /** The plan for a call from {@code caller} to the endpoint's number, at the hub's current time. */
  Future<Plan> incoming(Endpoint ep, String caller) {
    return inbox(ep).compose(inbox -> {
      JsonObject routing = inbox.getJsonObject("call_routing") == null ? new JsonObject() : inbox.getJsonObject("call_routing");
      String name = inbox.getString("name");
      if (!BusinessHours.isOpen(inbox.getJsonObject("business_hours"), node.clock().instant())) {
        String after = routing.getString("after_hours", "voicemail");
        if (after.startsWith("forward:")) {
          String number = after.substring("forward:".length());
          return Future.succeededFuture(new Plan("forward", List.of(number), dial(List.of(number), routing, caller, ep)));
        }
        String greeting = routing.getString("greeting",
            "Thank you for calling " + name + ". We are closed right now. Please leave a message after the tone.");
        return Future.succeededFuture(new Plan("voicemail", List.of(), voicemail(greeting)));
      }
      return targets(ep.inboxId(), routing).map(targets -> targets.isEmpty()
          ? new Plan("voicemail", targets, voicemail(noAnswerGreeting(routing)))
          : new Plan("ring", targets, dial(targets, routing, caller, ep)));
    });
  }

  /** TwiML for after a dial nobody answered. */
  Future<String> noAnswer(Endpoint ep) {
    return inbox(ep).map(inbox -> {
      JsonObject routing = inbox.getJsonObject("call_routing") == null ? new JsonObject() : inbox.getJsonObject("call_routing");
      return voicemail(noAnswerGreeting(routing));
    });
  }

  /** The greeting, then a recording whose end goes to our action (without one the provider would loop on this URL). */
  String voicemail(String greeting) {
    return Twiml.response().say(greeting)
        .empty("Record", "maxLength", String.valueOf(voicemailMaxSeconds), "playBeep", "true",
            "action", url("/hooks/twilio/voice/voicemail"), "method", "POST",
            "recordingStatusCallback", url("/hooks/twilio/voice/recording"), "recordingStatusCallbackMethod", "POST")
        .build();
  }

  /**
   * Rings the targets at once. The callee sees the caller's number (so an agent knows who calls), or the inbox's own
   * number when the caller's is not a phone number.
   */
  private String dial(List<String> targets, JsonObject routing, String caller, Endpoint ep) {
    String callerId = caller != null && TwilioRequest.E164.matcher(caller).matches() ? caller : ep.address();
    Twiml t = Twiml.response().open("Dial", "timeout", String.valueOf(routing.getInteger("timeout_s", DEFAULT_TIMEOUT_S)),
        "callerId", callerId, "action", url("/hooks/twilio/voice/dial"), "method", "POST");
    for (String target : targets) {
      if (target.startsWith("client:")) t.noun("Client", target.substring("client:".length()));
      else t.noun("Number", target);
    }
    return t.close("Dial").build();
  }

  private static String noAnswerGreeting(JsonObject routing) {
    return routing.getString("greeting", "Sorry, nobody can take your call right now. Please leave a message after the tone.");
  }

  private Future<Row> inbox(Endpoint ep) {
    return node.db().one("SELECT name, business_hours, call_routing FROM inbox WHERE id = $1", ep.inboxId());
  }

  /**
   * Who rings, in the routing's order: each listed user who is still an active member rings in the browser
   * ({@code client:user-<id>}) and on their phone; listed numbers ring as they are. At most ten.
   */
  private Future<List<String>> targets(long inboxId, JsonObject routing) {
    JsonArray ring = routing.getJsonArray("ring", new JsonArray());
    List<Long> listed = new ArrayList<>();
    for (Object o : ring) if (o instanceof Number n) listed.add(n.longValue());
    boolean everyone = ring.isEmpty();
    return node.db().list("""
        SELECT u.id, u.phone FROM app_user u JOIN membership m ON m.user_id = u.id AND m.inbox_id = $1
        WHERE u.active AND ($2 OR u.id = ANY($3)) ORDER BY u.id""", inboxId, everyone, listed.toArray(Long[]::new))
        .map(rows -> {
          Map<Long, Row> members = new LinkedHashMap<>();
          rows.forEach(r -> members.put(r.getLong("id"), r));
          List<String> out = new ArrayList<>();
          if (everyone) {
            members.values().forEach(r -> addUser(out, r));
          } else {
            for (Object o : ring) {
              if (o instanceof Number n && members.containsKey(n.longValue())) addUser(out, members.get(n.longValue()));
              else if (o instanceof String number && !out.contains(number)) out.add(number);
            }
          }
          return out.size() > MAX_TARGETS ? List.copyOf(out.subList(0, MAX_TARGETS)) : out;
        });
  }

  private static void addUser(List<String> out, Row user) {
    out.add("client:user-" + user.getLong("id"));
    String phone = user.getString("phone");
    if (phone != null && !out.contains(phone)) out.add(phone);
  }
}
