package io.switchboard.http;

import io.switchboard.Hub;
import io.switchboard.attachment.AttachmentApi;
import io.switchboard.audit.AuditApi;
import io.switchboard.auth.AuthApi;
import io.switchboard.auth.UsersApi;
import io.switchboard.automation.Automation;
import io.switchboard.channel.api.ApiChannel;
import io.switchboard.channel.telephony.Telephony;
import io.switchboard.channel.meta.MetaChannel;
import io.switchboard.channel.widget.WidgetChannel;
import io.switchboard.channel.widget.WidgetGateway;
import io.switchboard.channel.email.EmailChannel;
import io.switchboard.conversation.ActivityApi;
import io.switchboard.conversation.ContactChannelsApi;
import io.switchboard.conversation.ConversationApi;
import io.switchboard.conversation.TagApi;
import io.switchboard.contact.ContactRoutes;
import io.switchboard.crm.CrmRoutes;
import io.switchboard.inbox.EndpointApi;
import io.switchboard.inbox.InboxApi;
import io.switchboard.inbox.MembersApi;
import io.switchboard.live.LiveGateway;
import io.switchboard.live.PresenceApi;
import io.switchboard.ops.Ops;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.TimeoutHandler;

/**
 * The HTTP server: REST under {@code /api/v1}, provider webhooks under {@code /hooks}, live sockets, operations
 * endpoints and the agent web app. Deployed once per event loop; instances share the port.
 */
public final class HttpVerticle extends VerticleBase {

  /** Security headers for the agent app and the API; the widget script is meant to load on other sites. */
  private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
      + "media-src 'self' blob:; connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
      + "form-action 'self'; object-src 'none'";

  private final Hub hub;
  private final int port;
  private HttpServer server;
  private LiveGateway gateway;
  private WidgetGateway widgets;

  public HttpVerticle(Hub hub, int port) {
    this.hub = hub;
    this.port = port;
  }

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
    Ops.mount(router, hub);

    int limit = hub.config.integer("http.body_limit");
    BodyHandler small = BodyHandler.create(false).setBodyLimit(limit);
    BodyHandler upload = BodyHandler.create(false).setBodyLimit(hub.attachments.maxBytes());

    Telephony telephony = new Telephony(hub);

    Router api = Router.router(vertx);
    errors(api);
    api.route().handler(StorableText::queryParameters);
    api.route().handler(ctx -> (ctx.request().path().endsWith("/api/v1" + AttachmentApi.UPLOAD_PATH) ? upload : small).handle(ctx));
    api.route().handler(deadline(true));
    AuthApi.mountPublic(api, hub);
    io.switchboard.apidocs.ApiDocs.mount(router, api);
    api.route().handler(hub.auth.required());
    AuthApi.mount(api, hub);
    UsersApi.mount(api, hub);
    InboxApi.mount(api, hub);
    EndpointApi.mount(api, hub);
    MembersApi.mount(api, hub);
    ConversationApi.mount(api, hub);
    ContactChannelsApi.mount(api, hub);
    // before ActivityApi: a reply with a send_at is a scheduled message
    Automation.mount(api, hub);
    ActivityApi.mount(api, hub);
    TagApi.mount(api, hub);
    ContactRoutes.mount(api, hub);
    CrmRoutes.mount(api, hub);
    AttachmentApi.mount(api, hub);
    AuditApi.mount(api, hub);
    PresenceApi.mount(api, hub);
    telephony.mountApi(api);
    EmailChannel.mountApi(api, hub);
    MetaChannel.mountApi(api, hub);
    api.route().handler(ctx -> Api.fail(ctx, ApiError.notFound("resource")));
    router.route("/api/v1/*").subRouter(api);

