package io.switchboard.channel.telephony;

import io.switchboard.common.ApiError;
import io.switchboard.inbox.EndpointCache;
import io.switchboard.ingest.UnknownEndpoint;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One request from the provider: its parameters (form fields, or the top-level values of a JSON body) read from the
 * raw body, and the URL the provider signed ({@code http.public_url} + the request's path and query). Reads that
 * fail are 400s naming the parameter; a signature that does not match the endpoint's auth token is a 403.
 */
final class TwilioRequest {

  private static final Logger log = LoggerFactory.getLogger(TwilioRequest.class);
  static final Pattern E164 = Pattern.compile("^\\+[1-9][0-9]{1,14}$");
  private static final Pattern SID = Pattern.compile("^[A-Za-z]{2}[A-Za-z0-9]{1,62}$");

  final String url;
  final String path;
  private final Map<String, List<String>> params;
  private final byte[] jsonBody;
  private final String signature;

  private TwilioRequest(String url, String path, Map<String, List<String>> params, byte[] jsonBody, String signature) {
    this.url = url;
    this.path = path;
    this.params = params;
    this.jsonBody = jsonBody;
    this.signature = signature;
  }

  /** {@code publicUrl} as configured: without a trailing slash. */
  static TwilioRequest of(RoutingContext ctx, String publicUrl) {
    String url = publicUrl + ctx.request().uri();
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    String type = ctx.request().getHeader("Content-Type");
    String signature = ctx.request().getHeader("X-Twilio-Signature");
    if (type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      byte[] raw = body == null ? new byte[0] : body.getBytes();
      return new TwilioRequest(url, ctx.request().path(), json(raw), raw, signature);
    }
    return new TwilioRequest(url, ctx.request().path(), form(body == null ? "" : body.toString(StandardCharsets.UTF_8)), null, signature);
  }

  /** application/x-www-form-urlencoded, keeping repeated names and their order. */
  static Map<String, List<String>> form(String body) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (body.isEmpty()) return out;
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      try {
        String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      } catch (IllegalArgumentException e) {
        throw ApiError.validation(null, "the form body is not valid application/x-www-form-urlencoded");
      }
    }
    return out;
  }

  private static Map<String, List<String>> json(byte[] raw) {
    Object parsed;
    try {
      parsed = io.vertx.core.json.Json.decodeValue(Buffer.buffer(raw));
    } catch (DecodeException e) {
      throw ApiError.validation(null, "the body is not valid JSON");
    }
    if (!(parsed instanceof JsonObject o)) throw ApiError.validation(null, "the body must be a JSON object");
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String k : o.fieldNames()) {
      Object v = o.getValue(k);
      if (v != null && !(v instanceof JsonObject) && !(v instanceof JsonArray)) out.put(k, List.of(String.valueOf(v)));
    }
    return out;
  }

  /** The first value of a parameter, or null when absent or empty. */
  String get(String name) {
    List<String> v = params.get(name);
    return v == null || v.isEmpty() || v.get(0).isEmpty() ? null : v.get(0);
  }

  String required(String name) {
    String v = get(name);
    if (v == null) throw ApiError.validation(name, name + " is required");
    if (v.length() > 2000) throw ApiError.validation(name, name + " is too long");
    return v;
  }

  /** A provider id (MessageSid, CallSid, RecordingSid): the first of the names present. */
  String sid(String... names) {
    for (String n : names) {
      String v = get(n);
      if (v != null) {
        if (!SID.matcher(v).matches()) throw ApiError.validation(n, n + " is not a valid id");
        return v;
      }
    }
    throw ApiError.validation(names[0], names[0] + " is required");
  }

  /** A phone number that must be in E.164 form. */
  String e164(String name) {
    String v = required(name);
    if (!E164.matcher(v).matches()) throw ApiError.validation(name, name + " must be a phone number in E.164 form (like +14155550123)");
    return v;
  }

  /** The parameter when it is an E.164 number, else null (for lookups that try several). */
  String e164OrNull(String name) {
    String v = get(name);
    return v != null && E164.matcher(v).matches() ? v : null;
  }

  int integer(String name, int min, int max, int absent) {
    String v = get(name);
    if (v == null) return absent;
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= min && n <= max) return n;
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw ApiError.validation(name, name + " must be a whole number from " + min + " to " + max);
  }

  /**
   * The phone endpoint of the number this request was sent to ("To"), once the request is signed by its account;
   * an unknown number is refused (nothing stored), a bad signature is 403.
   */
  Future<Endpoint> signedEndpoint(EndpointCache endpoints, String what, String sidParam) {
    String to = e164("To");
    return endpoints.get("phone", to).map(ep -> {
      if (ep == null) {
        log.warn("{} {} to {}: no inbox has this number; refused, nothing stored", what, get(sidParam), to);
        throw new UnknownEndpoint("phone", to);
      }
      requireSignedBy(ep);
      return ep;
    });
  }

  /** 403 unless the request is signed with the endpoint's auth token; logged without secrets. */
  void requireSignedBy(Endpoint ep) {
    String token = ep.secret("auth_token");
    boolean ok = jsonBody != null ? TwilioSignature.validJson(token, url, jsonBody, signature)
        : TwilioSignature.valid(token, url, params, signature);
    if (!ok) {
      log.warn("{}: refused: {} X-Twilio-Signature for number {} (signed URL must be {})", path,
          signature == null ? "missing" : "wrong", ep.address(), url);
      throw ApiError.forbidden("missing or wrong X-Twilio-Signature");
    }
  }

  /** The parameters as JSON, kept with an early callback until it can be applied. */
  JsonObject toJson() {
    JsonObject o = new JsonObject();
    params.forEach((k, v) -> o.put(k, v.isEmpty() ? null : v.get(0)));
    return o;
  }
}
