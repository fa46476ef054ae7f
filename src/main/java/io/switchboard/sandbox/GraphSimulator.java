package io.switchboard.sandbox;

import io.switchboard.auth.Secrets;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.switchboard.node.Node;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Meta's Graph API for sandbox WhatsApp, Messenger and Instagram endpoints, under {@code /hooks/sandbox/graph/{version}}:
 * {@code POST /{phone_number_id}/messages} (WhatsApp) and {@code POST /me/messages} (Messenger, Instagram), with the
 * endpoint's generated access token as bearer, answered like the Cloud API and the Send API; then the reports Meta
 * sends, POSTed to the hub's real webhook {@code /hooks/meta} signed with X-Hub-Signature-256: WhatsApp statuses
 * {@code sent} and {@code delivered} (or {@code failed}, error 131026, when the text contains the fail marker);
 * Messenger and Instagram a {@code delivery} event (a text with the fail marker is refused at once with error 100,
 * as the Send API refuses). {@code GET /{id}} answers a person's profile (the name a test message gave).
 */
final class GraphSimulator {

  private static final Logger log = LoggerFactory.getLogger(GraphSimulator.class);

  private final Node node;
  private final SandboxStore store;
  private final Callbacks callbacks;
  private final String simulatorSecret;
  /** Names of the people test messages came from, by their id, for the profile look-up that follows (this node only). */
  private final Map<String, String> names = new ConcurrentHashMap<>();

  GraphSimulator(Node node, SandboxStore store, Callbacks callbacks, String simulatorSecret) {
    this.node = node;
    this.store = store;
    this.callbacks = callbacks;
    this.simulatorSecret = simulatorSecret;
  }

  /** Remembers who a test message is from, for the profile the hub then asks for. */
  void person(String id, String name) {
    if (name != null && !name.isBlank()) names.put(id, name);
    if (names.size() > 10_000) names.clear();
  }

  /** The secret Meta deliveries are signed with: {@code meta.app_secret}, else this node's simulator secret. */
  String appSecret() {
    String configured = node.config().meta().appSecret();
    return configured.isEmpty() ? simulatorSecret : configured;
  }

  /** Signs and POSTs a webhook delivery to this node's {@code /hooks/meta}. */
  Future<JsonObject> deliver(JsonObject payload) {
    byte[] body = payload.encode().getBytes(StandardCharsets.UTF_8);
    return node.http().postAbs(node.state().loopbackUrl() + "/hooks/meta")
        .putHeader("Content-Type", "application/json")
        .putHeader("X-Hub-Signature-256", Signing.meta(appSecret(), body))
        .timeout(15_000)
        .sendBuffer(Buffer.buffer(body))
        .compose(res -> res.statusCode() / 100 == 2 ? Future.succeededFuture(res.bodyAsJsonObject())
            : Future.failedFuture(new Sandbox.HubRefused(res.statusCode(), res.bodyAsString())));
  }