    Router hooks = Router.router(vertx);
    errors(hooks);
    BodyHandler mime = EmailChannel.bodyHandler(hub);
    hooks.route().handler(ctx -> (ctx.request().path().equals(EmailChannel.MIME_HOOK_PATH) ? mime : small).handle(ctx));
    hooks.route().handler(deadline(false));
    ApiChannel.mount(hooks, hub);
    telephony.mountHooks(hooks);
    MetaChannel.mount(hooks, hub);
    EmailChannel.mountHooks(hooks, hub);
    hooks.route().handler(ctx -> Api.fail(ctx, ApiError.notFound("hook")));
    router.route("/hooks/*").subRouter(hooks);

    gateway = new LiveGateway(hub, vertx);
    router.get("/live").handler(gateway::upgrade);
    widgets = WidgetChannel.mount(router, hub, vertx);

    router.route("/*").handler(StaticHandler.create("webroot").setIndexPage("index.html").setCachingEnabled(false));
    router.route().handler(ctx -> Api.fail(ctx, ApiError.notFound("page")));

    HttpServerOptions options = new HttpServerOptions()
        .setHost(hub.config.string("http.host"))
        .setPort(port)
        .setCompressionSupported(true)
        // no cleartext HTTP/2 upgrade: browsers never ask for it, and Java's default HttpClient (which does) was seen
        // to hang on a large answer over it; such clients get plain HTTP/1.1
        .setHttp2ClearTextEnabled(false)
        // a whole e-mail may arrive as one form field (the MIME webhook's body-mime)
        .setMaxFormAttributeSize(EmailChannel.maxFormAttributeBytes(hub))
        .setMaxWebSocketFrameSize(1 << 20)
        .setMaxWebSocketMessageSize(1 << 20)
        // per-message deflate keeps a compressor per socket: too costly for thousands of idle agents
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        .setIdleTimeout(0);
    return vertx.createHttpServer(options).requestHandler(router).listen().onSuccess(s -> {
      server = s;
      hub.httpPort = s.actualPort();
    });
  }

  @Override
  public Future<?> stop() {
    if (gateway != null) gateway.drain();
    if (widgets != null) widgets.drain();
    return server == null ? Future.succeededFuture() : server.shutdown(5, java.util.concurrent.TimeUnit.SECONDS);
  }

  /**
   * Every API call and webhook is answered within {@code http.request_timeout_ms} of its body having arrived: when the
   * database stops answering, senders hear 503 with Retry-After in time (Twilio gives up after 15 s) rather than
   * waiting for ever; what they sent is stored once when they retry. File downloads stream for as long as they take.
   */
  private Handler<RoutingContext> deadline(boolean api) {
    long ms = hub.config.longValue("http.request_timeout_ms");
    Handler<RoutingContext> timeout = TimeoutHandler.create(ms, 503);
    return ctx -> {
      if (api && ctx.request().method() == HttpMethod.GET && ctx.request().path().contains("/attachments/")) ctx.next();
      else timeout.handle(ctx);
    };
  }

  /** Framework-level failures (bad body, too large, no route, no answer in time) in the API's error shape. */
  private static void errors(Router r) {
    r.errorHandler(400, ctx -> Api.fail(ctx, ApiError.validation(null, "the request could not be read")));
    r.errorHandler(404, ctx -> Api.fail(ctx, ApiError.notFound("resource")));
    r.errorHandler(405, ctx -> Api.send(ctx, 405, new ApiError(405, "method_not_allowed", "method not allowed here", null, 0).toJson()));
    r.errorHandler(413, ctx -> Api.fail(ctx, ApiError.tooLarge("the request body is too large")));
    r.errorHandler(503, ctx -> Api.fail(ctx, ApiError.unavailable("no answer in time; the database may be unavailable. Try again shortly")));
    r.errorHandler(500, HttpVerticle::internal);
  }

  private static void internal(RoutingContext ctx) {
    Throwable t = ctx.failure();
    Api.fail(ctx, t == null ? new ApiError(500, "internal", "internal error", null, 0) : t);
  }
}
