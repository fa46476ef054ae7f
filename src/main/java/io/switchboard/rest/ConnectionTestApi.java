package io.switchboard.rest;

import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.auth.web.Authenticator;
import io.switchboard.channel.Channel;
import io.switchboard.channel.Channels;
import io.switchboard.channel.ConnectionReport;
import io.switchboard.common.ApiError;
import io.switchboard.http.Input;
import io.switchboard.http.Rest;
import io.switchboard.inbox.Endpoints;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.switchboard.inbox.InboxEndpoints;
import io.switchboard.node.Node;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Setting up endpoints from forms: {@code POST /api/v1/endpoints/test} tries the settings of an unsaved form,
 * {@code POST /api/v1/endpoints/{id}/test} those of a saved endpoint with the form's changes over them (a secret left
 * out keeps the stored one), and {@code GET /api/v1/channels/{channel}/setup} gives what to copy into a provider's
 * console. All need {@code settings.manage}. Each channel tests itself ({@link Channel#test}); the answer is
 * {@code {"ok", "checks": [{"name","ok","message"}]}}, also when the provider refused (that is a failed check, not an
 * error). Nothing is stored and nothing is sent to a customer.
 */
public final class ConnectionTestApi {

  private static final Logger log = LoggerFactory.getLogger(ConnectionTestApi.class);
  private static final long LIMIT_SECONDS = 25;

  private final Node node;
  private final Channels channels;

  private ConnectionTestApi(Node node, Channels channels) {
    this.node = node;
    this.channels = channels;
  }

  public static void mount(Router api, Node node, Channels channels) {
    ConnectionTestApi t = new ConnectionTestApi(node, channels);
    api.post("/endpoints/test").handler(Rest.handle(t::draft));
    api.post("/endpoints/:id/test").handler(Rest.handle(t::saved));
    api.get("/channels/:channel/setup").handler(Rest.handle(t::setup));
  }

  private Future<?> draft(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.SETTINGS_MANAGE);
    Input in = Input.of(ctx);
    String channel = in.oneOf("channel", channels.names());
    Channel adapter = channels.get(channel, "channel");
    String address = adapter.address(channel, in.optText("address", 254));
    JsonObject[] split = Endpoints.split(in.optObject("settings") == null ? new JsonObject() : in.optObject("settings"));
    check(adapter, channel, split[0], split[1]);
    Endpoint ep = Endpoint.draft(0, a.workspaceId(), 0, channel, address == null ? "(new)" : address, null, split[0], split[1]);
    return run(adapter, ep);
  }

  private Future<?> saved(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "endpoint");
    Input in = Input.orEmpty(ctx);
    JsonObject patch = in.optObject("settings");
    String givenAddress = in.optText("address", 254);
    return InboxEndpoints.editable(node.db().pool(), a, id).compose(before -> {
      if (before.sandbox()) {
        // its provider is the hub's own simulator, reached with generated credentials: nothing outside to check
        return Future.succeededFuture(ConnectionReport.of("Sandbox", true, "This is a sandbox endpoint: its replies go to"
            + " the built-in provider simulator, so there is no provider account to check. Send it a test message to try it.").json());
      }
      Channel adapter = channels.get(before.channel(), "channel");
      String address = before.address();
      if (givenAddress != null) {
        String normal = adapter.address(before.channel(), givenAddress);
        if (normal == null) throw ApiError.validation("address", "a generated key cannot be changed");
        address = normal;
      }
      JsonObject[] after = Endpoints.patched(before, patch);
      JsonObject settings = after[0];
      JsonObject secrets = after[1];
      check(adapter, before.channel(), settings, secrets);
      return run(adapter, Endpoint.draft(id, before.workspaceId(), before.inboxId(), before.channel(), address, before.name(),
          settings, secrets));
    });
  }

  private Future<?> setup(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.SETTINGS_MANAGE);
    String channel = ctx.pathParam("channel");
    if (!channels.names().contains(channel)) throw ApiError.notFound("channel");
    return Future.succeededFuture(channels.get(channel, "channel").setup(channel).copy().put("channel", channel));
  }

  private static void check(Channel adapter, String channel, JsonObject settings, JsonObject secrets) {
    if (settings.encode().length() > 16_384) throw ApiError.validation("settings", "settings are too large");
    adapter.validate(channel, settings, secrets);
  }

  /** The channel's test, bounded as a whole; a failure of the test itself is a failed check, logged without settings. */
  private static Future<JsonObject> run(Channel adapter, Endpoint ep) {
    Future<ConnectionReport> test;
    try {
      test = adapter.test(ep);
    } catch (RuntimeException e) {
      test = Future.failedFuture(e);
    }
    return test.timeout(LIMIT_SECONDS, TimeUnit.SECONDS)
        .recover(t -> {
          boolean late = t instanceof java.util.concurrent.TimeoutException;
          if (!late) log.warn("connection test of a {} endpoint failed: {}", ep.channel(), t.toString());
          return Future.succeededFuture(ConnectionReport.of("Test", false, late
              ? "The test did not finish within " + LIMIT_SECONDS + " seconds."
              : "The test could not run: " + t.getMessage()));
        })
        .map(ConnectionReport::json);
  }
}
