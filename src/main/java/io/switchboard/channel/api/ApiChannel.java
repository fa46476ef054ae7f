package io.switchboard.channel.api;

import io.switchboard.channel.Channel;
import io.switchboard.channel.ConnectionReport;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.switchboard.http.Routes;
import io.switchboard.inbox.EndpointCache;
import io.switchboard.ingest.Ingest;
import io.switchboard.node.Node;
import io.switchboard.outbound.ChannelSender;
import io.switchboard.auth.Secrets;
import io.switchboard.http.Rest;
import io.switchboard.common.ApiError;
import io.switchboard.http.Input;
import io.switchboard.ingest.InboundMessage;
import io.switchboard.ingest.SafeHtml;
import io.switchboard.ingest.UnknownEndpoint;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;
import java.util.Set;

/**
 * The API channel for custom integrations. Inbound: {@code POST /hooks/api/{endpoint_key}} with
 * {@code Authorization: Bearer <endpoint secret>} and {@code {"from","name","text","external_id"}}; answered
 * after the commit, the same for a redelivered {@code external_id}. Outbound: see {@link ApiChannelSender}.
 */
public final class ApiChannel implements Channel {

  private final Node node;
  private final EndpointCache endpoints;
  private final Ingest ingest;

  public ApiChannel(Node node, EndpointCache endpoints, Ingest ingest) {
    this.node = node;
    this.endpoints = endpoints;
    this.ingest = ingest;
  }

  @Override
  public Set<String> names() {
    return Set.of("api");
  }

  /** The address is the generated key. */
  @Override
  public String address(String channel, String raw) {
    if (raw != null) throw ApiError.validation("address", "an api endpoint's address is its generated key; leave it out");
    return null;
  }

  @Override
  public void validate(String channel, JsonObject settings, JsonObject secrets) {
    Object cb = settings.getValue("callback_url");
    if (cb != null && !(cb instanceof String s && Input.isHttpUrl(s))) {
      throw ApiError.validation("settings", "settings.callback_url must be an http or https URL");
    }
  }

  /**
   * A test delivery to the callback URL: {@code {"type":"test", ...}}, signed as replies are when the endpoint has its
   * secret (a saved endpoint), and what status came back.
   */
  @Override
  public Future<ConnectionReport> test(Endpoint ep) {
    return ApiChannelSender.testDelivery(node, ep);
  }

  /** Where integrations post their customers' messages. */
  @Override
  public JsonObject setup(String channel) {
    return new JsonObject().put("inbound_url", node.config().http().publicUrl() + "/hooks/api/{key}");
  }

  /** Replies go out as signed callbacks. */
  @Override
  public Map<String, ChannelSender> senders() {
    return Map.of("api", new ApiChannelSender(node));
  }

  @Override
  public void mount(Routes routes) {
    routes.hooks().post("/api/:key").handler(Rest.handle(this::receive));
  }

  private Future<?> receive(RoutingContext ctx) {
    String key = ctx.pathParam("key");
    return endpoints.get("api", key).compose(ep -> {
      if (ep == null) return Future.failedFuture(ApiError.notFound("endpoint"));
      String auth = ctx.request().getHeader("Authorization");
      String given = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : null;
      if (!Secrets.constantTimeEquals(given, ep.secret("secret"))) {
        return Future.failedFuture(ApiError.unauthorized("missing or wrong bearer secret for this endpoint"));
      }
      Input in = Input.of(ctx);
      String from = in.text("from", 200).trim();
      String text = in.optText("text", 32_768);
      String html = in.optText("html", 512 * 1024);
      if ((text == null || text.isBlank()) && (html == null || html.isBlank())) throw ApiError.validation("text", "text is required");
      String externalId = in.optText("external_id", 200);
      InboundMessage m = InboundMessage.builder("api", key, from)
          .senderName(in.optText("name", 200))
          .providerId(externalId == null || externalId.isBlank() ? null : externalId)
          .subject(in.optText("subject", 500))
          .text(text)
          // shown to agents like e-mail HTML: without scripts, handlers, forms or frames
          .html(SafeHtml.sanitize(html))
          .data(in.optObject("data") == null ? new JsonObject() : new JsonObject().put("metadata", in.optObject("data")))
          .build();
      return ingest.ingest(m)
          .recover(t -> Future.failedFuture(t instanceof UnknownEndpoint ? ApiError.notFound("endpoint") : t))
          .map(r -> new JsonObject()
              .put("conversation_id", r.conversationId())
              .put("activity_id", r.activityId())
              .put("contact_id", r.contactId())
              .put("duplicate", r.duplicate()));
    });
  }
}
