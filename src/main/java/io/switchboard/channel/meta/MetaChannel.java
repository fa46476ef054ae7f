package io.switchboard.channel.meta;

import io.switchboard.attachment.AttachmentApi;
import io.switchboard.Hub;
import io.switchboard.auth.Secrets;
import io.switchboard.http.Api;
import io.switchboard.http.ApiError;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Meta's webhooks for WhatsApp, Messenger and Instagram on {@code /hooks/meta}: the subscription check
 * ({@code GET}, verify token) and deliveries ({@code POST}), each authenticated by {@code X-Hub-Signature-256}, the
 * HMAC-SHA256 of the raw body with {@code meta.app_secret}, checked before the body is parsed. A bad or missing
 * signature is 403 and nothing is stored. A signed delivery is answered 200 once every message in it is stored,
 * also when parts of it could not be understood (those are logged: Meta would otherwise retry them for days), and
 * 503 when the database is down, so Meta retries (stored messages dedupe on their ids).
 */
public final class MetaChannel {

  private static final long LINK_TTL_SECONDS = 7 * 24 * 3600;

  private final Hub hub;
  private final WhatsAppHook whatsapp;
  private final MessagingHook messenger;
  private final MessagingHook instagram;

  private MetaChannel(Hub hub) {
    this.hub = hub;
    GraphApi graph = new GraphApi(hub);
    this.whatsapp = new WhatsAppHook(hub, graph);
    this.messenger = new MessagingHook(hub, graph, "messenger");
    this.instagram = new MessagingHook(hub, graph, "instagram");
  }

  /** Registers the Graph API senders of the three channels; once per hub, before anything may send. */
  public static void registerSenders(Hub hub) {
    GraphApi graph = new GraphApi(hub);
    for (String channel : List.of("whatsapp", "messenger", "instagram")) hub.senders.register(channel, new MetaSender(hub, graph, channel));
  }

  /** The agents' side: the WhatsApp templates an endpoint may send. */
  public static void mountApi(Router api, Hub hub) {
    WhatsAppTemplates.mount(api, hub);
  }

  public static void mount(Router hooks, Hub hub) {
    MetaChannel c = new MetaChannel(hub);
    hooks.get("/meta").handler(c::verify);
    hooks.post("/meta").handler(Api.handle(c::receive));
    hooks.get("/meta/files/:id").handler(c::file);
  }

  /** Meta's subscription check: echo the challenge when the verify token matches. */
  private void verify(RoutingContext ctx) {
    var q = ctx.queryParams();
    String expected = hub.config.string("meta.verify_token");
    String challenge = q.get("hub.challenge");
    if (!expected.isEmpty() && "subscribe".equals(q.get("hub.mode")) && Secrets.constantTimeEquals(q.get("hub.verify_token"), expected)
        && challenge != null && challenge.length() <= 512) {
      ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8").end(challenge);
      return;
    }
    MetaInbound.log.warn("meta webhook: subscription check refused ({})", expected.isEmpty() ? "meta.verify_token is not set" : "wrong verify token or mode");
    Api.fail(ctx, ApiError.forbidden("wrong verify token"));
  }

  private Future<?> receive(RoutingContext ctx) {
    Buffer raw = ctx.body() == null ? null : ctx.body().buffer();
    String secret = hub.config.string("meta.app_secret");
    if (secret.isEmpty()) {
      MetaInbound.log.warn("meta webhook: refused a delivery because meta.app_secret is not set");
      throw ApiError.forbidden("this hub has no Meta app secret configured");
    }
    String header = ctx.request().getHeader("X-Hub-Signature-256");
    String given = header != null && header.startsWith("sha256=") ? header.substring(7).toLowerCase() : null;
    String expected = Secrets.hmacSha256Hex(secret, raw == null ? new byte[0] : raw.getBytes());
    if (!Secrets.constantTimeEquals(given, expected)) {
      MetaInbound.log.warn("meta webhook: refused a delivery with a {} signature", header == null ? "missing" : "wrong");
      throw ApiError.forbidden("missing or wrong X-Hub-Signature-256");
    }
    MetaInbound.Tally tally = new MetaInbound.Tally();
    JsonObject payload;
    try {
      payload = raw.toJsonObject();
    } catch (DecodeException | ClassCastException | NullPointerException e) {
      MetaInbound.skip(tally, "a signed body that is not a JSON object");
      return Future.succeededFuture(tally.json());
    }
    String object = payload.getString("object");
    if (!(payload.getValue("entry") instanceof JsonArray entries)) {
      MetaInbound.skip(tally, "a delivery of object " + object + " without entries");
      return Future.succeededFuture(tally.json());
    }
    List<Supplier<Future<Void>>> steps = new ArrayList<>();
    for (Object o : entries) {
      if (!(o instanceof JsonObject entry)) {
        MetaInbound.skip(tally, "an entry that is not an object");
        continue;
      }
      switch (object == null ? "" : object) {
        case "whatsapp_business_account" -> steps.add(() -> whatsapp.entry(entry, tally));
        case "page" -> steps.add(() -> messenger.entry(entry, tally));
        case "instagram" -> steps.add(() -> instagram.entry(entry, tally));
        default -> MetaInbound.skip(tally, "an entry of object " + object + " (handled: whatsapp_business_account, page, instagram)");
      }
    }
    return MetaInbound.inOrder(steps).map(v -> {
      MetaInbound.log.debug("meta webhook: {}", tally.json().encode());
      return tally.json();
    });
  }

  /** A link Meta can fetch one file of a reply from, for a week: {@code exp} and an HMAC with the app secret. */
  static String fileLink(String publicUrl, String appSecret, long attachmentId) {
    long exp = Instant.now().getEpochSecond() + LINK_TTL_SECONDS;
    String base = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    return base + "/hooks/meta/files/" + attachmentId + "?exp=" + exp + "&sig=" + fileSignature(appSecret, attachmentId, exp);
  }

  private static String fileSignature(String appSecret, long id, long exp) {
    return Secrets.hmacSha256Hex(appSecret, ("meta-file." + id + "." + exp).getBytes(StandardCharsets.UTF_8));
  }

  private void file(RoutingContext ctx) {
    String secret = hub.config.string("meta.app_secret");
    String exp = ctx.queryParams().get("exp");
    String sig = ctx.queryParams().get("sig");
    long id;
    try {
      id = Api.pathId(ctx, "id", "file");
    } catch (ApiError e) {
      Api.fail(ctx, e);
      return;
    }
    if (secret.isEmpty() || exp == null || !exp.matches("\\d{1,12}") || Long.parseLong(exp) < Instant.now().getEpochSecond()
        || !Secrets.constantTimeEquals(sig, fileSignature(secret, id, Long.parseLong(exp)))) {
      Api.fail(ctx, ApiError.notFound("file"));
      return;
    }
    AttachmentApi.sendFound(ctx, hub, hub.db.one("""
        SELECT x.* FROM attachment x JOIN activity a ON a.id = x.activity_id
        WHERE x.id = $1 AND a.direction = 'out' AND x.status = 'stored'""", id), AttachmentApi.Served.PROVIDER, "file");
  }
}
