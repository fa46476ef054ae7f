package io.switchboard.sandbox;

import io.switchboard.auth.Secrets;
import io.switchboard.common.ApiError;
import io.switchboard.inbox.Addresses;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.switchboard.node.Node;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;

import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A customer's message, delivered through the channel's real inbound path on this node, signed as the provider
 * signs: an SMS as a Twilio form POST to {@code /hooks/twilio/sms} with X-Twilio-Signature (the number's auth token);
 * WhatsApp, Messenger and Instagram as Meta's JSON to {@code /hooks/meta} with X-Hub-Signature-256; an API message
 * to {@code /hooks/api/{key}} with the endpoint's bearer secret; an e-mail through the hub's SMTP listener. What is
 * stored is what the webhook stores, once.
 */
final class TestMessages {

  private static final Pattern META_ID = Pattern.compile("^[0-9]{1,32}$");
  private static final Pattern WA_ID = Pattern.compile("^\\+?[1-9][0-9]{5,14}$");

  private final Node node;
  private final SandboxStore store;
  private final GraphSimulator graph;

  TestMessages(Node node, SandboxStore store, GraphSimulator graph) {
    this.node = node;
    this.store = store;
    this.graph = graph;
  }

  /** The sender's address in the channel's form; 400 naming {@code from} when it is not one. */
  String from(String channel, String raw) {
    String s = raw == null ? "" : raw.trim();
    switch (channel) {
      case "phone":
        return Addresses.phone("from", s, node.config().phone().defaultRegion());
      case "email":
        return Addresses.email("from", s);
      case "whatsapp":
        if (!WA_ID.matcher(s).matches()) {
          throw ApiError.validation("from", "from must be the customer's WhatsApp number, digits with the country code (like 14155550123)");
        }
        return s.startsWith("+") ? s.substring(1) : s;
      case "messenger":
      case "instagram":
        if (!META_ID.matcher(s).matches()) {
          throw ApiError.validation("from", "from must be the person's numeric " + channel + " id (like 7000000001)");
        }
        return s;
      case "api":
        if (s.isEmpty()) throw ApiError.validation("from", "from (the customer's id in your system) is required");
        return s;
      default:
        throw ApiError.validation("from", "test messages are not available on " + channel
            + " endpoints: open the website chat to write as a visitor");
    }
  }

  Future<JsonObject> deliver(Endpoint ep, String from, String name, String text, String subject) {
    return switch (ep.channel()) {
      case "phone" -> sms(ep, from, text);
      case "whatsapp" -> whatsapp(ep, from, name, text);
      case "messenger", "instagram" -> messaging(ep, from, name, text);
      case "api" -> api(ep, from, name, text, subject);
      case "email" -> email(ep, from, name, text, subject);
      default -> Future.failedFuture(ApiError.validation("from", "test messages are not available on " + ep.channel() + " endpoints"));
    };
  }

  private Future<JsonObject> sms(Endpoint ep, String from, String text) {
    String token = ep.secret("auth_token");
    String account = ep.setting("account_sid");
    if (token == null || account == null) {
      return Future.failedFuture(ApiError.conflict(null, "the number " + ep.address()
          + " has no account_sid and auth_token, which its webhook is signed with"));
    }
    String sid = "SM" + HexFormat.of().formatHex(Secrets.randomBytes(16));
    Map<String, List<String>> params = new LinkedHashMap<>();
    params.put("MessageSid", List.of(sid));
    params.put("SmsSid", List.of(sid));
    params.put("SmsMessageSid", List.of(sid));
    params.put("AccountSid", List.of(account));
    params.put("From", List.of(from));
    params.put("To", List.of(ep.address()));
    params.put("Body", List.of(text));
    params.put("NumMedia", List.of("0"));
    params.put("NumSegments", List.of("1"));
    params.put("SmsStatus", List.of("received"));
    params.put("ApiVersion", List.of("2010-04-01"));
    String path = "/hooks/twilio/sms";
    MultiMap form = MultiMap.caseInsensitiveMultiMap();
    params.forEach((k, v) -> v.forEach(x -> form.add(k, x)));
    String signature = Signing.twilio(token, node.config().http().publicUrl() + path, params);
    return node.http().postAbs(node.state().loopbackUrl() + path).putHeader("X-Twilio-Signature", signature)
        .timeout(30_000).sendForm(form)
        .compose(res -> accepted(res.statusCode(), res.bodyAsString(), path))
        .compose(v -> stored(ep, sid, path));
  }

  private Future<JsonObject> whatsapp(Endpoint ep, String from, String name, String text) {
    String wamid = "wamid.SBX" + HexFormat.of().formatHex(Secrets.randomBytes(16)).toUpperCase(java.util.Locale.ROOT);
    JsonObject value = new JsonObject()
        .put("contacts", new JsonArray().add(new JsonObject().put("wa_id", from)
            .put("profile", new JsonObject().put("name", name == null ? from : name))))
        .put("messages", new JsonArray().add(new JsonObject().put("from", from).put("id", wamid)
            .put("timestamp", String.valueOf(Instant.now().getEpochSecond())).put("type", "text")
            .put("text", new JsonObject().put("body", text))));
    return graph.deliver(GraphSimulator.whatsappEntry(ep, value))
        .recover(t -> Future.failedFuture(refused(t, "/hooks/meta")))
        .compose(v -> stored(ep, wamid, "/hooks/meta"));
  }

  private Future<JsonObject> messaging(Endpoint ep, String from, String name, String text) {
    String mid = "m_SBX" + HexFormat.of().formatHex(Secrets.randomBytes(16)).toUpperCase(java.util.Locale.ROOT);
    graph.person(from, name);
    long now = System.currentTimeMillis();
    JsonObject event = new JsonObject().put("sender", new JsonObject().put("id", from))
        .put("recipient", new JsonObject().put("id", ep.address())).put("timestamp", now)
        .put("message", new JsonObject().put("mid", mid).put("text", text));
    return graph.deliver(GraphSimulator.messagingEntry(ep, from, event))
        .recover(t -> Future.failedFuture(refused(t, "/hooks/meta")))
        .compose(v -> stored(ep, mid, "/hooks/meta"));
  }

  private Future<JsonObject> api(Endpoint ep, String from, String name, String text, String subject) {
    String secret = ep.secret("secret");
    String externalId = "sbx_" + Secrets.token(12);
    String path = "/hooks/api/" + ep.address();
    JsonObject body = new JsonObject().put("from", from).put("name", name).put("text", text).put("subject", subject)
        .put("external_id", externalId);
    return node.http().postAbs(node.state().loopbackUrl() + path).bearerTokenAuthentication(secret == null ? "" : secret)
        .timeout(30_000).sendJsonObject(body)
        .compose(res -> accepted(res.statusCode(), res.bodyAsString(), path))
        .compose(v -> stored(ep, externalId, path));
  }

  private Future<JsonObject> email(Endpoint ep, String from, String name, String text, String subject) {
    int port = node.state().smtpPort();
    if (port == 0) return Future.failedFuture(ApiError.unavailable("the SMTP listener is not running on this node"));
    String messageId = "sbx." + HexFormat.of().formatHex(Secrets.randomBytes(12)) + "@sandbox.switchboard";
    String host = node.config().smtp().host();
    MailClient client = MailClient.create(node.vertx(), new MailConfig()
        .setHostname(host.isBlank() || host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host)
        .setPort(port).setStarttls(StartTLSOptions.OPTIONAL).setTrustAll(true).setOwnHostname("sandbox.switchboard")
        .setConnectTimeout(10_000));
    MailMessage mail = new MailMessage()
        .setFrom(name == null || name.isBlank() ? from : quoted(name) + " <" + from + ">")
        .setTo(ep.address())
        .setSubject(subject == null || subject.isBlank() ? "A test message" : subject)
        .setText(text);
    mail.setHeaders(MultiMap.caseInsensitiveMultiMap().set("Message-ID", "<" + messageId + ">"));
    return client.sendMail(mail)
        .eventually(() -> client.close())
        .recover(t -> Future.failedFuture(new Sandbox.HubRefused(502, "the SMTP listener refused the message: " + t.getMessage())
            .asApiError("SMTP listener")))
        .compose(v -> stored(ep, messageId, "SMTP listener"));
  }

  private static String quoted(String name) {
    String clean = name.replaceAll("[\\r\\n\"\\\\]", " ").trim();
    return "\"" + clean + "\"";
  }

  private static Future<Void> accepted(int status, String body, String path) {
    if (status / 100 == 2) return Future.succeededFuture();
    return Future.failedFuture(new Sandbox.HubRefused(status, body).asApiError(path));
  }

  private static Throwable refused(Throwable t, String path) {
    return t instanceof Sandbox.HubRefused r ? r.asApiError(path) : t;
  }

  /** The stored message (the webhook answers after its commit, so it is there). */
  private Future<JsonObject> stored(Endpoint ep, String providerId, String path) {
    return store.stored(ep.id(), providerId).map(found -> {
      if (found == null) {
        throw new ApiError(502, "not_stored", "the message was accepted by " + path + " but not stored (the endpoint may be"
            + " disabled, or the message was refused as a duplicate or by a rule)", null, 0);
      }
      return found.put("endpoint_id", ep.id()).put("channel", ep.channel()).put("provider_id", providerId).put("path", path);
    });
  }
}
