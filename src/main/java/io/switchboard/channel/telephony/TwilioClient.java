package io.switchboard.channel.telephony;

import io.switchboard.node.Node;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.switchboard.outbound.SendFailure;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.client.HttpResponse;
import io.switchboard.channel.ConnectionReport;
import io.vertx.core.json.JsonObject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The provider's REST API ({@code twilio.api_base}): form POSTs to {@code /2010-04-01/Accounts/{AccountSid}/…}
 * with basic auth AccountSid:AuthToken, answered with JSON. A 2xx is the created resource; a 4xx error
 * {@code {"code","message","more_info","status"}} is a permanent {@link SendFailure} keeping the provider's code and
 * message; 429, 5xx, timeouts and network errors are retryable.
 */
final class TwilioClient {

  static final long TEST_TIMEOUT_MS = 10_000;

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
   * The connection test of a number: the account SID and auth token against the account API
   * ({@code GET /2010-04-01/Accounts/{sid}.json}), then the number among the account's numbers, and where its SMS
   * and voice webhooks point. Each call bounded by {@link #TEST_TIMEOUT_MS}.
   */
  Future<ConnectionReport> test(String sid, String token, String number, String smsHook, String voiceHook) {
    ConnectionReport t = new ConnectionReport();
    if (sid == null || sid.isBlank() || token == null || token.isBlank()) {
      return Future.succeededFuture(t.add("Account", false, "Fill in both the account SID and the auth token."));
    }
    String account = base + "/2010-04-01/Accounts/" + URLEncoder.encode(sid, StandardCharsets.UTF_8);
    return get(account + ".json", sid, token).compose(res -> {
      if (res == null) {
        return Future.succeededFuture(t.add("Account", false, "Twilio could not be reached at " + base + " within "
            + TEST_TIMEOUT_MS / 1000 + " seconds."));
      }
      if (res.statusCode() == 401 || res.statusCode() == 403) {
        return Future.succeededFuture(t.add("Account", false, "Twilio refused the account SID or auth token (HTTP "
            + res.statusCode() + "): copy both again from the Twilio console."));
      }
      if (res.statusCode() == 404) {
        return Future.succeededFuture(t.add("Account", false, "Twilio knows no account " + sid + ": check the account SID."));
      }
      JsonObject body = json(res.bodyAsString());
      if (res.statusCode() != 200 || body == null) {
        return Future.succeededFuture(t.add("Account", false, "Twilio answered HTTP " + res.statusCode() + " to the account check."));
      }
      String status = body.getString("status", "active");
      String name = body.getString("friendly_name");
      if (!status.equals("active")) {
        return Future.succeededFuture(t.add("Account", false, "Twilio accepted the credentials, but the account is " + status + "."));
      }
      t.add("Account", true, "Twilio accepted the account SID and auth token" + (name == null ? "" : " (account \"" + name + "\")") + ".");
      return get(account + "/IncomingPhoneNumbers.json?PhoneNumber=" + URLEncoder.encode(number, StandardCharsets.UTF_8), sid, token)
          .map(numbers -> number(t, numbers, number, smsHook, voiceHook));
    });
  }

  private static ConnectionReport number(ConnectionReport t, HttpResponse<Buffer> res, String number, String smsHook, String voiceHook) {
    JsonObject body = res == null || res.statusCode() != 200 ? null : json(res.bodyAsString());
    if (body == null || !(body.getValue("incoming_phone_numbers") instanceof JsonArray list)) {
      return t.add("Number", false, "The account's numbers could not be listed"
          + (res == null ? " (no answer in time)." : " (HTTP " + res.statusCode() + ")."));
    }
    JsonObject found = list.stream().filter(o -> o instanceof JsonObject j && number.equals(j.getString("phone_number")))
        .map(o -> (JsonObject) o).findFirst().orElse(null);
    if (found == null) return t.add("Number", false, number + " is not a number of this account: check the number, or the account.");
    t.add("Number", true, number + " belongs to this account.");
    String sms = found.getString("sms_url");
    String voice = found.getString("voice_url");
    List<String> wrong = new ArrayList<>();
    if (!smsHook.equals(sms)) wrong.add("\"A message comes in\" to " + smsHook + (sms == null || sms.isBlank() ? "" : " (now " + sms + ")"));
    if (!voiceHook.equals(voice)) wrong.add("\"A call comes in\" to " + voiceHook + (voice == null || voice.isBlank() ? "" : " (now " + voice + ")"));
    if (wrong.isEmpty()) return t.add("Webhooks", true, "The number sends messages and calls to this hub.");
    return t.add("Webhooks", false, "In the Twilio console, set the number's " + String.join(", and ", wrong)
        + ": until then its messages and calls do not reach this hub.");
  }

  /** A GET with basic auth; null when there was no answer in time. */
  private Future<HttpResponse<Buffer>> get(String url, String sid, String token) {
    return node.http().getAbs(url).basicAuthentication(sid, token).putHeader("Accept", "application/json")
        .timeout(TEST_TIMEOUT_MS).followRedirects(false).send()
        .recover(t -> Future.succeededFuture(null));
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
