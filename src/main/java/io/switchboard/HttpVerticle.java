package io.switchboard;

import io.switchboard.channel.email.EmailChannel;
import io.switchboard.common.ApiError;
import io.switchboard.http.Rest;
import io.switchboard.http.StorableText;
import io.switchboard.http.Routes;
import io.switchboard.node.Node;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.TimeoutHandler;

import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP server: REST under {@code /api/v1}, provider webhooks under {@code /hooks}, live sockets, operations
 * endpoints and the agent web app. Deployed once per event loop; instances share the port.
 */
final class HttpVerticle extends VerticleBase {

  /** Security headers for the agent app and the API; the widget script is meant to load on other sites. */
  private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
      + "media-src 'self' blob:; connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
      + "form-action 'self'; object-src 'none'";

  private final Node node;
  private final int port;
  private final Routing routing;
  private HttpServer server;
  private final List<Runnable> drains = new ArrayList<>();

  HttpVerticle(Node node, int port, Routing routing) {
    this.node = node;
    this.port = port;
    this.routing = routing;
  }

  /** The path of the upload call, which takes attachments' larger body limit. */
  private static final String UPLOAD_PATH = "/api/v1/attachments";

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    errors(router);
    router.route().handler(ctx -> {
      String path = ctx.request().path();
      if (!path.startsWith("/widget")) {
        ctx.response().putHeader("Content-Security-Policy", CSP)
            .putHeader("X-Content-Type-Options", "nosniff")
            .putHeader("Referrer-Policy", "same-origin")
            .putHeader("X-Frame-Options", "DENY");
      }
      ctx.next();
    });

    int limit = node.config().http().bodyLimit();
    BodyHandler small = BodyHandler.create(false).setBodyLimit(limit);
    BodyHandler upload = BodyHandler.create(false).setBodyLimit(routing.attachments().maxBytes());
    BodyHandler mime = EmailChannel.bodyHandler(node);

    Router api = Router.router(vertx);
    errors(api);
    api.route().handler(StorableText::queryParameters);
    api.route().handler(ctx -> (ctx.request().path().equals(UPLOAD_PATH) ? upload : small).handle(ctx));
    api.route().handler(deadline(true));
    Router hooks = Router.router(vertx);
    errors(hooks);
    hooks.route().handler(ctx -> (ctx.request().path().equals(EmailChannel.MIME_HOOK_PATH) ? mime : small).handle(ctx));
    hooks.route().handler(deadline(false));

    routing.mount(new Routes(vertx, router, api, hooks, drains));

    api.route().handler(ctx -> Rest.fail(ctx, ApiError.notFound("resource")));
    router.route("/api/v1/*").subRouter(api);
    hooks.route().handler(ctx -> Rest.fail(ctx, ApiError.notFound("hook")));
    router.route("/hooks/*").subRouter(hooks);
    router.route("/*").handler(StaticHandler.create("webroot").setIndexPage("index.html").setCachingEnabled(false));
    router.route().handler(ctx -> Rest.fail(ctx, ApiError.notFound("page")));

    HttpServerOptions options = new HttpServerOptions()
        .setHost(node.config().http().host())
        .setPort(port)
        .setCompressionSupported(true)
        // no cleartext HTTP/2 upgrade: browsers never ask for it, and Java's default HttpClient (which does) was seen
        // to hang on a large answer over it; such clients get plain HTTP/1.1
        .setHttp2ClearTextEnabled(false)
        // a whole e-mail may arrive as one form field (the MIME webhook's body-mime)
        .setMaxFormAttributeSize(EmailChannel.maxFormAttributeBytes(node))
        .setMaxWebSocketFrameSize(1 << 20)
        .setMaxWebSocketMessageSize(1 << 20)
        // per-message deflate keeps a compressor per socket: too costly for thousands of idle agents
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        .setIdleTimeout(0);
    return vertx.createHttpServer(options).requestHandler(router).listen().onSuccess(s -> {
      server = s;
      node.state().loopbackHost(node.config().http().host());
      node.state().httpPort(s.actualPort());
    });
  }

  @Override
  public Future<?> stop() {
    drains.forEach(Runnable::run);
    return server == null ? Future.succeededFuture() : server.shutdown(5, java.util.concurrent.TimeUnit.SECONDS);
  }

  /**
   * Every API call and webhook is answered within {@code http.request_timeout_ms} of its body having arrived: when the
   * database stops answering, senders hear 503 with Retry-After in time (Twilio gives up after 15 s) rather than
   * waiting for ever; what they sent is stored once when they retry. File downloads stream for as long as they take.
   */
  private Handler<RoutingContext> deadline(boolean api) {
    long ms = node.config().http().requestTimeoutMs();
    Handler<RoutingContext> timeout = TimeoutHandler.create(ms, 503);
    return ctx -> {
      if (api && ctx.request().method() == HttpMethod.GET && ctx.request().path().contains("/attachments/")) ctx.next();
      else timeout.handle(ctx);
    };
  }

  /** Framework-level failures (bad body, too large, no route, no answer in time) in the API's error shape. */
  private static void errors(Router r) {
    r.errorHandler(400, ctx -> Rest.fail(ctx, ApiError.validation(null, "the request could not be read")));
    r.errorHandler(404, ctx -> Rest.fail(ctx, ApiError.notFound("resource")));
    r.errorHandler(405, ctx -> Rest.send(ctx, 405, new ApiError(405, "method_not_allowed", "method not allowed here", null, 0).toJson()));
    r.errorHandler(413, ctx -> Rest.fail(ctx, ApiError.tooLarge("the request body is too large")));
    r.errorHandler(503, ctx -> Rest.fail(ctx, ApiError.unavailable("no answer in time; the database may be unavailable. Try again shortly")));
    r.errorHandler(500, HttpVerticle::internal);
  }

  private static void internal(RoutingContext ctx) {
    Throwable t = ctx.failure();
    Rest.fail(ctx, t == null ? new ApiError(500, "internal", "internal error", null, 0) : t);
  }
}
