package io.switchboard.sandbox;

import io.switchboard.auth.Secrets;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.switchboard.node.Node;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The telephony provider of sandbox numbers: {@code POST /hooks/sandbox/twilio/2010-04-01/Accounts/{sid}/Messages.json}
 * with the number's generated account and auth token (basic auth), answered like the provider (201 with the
 * message's {@code sid}, status {@code queued}), then the message's status reports, {@code sent} and
 * {@code delivered} (or {@code failed}, error 30003, when the text contains the fail marker), POSTed to its
 * StatusCallback through the hub's real, signed webhook.
 */
final class TwilioSimulator {

  private static final Logger log = LoggerFactory.getLogger(TwilioSimulator.class);

  private final Node node;
  private final SandboxStore store;
  private final Callbacks callbacks;

  TwilioSimulator(Node node, SandboxStore store, Callbacks callbacks) {
    this.node = node;
    this.store = store;
    this.callbacks = callbacks;
  }

  void messages(RoutingContext ctx) {
    MultiMap form = parse(ctx);
    String sid = ctx.pathParam("sid");
    String from = form.get("From");
    String to = form.get("To");
    String body = form.get("Body");
    String[] basic = basic(ctx.request().getHeader("Authorization"));
    if (basic == null) {
      error(ctx, 401, 20003, "Authenticate");
      return;
    }
    if (from == null || to == null) {
      error(ctx, 400, 21604, "A 'From' and a 'To' phone number are required.");
      return;
    }
    store.endpoint("phone", from).onComplete(ar -> {
      Endpoint ep = ar.succeeded() ? ar.result() : null;
      if (ar.failed()) {
        error(ctx, 503, 20500, "the simulator could not read its numbers: " + ar.cause().getMessage());
        return;
      }
      if (ep == null) {
        error(ctx, 400, 21606, "The From phone number " + from + " is not a sandbox number of this hub.");
        return;
      }
      if (!basic[0].equals(sid) || !Secrets.constantTimeEquals(basic[0], ep.setting("account_sid"))
          || !Secrets.constantTimeEquals(basic[1], ep.secret("auth_token"))) {
        error(ctx, 401, 20003, "Authenticate");
        return;
      }
      String messageSid = "SM" + HexFormat.of().formatHex(Secrets.randomBytes(16));
      ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json").end(new JsonObject()
          .put("sid", messageSid).put("account_sid", sid).put("from", from).put("to", to).put("body", body)
          .put("status", "queued").put("num_segments", "1").put("num_media", String.valueOf(form.getAll("MediaUrl").size()))
          .put("direction", "outbound-api").put("date_created", Instant.now().toString()).encode());
      String callback = form.get("StatusCallback");
      if (callback == null) return;
      boolean fail = Signing.asksToFail(body);
      callbacks.later(() -> status(ep, callback, messageSid, from, to, "sent"))
          .compose(v -> callbacks.later(() -> status(ep, callback, messageSid, from, to, fail ? "failed" : "delivered")));
    });
  }

  /** One status report to the StatusCallback, signed with the number's auth token, sent to this node's own server. */
  private Future<Void> status(Endpoint ep, String callback, String messageSid, String from, String to, String status) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    params.put("MessageSid", List.of(messageSid));
    params.put("SmsSid", List.of(messageSid));
    params.put("AccountSid", List.of(ep.setting("account_sid")));
    params.put("From", List.of(from));
    params.put("To", List.of(to));
    params.put("MessageStatus", List.of(status));
    params.put("SmsStatus", List.of(status));
    if (status.equals("failed")) {
      params.put("ErrorCode", List.of("30003"));
      params.put("ErrorMessage", List.of("Unreachable destination handset (sandbox: the reply asked to fail with "
          + Sandbox.FAIL_MARKER + ")"));
    }
    MultiMap form = MultiMap.caseInsensitiveMultiMap();
    params.forEach((k, v) -> v.forEach(x -> form.add(k, x)));
    String signature = Signing.twilio(ep.secret("auth_token"), callback, params);
    return node.http().postAbs(node.state().loopbackUrl() + pathOf(callback))
        .putHeader("X-Twilio-Signature", signature)
        .timeout(15_000)
        .sendForm(form)
        .compose(res -> {
          if (res.statusCode() / 100 == 2) return Future.succeededFuture();
          log.info("sandbox: SMS status {} of {} answered {}: {}", status, messageSid, res.statusCode(), res.bodyAsString());
          return Future.failedFuture("status callback answered " + res.statusCode());
        });
  }

  /** The path and query of the callback URL the sender named (under http.public_url), to reach this node at. */
  static String pathOf(String url) {
    URI u = URI.create(url);
    return u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
  }

  private static MultiMap parse(RoutingContext ctx) {
    MultiMap out = MultiMap.caseInsensitiveMultiMap();
    String body = ctx.body() == null || ctx.body().buffer() == null ? "" : ctx.body().asString();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      try {
        out.add(java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
            eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException ignored) {
        // a malformed pair is left out, as the provider would
      }
    }
    return out;
  }

  private static String[] basic(String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) return null;
    try {
      String pair = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
      int colon = pair.indexOf(':');
      return colon < 0 ? null : new String[] {pair.substring(0, colon), pair.substring(colon + 1)};
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static void error(RoutingContext ctx, int status, int code, String message) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(new JsonObject()
        .put("code", code).put("message", message).put("more_info", "https://www.twilio.com/docs/errors/" + code)
        .put("status", status).encode());
  }
}