  void messages(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String token = bearer(ctx);
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      body = null;
    }
    if (token == null) {
      error(ctx, 401, 190, "An active access token must be used to query information about the current user.");
      return;
    }
    if (body == null) {
      error(ctx, 400, 100, "(#100) The parameter body must be a JSON object");
      return;
    }
    JsonObject message = body;
    Future<Endpoint> found = id.equals("me")
        ? store.endpoints(List.of("messenger", "instagram")).map(list -> list.stream()
            .filter(ep -> Secrets.constantTimeEquals(token, ep.secret("access_token"))).findFirst().orElse(null))
        : store.endpoint("whatsapp", id).map(ep -> ep != null && Secrets.constantTimeEquals(token, ep.secret("access_token")) ? ep : null);
    found.onComplete(ar -> {
      if (ar.failed()) {
        error(ctx, 503, 2, "the simulator could not read its endpoints: " + ar.cause().getMessage());
        return;
      }
      Endpoint ep = ar.result();
      if (ep == null) {
        error(ctx, 401, 190, "Invalid OAuth access token - not the token of a sandbox endpoint of this hub.");
        return;
      }
      if (ep.channel().equals("whatsapp")) whatsapp(ctx, ep, message);
      else messaging(ctx, ep, message);
    });
  }

  private void whatsapp(RoutingContext ctx, Endpoint ep, JsonObject m) {
    String to = m.getString("to");
    if (to == null || !to.matches("\\+?[0-9]{5,20}")) {
      error(ctx, 400, 131009, "(#131009) Parameter value is not valid: to");
      return;
    }
    String wamid = "wamid.SBX" + hex(16);
    ok(ctx, new JsonObject().put("messaging_product", "whatsapp")
        .put("contacts", new JsonArray().add(new JsonObject().put("input", to).put("wa_id", to.replace("+", ""))))
        .put("messages", new JsonArray().add(new JsonObject().put("id", wamid))));
    boolean fail = Signing.asksToFail(text(m));
    callbacks.later(() -> status(ep, wamid, to, "sent"))
        .compose(v -> callbacks.later(() -> status(ep, wamid, to, fail ? "failed" : "delivered")));
  }

  private Future<Void> status(Endpoint ep, String wamid, String to, String status) {
    JsonObject s = new JsonObject().put("id", wamid).put("status", status)
        .put("timestamp", String.valueOf(Instant.now().getEpochSecond())).put("recipient_id", to.replace("+", ""));
    if (status.equals("failed")) {
      s.put("errors", new JsonArray().add(new JsonObject().put("code", 131026).put("title", "Message undeliverable")
          .put("message", "Message undeliverable").put("error_data", new JsonObject()
              .put("details", "sandbox: the reply asked to fail with " + Sandbox.FAIL_MARKER))));
    }
    return deliver(whatsappEntry(ep, new JsonObject().put("statuses", new JsonArray().add(s)))).mapEmpty();
  }

  /** A WhatsApp Business Account delivery for the endpoint's number, {@code value} holding messages or statuses. */
  static JsonObject whatsappEntry(Endpoint ep, JsonObject value) {
    String waba = ep.setting("waba_id") == null ? "0" : ep.setting("waba_id");
    value.put("messaging_product", "whatsapp")
        .put("metadata", new JsonObject().put("display_phone_number", ep.address()).put("phone_number_id", ep.address()));
    return new JsonObject().put("object", "whatsapp_business_account").put("entry", new JsonArray().add(new JsonObject()
        .put("id", waba).put("changes", new JsonArray().add(new JsonObject().put("field", "messages").put("value", value)))));
  }

  private void messaging(RoutingContext ctx, Endpoint ep, JsonObject m) {
    String recipient = m.getValue("recipient") instanceof JsonObject r ? r.getString("id") : null;
    if (recipient == null) {
      error(ctx, 400, 100, "(#100) The parameter recipient is required");
      return;
    }
    if (Signing.asksToFail(text(m))) {
      error(ctx, 400, 100, "(#100) sandbox: the reply asked to fail with " + Sandbox.FAIL_MARKER);
      return;
    }
    String mid = "m_SBX" + hex(16);
    ok(ctx, new JsonObject().put("recipient_id", recipient).put("message_id", mid));
    long now = System.currentTimeMillis();
    callbacks.later(() -> deliver(messagingEntry(ep, recipient, new JsonObject().put("sender", new JsonObject().put("id", recipient))
        .put("recipient", new JsonObject().put("id", ep.address())).put("timestamp", now)
        .put("delivery", new JsonObject().put("mids", new JsonArray().add(mid)).put("watermark", now)))).mapEmpty());
  }

  /** A Messenger ({@code page}) or Instagram delivery holding one messaging event. */
  static JsonObject messagingEntry(Endpoint ep, String person, JsonObject event) {
    return new JsonObject().put("object", ep.channel().equals("instagram") ? "instagram" : "page")
        .put("entry", new JsonArray().add(new JsonObject().put("id", ep.address()).put("time", System.currentTimeMillis())
            .put("messaging", new JsonArray().add(event))));
  }

  /** A person's profile, as the hub asks for a Messenger or Instagram sender's name. */
  void profile(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String token = bearer(ctx);
    store.endpoints(List.of("messenger", "instagram")).onComplete(ar -> {
      boolean known = ar.succeeded() && token != null
          && ar.result().stream().anyMatch(ep -> Secrets.constantTimeEquals(token, ep.secret("access_token")));
      if (!known) {
        if (ar.failed()) log.warn("sandbox graph: endpoints could not be read", ar.cause());
        error(ctx, 401, 190, "Invalid OAuth access token - not the token of a sandbox endpoint of this hub.");
        return;
      }
      String name = names.get(id);
      if (name == null) {
        error(ctx, 404, 100, "(#100) Unsupported get request: no sandbox profile for " + id);
        return;
      }
      ok(ctx, new JsonObject().put("id", id).put("name", name).put("username", name));
    });
  }

  /** The text of a WhatsApp or Send API message: its body, caption or template name. */
  private static String text(JsonObject m) {
    StringBuilder out = new StringBuilder();
    if (m.getValue("text") instanceof JsonObject t) out.append(t.getString("body", ""));
    if (m.getValue("message") instanceof JsonObject msg) out.append(msg.getString("text", ""));
    for (String kind : List.of("image", "video", "document")) {
      if (m.getValue(kind) instanceof JsonObject media) out.append(media.getString("caption", ""));
    }
    if (m.getValue("template") instanceof JsonObject t) out.append(t.getString("name", ""));
    return out.toString();
  }

  private static String bearer(RoutingContext ctx) {
    String h = ctx.request().getHeader("Authorization");
    return h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).trim() : null;
  }

  private static String hex(int bytes) {
    return HexFormat.of().formatHex(Secrets.randomBytes(bytes)).toUpperCase(java.util.Locale.ROOT);
  }

  private static void ok(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
  }

  private static void error(RoutingContext ctx, int status, int code, String message) {
    log.debug("sandbox graph: {} {}", status, message);
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(new JsonObject()
        .put("error", new JsonObject().put("message", message).put("type", "OAuthException").put("code", code)
            .put("fbtrace_id", "SBX" + hex(6))).encode());
  }
}
