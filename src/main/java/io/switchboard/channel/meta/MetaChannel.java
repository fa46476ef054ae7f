package io.switchboard.channel.meta;

import io.switchboard.attachment.AttachmentStore;
import io.switchboard.channel.Channel;
import io.switchboard.channel.ConnectionReport;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.ext.web.client.HttpResponse;
import io.switchboard.http.Files;
import io.switchboard.http.Routes;
import io.switchboard.inbox.EndpointCache;
import io.switchboard.ingest.Ingest;
import io.switchboard.node.Node;
import io.switchboard.outbound.ChannelSender;
import io.switchboard.auth.Secrets;
import io.switchboard.http.Rest;
import io.switchboard.common.ApiError;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.function.Supplier;

/**
 * Meta's webhooks for WhatsApp, Messenger and Instagram on {@code /hooks/meta}: the subscription check
 * ({@code GET}, verify token) and deliveries ({@code POST}), each authenticated by {@code X-Hub-Signature-256}, the
 * HMAC-SHA256 of the raw body with {@code meta.app_secret}, checked before the body is parsed. A bad or missing
 * signature is 403 and nothing is stored. A signed delivery is answered 200 once every message in it is stored,
 * also when parts of it could not be understood (those are logged: Meta would otherwise retry them for days), and
 * 503 when the database is down, so Meta retries (stored messages dedupe on their ids).
 */
public final class MetaChannel implements Channel {

  private static final long LINK_TTL_SECONDS = 7 * 24 * 3600;
  private static final Pattern PROVIDER_ID = Pattern.compile("^[0-9]{1,32}$");

  private final Node node;
  private final AttachmentStore attachments;
  private final GraphClient graph;
  private final WhatsAppHook whatsapp;
  private final MessagingHook messenger;
  private final MessagingHook instagram;

  public MetaChannel(Node node, EndpointCache endpoints, Ingest ingest, AttachmentStore attachments) {
    this.node = node;
    this.attachments = attachments;
    this.graph = new GraphClient(node, attachments.maxBytes());
    this.whatsapp = new WhatsAppHook(node, graph, endpoints, ingest);
    this.messenger = new MessagingHook(node, graph, endpoints, ingest, "messenger");
    this.instagram = new MessagingHook(node, graph, endpoints, ingest, "instagram");
  }

  @Override
  public Set<String> names() {
    return Set.of("whatsapp", "messenger", "instagram");
  }

  /** The provider's numeric id: the WhatsApp phone_number_id, the page id, the Instagram account id. */
  @Override
  public String address(String channel, String raw) {
    String s = raw == null ? "" : raw.trim();
    if (!PROVIDER_ID.matcher(s).matches()) {
      throw ApiError.validation("address", "a " + channel + " address is the provider's numeric id ("
          + (channel.equals("whatsapp") ? "phone_number_id" : channel.equals("messenger") ? "page id" : "account id") + ")");
    }
    return s;
  }

  @Override
  public void validate(String channel, JsonObject settings, JsonObject secrets) {
    Object waba = settings.getValue("waba_id");
    if (channel.equals("whatsapp") && waba != null && !(waba instanceof String w && PROVIDER_ID.matcher(w).matches())) {
      throw ApiError.validation("settings", "settings.waba_id must be the WhatsApp Business Account's numeric id");
    }
  }

  /** The fields of the app's webhook subscription each channel needs (what the hooks handle). */
  private static final Map<String, List<String>> FIELDS = Map.of(
      "whatsapp", List.of("messages"),
      "messenger", List.of("messages", "messaging_postbacks", "message_deliveries", "message_reads"),
      "instagram", List.of("messages", "messaging_postbacks", "messaging_seen"));

  private static final long TEST_TIMEOUT_MS = 10_000;

  /**
   * The access token against the Graph API, resolving the endpoint's id (the WhatsApp phone number, the page, the
   * Instagram account), and whether this hub can take Meta's webhooks (app secret and verify token set).
   */
  @Override
  public Future<ConnectionReport> test(Endpoint ep) {
    ConnectionReport t = new ConnectionReport();
    String channel = ep.channel();
    String token = ep.secret("access_token");
    Future<ConnectionReport> graphChecks;
    if (token == null || token.isBlank()) {
      graphChecks = Future.succeededFuture(t.add("Access token", false, "Fill in the access token: replies cannot be sent without it."));
    } else {
      String fields = switch (channel) {
        case "whatsapp" -> "id,display_phone_number,verified_name";
        case "instagram" -> "id,username,name";
        default -> "id,name";
      };
      graphChecks = graph.probe("/" + ep.address() + "?fields=" + fields, token, TEST_TIMEOUT_MS).map(res -> graphAnswer(t, ep, res));
    }
    return graphChecks.map(v -> {
      List<String> missing = new ArrayList<>();
      if (node.config().meta().appSecret().isEmpty()) missing.add("meta.app_secret");
      if (node.config().meta().verifyToken().isEmpty()) missing.add("meta.verify_token");
      if (missing.isEmpty()) {
        t.add("Webhook", true, "This hub checks Meta's deliveries with the app secret and answers the subscription check at "
            + callbackUrl() + "; subscribe the app to: " + String.join(", ", FIELDS.get(channel)) + ".");
      } else {
        t.add("Webhook", false, "This hub's configuration lacks " + String.join(" and ", missing)
            + ": Meta's deliveries cannot be accepted until an operator sets it.");
      }
      return t;
    });
  }

