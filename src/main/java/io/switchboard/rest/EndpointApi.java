package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.inbox.Access;
import io.switchboard.inbox.Endpoints;
import io.switchboard.inbox.InboxEndpoints;
import io.switchboard.delivery.EndpointHealth;
import io.switchboard.node.Node;
import io.switchboard.channel.Channel;
import io.switchboard.channel.Channels;
import io.switchboard.inbox.EndpointCache;
import io.switchboard.sandbox.Sandbox;
import io.switchboard.audit.Audit;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Secrets;
import io.switchboard.event.EventType;
import io.switchboard.event.EventLog;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.common.ApiError;
import io.switchboard.http.Input;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.switchboard.db.Tx;

/**
 * {@code /api/v1/inboxes/{id}/endpoints} and {@code /api/v1/endpoints/{id}}: the addresses an inbox owns. An
 * address routes to exactly one inbox; an inbox with phone numbers has exactly one primary number.
 */
public final class EndpointApi {

  private static final String ADDRESS_TAKEN = "this address already belongs to an inbox";

  private final Node node;
  private final EndpointCache endpoints;
  private final Channels channels;

  private EndpointApi(Node node, EndpointCache endpoints, Channels channels) {
    this.node = node;
    this.endpoints = endpoints;
    this.channels = channels;
  }

  public static void mount(Router api, Node node, EndpointCache endpoints, Channels channels) {
    EndpointApi e = new EndpointApi(node, endpoints, channels);
    api.get("/inboxes/:id/endpoints").handler(Rest.handle(e::list));
    api.post("/inboxes/:id/endpoints").handler(Rest.handle(e::create));
    api.get("/endpoints/:id").handler(Rest.handle(e::get));
    api.patch("/endpoints/:id").handler(Rest.handle(e::update));
    api.delete("/endpoints/:id").handler(Rest.handle(e::delete));
  }

  private Future<?> list(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long inbox = Rest.pathId(ctx, "id", "inbox");
    return Access.settingsVisible(node.db().pool(), a, inbox)
        .compose(r -> InboxEndpoints.list(node.db().pool(), inbox))
        .compose(items -> EndpointHealth.annotate(node.db().pool(), items))
        .map(items -> new JsonObject().put("items", items).put("next_cursor", null));
  }

