package io.switchboard.channel.telephony;

import io.switchboard.node.Node;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.switchboard.outbound.SendFailure;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The provider's REST API ({@code twilio.api_base}): form POSTs to {@code /2010-04-01/Accounts/{AccountSid}/…}
 * with basic auth AccountSid:AuthToken, answered with JSON. A 2xx is the created resource; a 4xx error
 * {@code {"code","message","more_info","status"}} is a permanent {@link SendFailure} keeping the provider's code and
 * message; 429, 5xx, timeouts and network errors are retryable.
 */
final class TwilioClient {

  private final Node node;
  private final String base;
  private final long timeoutMs;

  TwilioClient(Node node) {
    this.node = node;
    this.base = node.config().twilio().apiBase();
    this.timeoutMs = node.config().twilio().apiTimeoutMs();
  }

  /** POSTs a form to {@code resource} (e.g. {@code Messages.json}) of the endpoint's account; the created JSON. */
  Future<JsonObject> create(Endpoint from, String resource, MultiMap form) {
    String sid = from.setting("account_sid");
    String token = from.secret("auth_token");
    if (sid == null || sid.isBlank() || token == null || token.isBlank()) {
      return Future.failedFuture(SendFailure.permanent(SendFailure.Cause.NOT_CONFIGURED, "not_configured",
          "the number " + from.address() + " has no account_sid and auth_token to send with"));
    }
    String url = base + "/2010-04-01/Accounts/" + URLEncoder.encode(sid, StandardCharsets.UTF_8) + "/" + resource;
    return node.http().postAbs(url)
        .basicAuthentication(sid, token)
        .putHeader("Accept", "application/json")
        .timeout(timeoutMs)
        .followRedirects(false)
        .sendForm(form)
        .recover(t -> Future.failedFuture(SendFailure.retryable(SendFailure.Cause.UNREACHABLE, "unreachable", "the telephony provider is not reachable: " + t.getMessage())))
        .compose(res -> {
          JsonObject body = json(res.bodyAsString());
          if (res.statusCode() / 100 == 2) {
            if (body == null || body.getString("sid") == null) {
              return Future.failedFuture(SendFailure.retryable(SendFailure.Cause.PROVIDER_ERROR, "bad_answer", "the provider answered " + res.statusCode() + " without a sid"));
            }
            return Future.succeededFuture(body);
          }
          String code = body != null && body.getValue("code") != null ? String.valueOf(body.getValue("code")) : null;
          String message = body != null && body.getString("message") != null ? body.getString("message")
              : "the provider answered HTTP " + res.statusCode();
          return Future.failedFuture(failure(res.statusCode(), code, message));
        });
  }

  /**
   * A refusal as an agent can act on it: Twilio's error codes for a bad destination (21211 invalid 'To', 21614 not a
   * mobile number, 21612 unreachable route, 21408 region not enabled, 21610 recipient unsubscribed) are the
   * recipient's; 20003 (authenticate) refuses the account's credentials; the rest as the HTTP status says.
   */
  static SendFailure failure(int status, String code, String message) {
    SendFailure f = SendFailure.ofHttpStatus(status, code, message);
    if (code == null) return f;
    return switch (code) {
      case "21211", "21614", "21612", "21408", "21610" -> f.because(SendFailure.Cause.INVALID_RECIPIENT);
      case "20003" -> f.because(SendFailure.Cause.AUTH_REFUSED);
      default -> f;
    };
  }

  private static JsonObject json(String s) {
    if (s == null || s.isBlank()) return null;
    try {
      return new JsonObject(s);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