  private ConnectionReport graphAnswer(ConnectionReport t, Endpoint ep, HttpResponse<Buffer> res) {
    String what = switch (ep.channel()) {
      case "whatsapp" -> "WhatsApp phone number id";
      case "instagram" -> "Instagram account id";
      default -> "page id";
    };
    if (res == null) {
      return t.add("Access token", false, "The Graph API could not be reached at " + node.config().meta().graphBase() + " within "
          + TEST_TIMEOUT_MS / 1000 + " seconds.");
    }
    JsonObject body;
    try {
      body = res.bodyAsJsonObject();
    } catch (RuntimeException e) {
      body = null;
    }
    JsonObject error = body == null ? null : body.getJsonObject("error");
    if (res.statusCode() == 200 && error == null && body != null) {
      t.add("Access token", true, "Meta accepted the access token.");
      String label = body.getString("verified_name") != null ? body.getString("verified_name") + " (" + body.getString("display_phone_number") + ")"
          : body.getString("username") != null ? "@" + body.getString("username") : body.getString("name");
      return t.add(capitalized(what), true, "The " + what + " " + ep.address() + " is " + (label == null ? "known to Meta" : label) + ".");
    }
    int code = error == null ? 0 : error.getInteger("code", 0);
    String says = error == null || error.getString("message") == null ? "" : " (Meta said: " + error.getString("message") + ")";
    if (res.statusCode() == 401 || code == 190) {
      return t.add("Access token", false, "Meta refused the access token: it is wrong, expired or revoked" + says
          + ". Create a new one (a system user's token does not expire).");
    }
    if (code == 10 || code == 200 || res.statusCode() == 403) {
      t.add("Access token", true, "Meta accepted the access token.");
      return t.add(capitalized(what), false, "The token may not read the " + what + " " + ep.address()
          + ": give it the channel's permissions" + says + ".");
    }
    if (code == 100 || res.statusCode() == 404 || res.statusCode() == 400) {
      t.add("Access token", true, "Meta accepted the access token.");
      return t.add(capitalized(what), false, "Meta knows no " + what + " " + ep.address() + " for this token: check the id" + says + ".");
    }
    return t.add("Access token", false, "The Graph API answered HTTP " + res.statusCode() + says + ".");
  }

  private static String capitalized(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private String callbackUrl() {
    return node.config().http().publicUrl() + "/hooks/meta";
  }

  /** The callback URL and verify token for the app's webhook settings, and the fields to subscribe to. */
  @Override
  public JsonObject setup(String channel) {
    return new JsonObject()
        .put("callback_url", callbackUrl())
        .put("verify_token", node.config().meta().verifyToken().isEmpty() ? null : node.config().meta().verifyToken())
        .put("app_secret_set", !node.config().meta().appSecret().isEmpty())
        .put("subscribed_fields", new JsonArray(FIELDS.get(channel)));
  }

  /** The Graph API senders of the three channels. */
  @Override
  public Map<String, ChannelSender> senders() {
    Map<String, ChannelSender> out = new java.util.LinkedHashMap<>();
    for (String channel : List.of("whatsapp", "messenger", "instagram")) out.put(channel, new MetaSender(node, graph, channel));
    return out;
  }

  /** The webhooks, the files of replies Meta fetches, and the agents' side: the WhatsApp templates an endpoint may send. */
  @Override
  public void mount(Routes routes) {
    routes.hooks().get("/meta").handler(this::verify);
    routes.hooks().post("/meta").handler(Rest.handle(this::receive));
    routes.hooks().get("/meta/files/:id").handler(this::file);
    WhatsAppTemplates.mount(routes.api(), node, graph);
  }

  /** Meta's subscription check: echo the challenge when the verify token matches. */
  private void verify(RoutingContext ctx) {
    var q = ctx.queryParams();
    String expected = node.config().meta().verifyToken();
    String challenge = q.get("hub.challenge");
    if (!expected.isEmpty() && "subscribe".equals(q.get("hub.mode")) && Secrets.constantTimeEquals(q.get("hub.verify_token"), expected)
        && challenge != null && challenge.length() <= 512) {
      ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8").end(challenge);
      return;
    }
    MetaInbound.log.warn("meta webhook: subscription check refused ({})", expected.isEmpty() ? "meta.verify_token is not set" : "wrong verify token or mode");
    Rest.fail(ctx, ApiError.forbidden("wrong verify token"));
  }

  private Future<?> receive(RoutingContext ctx) {
    Buffer raw = ctx.body() == null ? null : ctx.body().buffer();
    String secret = node.config().meta().appSecret();
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
    return publicUrl + "/hooks/meta/files/" + attachmentId + "?exp=" + exp + "&sig=" + fileSignature(appSecret, attachmentId, exp);
  }

  private static String fileSignature(String appSecret, long id, long exp) {
    return Secrets.hmacSha256Hex(appSecret, ("meta-file." + id + "." + exp).getBytes(StandardCharsets.UTF_8));
  }

  private void file(RoutingContext ctx) {
    String secret = node.config().meta().appSecret();
    String exp = ctx.queryParams().get("exp");
    String sig = ctx.queryParams().get("sig");
    long id;
    try {
      id = Rest.pathId(ctx, "id", "file");
    } catch (ApiError e) {
      Rest.fail(ctx, e);
      return;
    }
    if (secret.isEmpty() || exp == null || !exp.matches("\\d{1,12}") || Long.parseLong(exp) < Instant.now().getEpochSecond()
        || !Secrets.constantTimeEquals(sig, fileSignature(secret, id, Long.parseLong(exp)))) {
      Rest.fail(ctx, ApiError.notFound("file"));
      return;
    }
    Files.sendFound(ctx, attachments.file(node.db().one("""
        SELECT x.* FROM attachment x JOIN activity a ON a.id = x.activity_id
        WHERE x.id = $1 AND a.direction = 'out' AND x.status = 'stored'""", id)), Files.Served.PROVIDER, "file");
  }
}