  private Future<?> get(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "endpoint");
    return InboxEndpoints.get(node.db().pool(), a, id)
        .compose(ep -> EndpointHealth.annotate(node.db().pool(), new JsonArray().add(ep)).map(ep));
  }

  private Future<?> create(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long inbox = Rest.pathId(ctx, "id", "inbox");
    Input in = Input.of(ctx);
    String channel = in.oneOf("channel", channels.names());
    Channel adapter = channels.get(channel, "channel");
    String name = in.optText("name", 100);
    Boolean primary = in.optBool("primary");
    boolean enabled = !Boolean.FALSE.equals(in.optBool("enabled"));
    String disabledReason = in.optText("disabled_reason", 300);
    boolean sandbox = Boolean.TRUE.equals(in.optBool("sandbox"));
    JsonObject[] split = Endpoints.split(in.optObject("settings") == null ? new JsonObject() : in.optObject("settings"));
    JsonObject settings = split[0];
    JsonObject secrets = split[1];
    String generatedSecret = null;
    String asked = in.optText("address", 254);
    if (sandbox) {
      // the simulator's account: generated provider settings and secrets, and an address when none was asked for
      Sandbox.Generated g = Sandbox.generate(channel);
      settings.mergeIn(g.settings());
      secrets.mergeIn(g.secrets());
      if (asked == null || asked.isBlank()) asked = g.address();
    }
    String given = adapter.address(channel, asked);
    if (given == null) {
      // the endpoint is a key the hub generates, with a secret shown once
      given = "k_" + Secrets.token(18);
      generatedSecret = Secrets.token(32);
      secrets.put("secret", generatedSecret);
    }
    String address = given;
    if (primary != null && !adapter.hasPrimary()) throw ApiError.validation("primary", "only phone numbers have a primary");
    validateSettings(adapter, channel, settings, secrets);
    String secret = generatedSecret;
    InboxEndpoints.New endpoint = new InboxEndpoints.New(inbox, channel, address, name, primary, adapter.hasPrimary(), enabled,
        enabled ? null : disabledReason, settings, secrets, sandbox);
    return node.db().tx(conn -> Access.settingsEditable(conn, a, inbox)
        .compose(v -> Rest.orConflict(InboxEndpoints.create(conn, a.workspaceId(), endpoint), "address", ADDRESS_TAKEN))
        .compose(e -> Audit.record(conn, a, "endpoint.created", "endpoint", e.getLong("id"),
                new JsonObject().put("inbox_id", inbox).put("channel", channel).put("address", address).put("sandbox", sandbox))
            .compose(v -> changed(conn, a, inbox, shown(e))).map(e)))
        .map(e -> {
          if (secret != null) e.put("key", address).put("secret", secret);
          return Reply.created(e);
        });
  }

  private Future<?> update(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "endpoint");
    Input in = Input.of(ctx);
    String name = in.optText("name", 100);
    Boolean primary = in.optBool("primary");
    Boolean enabled = in.optBool("enabled");
    String disabledReason = in.optText("disabled_reason", 300);
    JsonObject patch = in.optObject("settings");
    return node.db().tx(conn -> InboxEndpoints.editable(conn, a, id).compose(before -> {
      String channel = before.channel();
      Channel adapter = channels.get(channel, "channel");
      String address = in.has("address") ? adapter.address(channel, in.text("address", 254)) : null;
      if (in.has("address") && address == null) throw ApiError.validation("address", "a generated key cannot be changed");
      if (primary != null && !adapter.hasPrimary()) throw ApiError.validation("primary", "only phone numbers have a primary");
      Boolean sandbox = in.optBool("sandbox");
      if (sandbox != null && sandbox != before.sandbox()) {
        throw ApiError.validation("sandbox", "sandbox mode is chosen when an endpoint is created: add a new endpoint instead");
      }
      if (Boolean.FALSE.equals(primary) && before.primary()) {
        throw ApiError.validation("primary", "an inbox keeps exactly one primary number: make another number primary instead");
      }
      JsonObject[] after = Endpoints.patched(before, patch);
      JsonObject settings = after[0];
      JsonObject secrets = after[1];
      if (patch != null) validateSettings(adapter, channel, settings, secrets);
      boolean enabledNow = enabled == null ? before.enabled() : enabled;
      String reason = enabledNow ? null : (disabledReason != null ? disabledReason : before.disabledReason());
      InboxEndpoints.Change change = new InboxEndpoints.Change(in.has("name"), name, address, primary, enabledNow, reason,
          settings, secrets);
      return Rest.orConflict(InboxEndpoints.update(conn, before, change), "address", ADDRESS_TAKEN)
          .compose(e -> Audit.record(conn, a, "endpoint.updated", "endpoint", id, auditable(in.json()))
              .compose(v -> changed(conn, a, before.inboxId(), shown(e))).map(e));
    })).map(e -> {
      endpoints.invalidate(id);
      return e;
    });
  }

  private Future<?> delete(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "endpoint");
    return node.db().tx(conn -> InboxEndpoints.editable(conn, a, id).compose(e -> InboxEndpoints.delete(conn, e)
        .compose(v -> Audit.record(conn, a, "endpoint.deleted", "endpoint", id,
            new JsonObject().put("channel", e.channel()).put("address", e.address())))
        .compose(v -> changed(conn, a, e.inboxId(), new JsonObject().put("id", id).put("deleted", true)))))
        .map(v -> {
          endpoints.invalidate(id);
          return null;
        });
  }

  /** Agents' screens show an inbox's endpoints (the from-number picker), so endpoint changes go live. */
  private static Future<Void> changed(Tx conn, Actor a, long inboxId, JsonObject endpoint) {
    return EventLog.append(conn, a.workspaceId(), inboxId, null, EventType.INBOX_UPDATED,
        new JsonObject().put("inbox", new JsonObject().put("id", inboxId)).put("endpoint", endpoint));
  }

  /** What agents' screens are shown of an endpoint: neither its settings nor which secrets it has. */
  private static JsonObject shown(JsonObject endpoint) {
    JsonObject e = endpoint.copy();
    e.remove("settings");
    e.remove("secrets_set");
    return e;
  }

  private static void validateSettings(Channel adapter, String channel, JsonObject settings, JsonObject secrets) {
    if (settings.encode().length() > 16_384) throw ApiError.validation("settings", "settings are too large");
    adapter.validate(channel, settings, secrets);
  }

  /** What an audit row keeps of a request: never secrets. */
  private static JsonObject auditable(JsonObject in) {
    JsonObject copy = in.copy();
    Object settings = copy.getValue("settings");
    if (settings instanceof JsonObject s) copy.put("settings", Endpoints.split(s)[0]);
    return copy;
  }
}
