package io.switchboard.channel;

import io.switchboard.http.Routes;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.switchboard.outbound.ChannelSender;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One channel adapter (e-mail, telephony, Meta, the widget, the API channel): what the rest of the hub needs of it,
 * so that nothing outside its package names a concrete channel. Inbound it turns what arrives into ingest's
 * {@code InboundMessage}; outbound it sends replies through its {@link ChannelSender}s.
 */
public interface Channel {

  /** The endpoint channels it serves: one for most, three for Meta (whatsapp, messenger, instagram). */
  Set<String> names();

  /**
   * An endpoint address of {@code channel} in normal form (lower-case e-mail, E.164, a provider's id), or null when
   * the hub generates it (a widget's or an API endpoint's key: then any address given is refused). Fails with a
   * 400 naming {@code address} when {@code raw} is not one.
   */
  String address(String channel, String raw);

  /** Whether an inbox names one endpoint of the channel its primary: the one replies and calls leave from by default. */
  default boolean hasPrimary() {
    return false;
  }

  /** Checks an endpoint's settings and secrets as they will be stored; fails with a 400 saying which and why. */
  void validate(String channel, JsonObject settings, JsonObject secrets);

  /** The senders of replies, by channel. */
  Map<String, ChannelSender> senders();

  /** Starts the channel's background work (listeners, pollers) once per node; answers the deployments to stop first. */
  default Future<List<String>> start() {
    return Future.succeededFuture(List.of());
  }

  /**
   * Tries an endpoint's settings against the provider (a mail server's login, an account API, a callback URL) without
   * sending anything to a customer, each step bounded in time, on worker threads or asynchronously. {@code ep} may be
   * an unsaved draft (id 0). Fails only on a bug: what goes wrong with the provider is a failed check.
   */
  default Future<ConnectionReport> test(Endpoint ep) {
    return Future.succeededFuture(ConnectionReport.of("Settings", true, "There is nothing to connect to for this channel."));
  }

  /**
   * What an admin setting up an endpoint of {@code channel} copies into a provider's console or a web site (webhook
   * URLs, a verify token, the embed script), and facts the settings form shows; empty when there is nothing.
   */
  default JsonObject setup(String channel) {
    return new JsonObject();
  }

  /** Mounts the channel's routes (webhooks, its REST calls, pages) on one HTTP verticle instance. */
  void mount(Routes routes);
}
