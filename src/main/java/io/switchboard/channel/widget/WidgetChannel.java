package io.switchboard.channel.widget;

import io.switchboard.attachment.AttachmentStore;
import io.switchboard.http.Files;
import io.switchboard.channel.Channel;
import io.switchboard.channel.ConnectionReport;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.switchboard.http.Input;
import io.switchboard.http.Routes;
import io.switchboard.ingest.Ingest;
import io.switchboard.node.Node;
import io.switchboard.outbound.ChannelSender;
import io.switchboard.auth.Secrets;
import io.switchboard.http.Rest;
import io.switchboard.common.ApiError;
import io.switchboard.inbox.Endpoints;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;


/**
 * The website chat widget: {@code GET /widget.js} (the script a site embeds), {@code GET /widget/ws} (the visitors'
 * sockets, see {@link WidgetGateway}) and {@code GET /widget/files/{id}} (attachments of agents' replies, by a link
 * signed for the visitor). Replies leave through {@link WidgetSender}.
 */
public final class WidgetChannel implements Channel {

  private final Node node;
  private final Ingest ingest;
  private final AttachmentStore attachments;
  private final WidgetStore store;
  /** The script, read once; shared by the HTTP verticle instances, which at worst read it once each. */
  private volatile Buffer script;

  public WidgetChannel(Node node, Ingest ingest, AttachmentStore attachments) {
    this.node = node;
    this.ingest = ingest;
    this.attachments = attachments;
    this.store = new WidgetStore(node.db());
  }

  @Override
  public Set<String> names() {
    return Set.of("widget");
  }

  /** The address is the generated key. */
  @Override
  public String address(String channel, String raw) {
    if (raw != null) throw ApiError.validation("address", "a widget endpoint's address is its generated key; leave it out");
    return null;
  }

  @Override
  public void validate(String channel, JsonObject settings, JsonObject secrets) {
    Object origins = settings.getValue("allowed_origins");
    if (origins == null) return;
    if (!(origins instanceof JsonArray arr) || arr.size() > 50) {
      throw ApiError.validation("settings", "settings.allowed_origins must be a list of origins like https://example.com");
    }
    for (Object o : arr) {
      if (!(o instanceof String s) || !(Input.isHttpUrl(s) || s.equals("*"))) {
        throw ApiError.validation("settings", "settings.allowed_origins: " + o + " is not an origin like https://example.com");
      }
    }
  }

  /** The allowed origins are origins (scheme, host and port, nothing more), and the widget has its secret. */
  @Override
  public Future<ConnectionReport> test(Endpoint ep) {
    ConnectionReport t = new ConnectionReport();
    List<String> bad = new ArrayList<>();
    int count = 0;
    boolean any = false;
    if (ep.settings().getValue("allowed_origins") instanceof JsonArray list) {
      for (Object o : list) {
        count++;
        if ("*".equals(o)) any = true;
        else if (!(o instanceof String s) || !isOrigin(s)) bad.add(String.valueOf(o));
      }
    }
    if (!bad.isEmpty()) {
      t.add("Allowed origins", false, String.join(", ", bad) + (bad.size() == 1 ? " is not an origin" : " are not origins")
          + ": an origin is a scheme and host with an optional port and nothing after it, e.g. https://www.example.com");
    } else if (count == 0 || any) {
      t.add("Allowed origins", true, "Any web site may embed this widget: list your sites' origins to allow only them.");
    } else {
      t.add("Allowed origins", true, count + (count == 1 ? " origin is" : " origins are") + " allowed to embed the widget.");
    }
    if (ep.id() == 0) t.add("Identity secret", true, "The widget's secret is made when you save it and shown once.");
    else if (ep.secret("secret") == null) t.add("Identity secret", false, "The widget has no secret: generate a new one.");
    else t.add("Identity secret", true, "The widget has its secret for signing visitors' identities.");
    return Future.succeededFuture(t);
  }

  /** {@code scheme://host[:port]} with http or https, no path, query or user. */
  static boolean isOrigin(String s) {
    try {
      java.net.URI u = new java.net.URI(s);
      return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null && u.getRawUserInfo() == null
          && (u.getRawPath() == null || u.getRawPath().isEmpty()) && u.getRawQuery() == null && u.getRawFragment() == null;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  /** The script a site embeds. */
  @Override
  public JsonObject setup(String channel) {
    return new JsonObject().put("script_url", node.config().http().publicUrl() + "/widget.js");
  }

  /** Agents' replies reach visitors over their sockets. */
  @Override
  public Map<String, ChannelSender> senders() {
    return Map.of("widget", new WidgetSender(node));
  }

  /** The script, the visitors' sockets (a gateway per HTTP verticle instance, drained when it stops) and files. */
  @Override
  public void mount(Routes routes) {
    WidgetGateway gateway = new WidgetGateway(node, ingest, routes.vertx());
    routes.root().get("/widget.js").handler(this::script);
    routes.root().get("/widget/ws").handler(gateway::upgrade);
    routes.root().get("/widget/files/:id").handler(this::file);
    routes.onDrain(gateway::drain);
  }

  private void script(RoutingContext ctx) {
    Buffer cached = script;
    if (cached != null) {
      sendScript(ctx, cached);
      return;
    }
    // the file system resolves webroot/ from the working directory or, in the jar, the class path
    node.vertx().fileSystem().readFile("webroot/widget.js").onComplete(ar -> {
      if (ar.failed()) {
        Rest.fail(ctx, ApiError.notFound("widget.js"));
        return;
      }
      script = ar.result();
      sendScript(ctx, ar.result());
    });
  }

  private static void sendScript(RoutingContext ctx, Buffer body) {
    ctx.response()
        .putHeader("Content-Type", "text/javascript; charset=utf-8")
        .putHeader("Cache-Control", "public, max-age=300")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Cross-Origin-Resource-Policy", "cross-origin")
        .end(body);
  }

  private void file(RoutingContext ctx) {
    String key = ctx.queryParams().get("key");
    String sig = ctx.queryParams().get("sig");
    long id;
    try {
      id = Rest.pathId(ctx, "id", "file");
    } catch (ApiError e) {
      Rest.fail(ctx, e);
      return;
    }
    if (key == null || sig == null) {
      Rest.fail(ctx, ApiError.notFound("file"));
      return;
    }
    Files.sendFound(ctx, attachments.file(Endpoints.byAddress(node.db().pool(), "widget", key).compose(ep -> {
      if (ep == null || !Secrets.constantTimeEquals(sig, VisitorTokens.fileSignature(ep, id))) {
        return Future.<Row>failedFuture(ApiError.notFound("file"));
      }
      return store.file(ep, id);
    })), Files.Served.OTHER_SITE, "file");
  }
}
