package io.switchboard.channel.widget;

import io.switchboard.attachment.AttachmentApi;
import io.switchboard.Hub;
import io.switchboard.auth.Secrets;
import io.switchboard.http.Api;
import io.switchboard.http.ApiError;
import io.switchboard.inbox.Endpoints;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;


/**
 * The website chat widget: {@code GET /widget.js} (the script a site embeds), {@code GET /widget/ws} (the visitors'
 * sockets, see {@link WidgetGateway}) and {@code GET /widget/files/{id}} (attachments of agents' replies, by a link
 * signed for the visitor). Replies leave through {@link WidgetSender}.
 */
public final class WidgetChannel {


  private final Hub hub;
  private final WidgetStore store;
  private Buffer script;

  private WidgetChannel(Hub hub) {
    this.hub = hub;
    this.store = new WidgetStore(hub.db);
  }

  /** Mounts the widget's routes on the main router; returns the gateway so the server can drain it. */
  public static WidgetGateway mount(Router router, Hub hub, Vertx vertx) {
    WidgetChannel c = new WidgetChannel(hub);
    WidgetGateway gateway = new WidgetGateway(hub, vertx);
    router.get("/widget.js").handler(c::script);
    router.get("/widget/ws").handler(gateway::upgrade);
    router.get("/widget/files/:id").handler(c::file);
    return gateway;
  }

  /** Registers the sender of agents' replies to visitors; once per hub, before anything may send. */
  public static void registerSender(Hub hub) {
    hub.senders.register("widget", new WidgetSender(hub));
  }

  private void script(RoutingContext ctx) {
    Buffer cached = script;
    if (cached != null) {
      sendScript(ctx, cached);
      return;
    }
    // the file system resolves webroot/ from the working directory or, in the jar, the class path
    hub.vertx.fileSystem().readFile("webroot/widget.js").onComplete(ar -> {
      if (ar.failed()) {
        Api.fail(ctx, ApiError.notFound("widget.js"));
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
      id = Api.pathId(ctx, "id", "file");
    } catch (ApiError e) {
      Api.fail(ctx, e);
      return;
    }
    if (key == null || sig == null) {
      Api.fail(ctx, ApiError.notFound("file"));
      return;
    }
    AttachmentApi.sendFound(ctx, hub, Endpoints.byAddress(hub.db.pool(), "widget", key).compose(ep -> {
      if (ep == null || !Secrets.constantTimeEquals(sig, VisitorTokens.fileSignature(ep, id))) {
        return Future.<Row>failedFuture(ApiError.notFound("file"));
      }
      return store.file(ep, id);
    }), AttachmentApi.Served.OTHER_SITE, "file");
  }
}
