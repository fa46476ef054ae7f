package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.inbox.Access;
import io.switchboard.inbox.Addresses;
import io.switchboard.inbox.Endpoints;
import io.switchboard.inbox.SecretBox;
import io.switchboard.node.Node;
import io.switchboard.channel.Channel;
import io.switchboard.channel.Channels;
import io.switchboard.inbox.EndpointCache;
import io.switchboard.audit.Audit;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Secrets;
import io.switchboard.db.Db;
import io.switchboard.event.EventType;
import io.switchboard.event.EventLog;
import io.switchboard.event.Events;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.common.ApiError;
import io.switchboard.http.Input;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.switchboard.db.Tx;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/inboxes/{id}/endpoints} and {@code /api/v1/endpoints/{id}}: the addresses an inbox owns. An
 * address routes to exactly one inbox; an inbox with phone numbers has exactly one primary number.
 */
public final class EndpointApi {

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
        .compose(r -> node.db().list("SELECT * FROM endpoint WHERE inbox_id = $1 ORDER BY channel, id", inbox))
        .map(rows -> {
          JsonArray items = new JsonArray();
          rows.forEach(r -> items.add(Endpoints.json(r)));
          return new JsonObject().put("items", items).put("next_cursor", null);
        });
  }

  private Future<?> get(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "endpoint");
    return visible(node.db().pool(), a, id, false).map(Endpoints::json);
  }

  /** The endpoint row if its inbox's settings are visible (editable when asked), 404 otherwise. */
  private static Future<Row> visible(io.vertx.sqlclient.SqlClient c, Actor a, long id, boolean edit) {
    return Db.one(c, "SELECT * FROM endpoint WHERE id = $1 AND workspace_id = $2", id, a.workspaceId()).compose(r -> {
      if (r == null) return Future.failedFuture(ApiError.notFound("endpoint"));
      long inbox = r.getLong("inbox_id");
      return (edit ? Access.settingsEditable(c, a, inbox) : Access.settingsVisible(c, a, inbox)).map(r)
          .recover(t -> Future.failedFuture(t instanceof ApiError e && e.status == 404 ? ApiError.notFound("endpoint") : t));
    });
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
    JsonObject[] split = Endpoints.split(in.optObject("settings") == null ? new JsonObject() : in.optObject("settings"));
    JsonObject settings = split[0];
    JsonObject secrets = split[1];
    String generatedSecret = null;
    String given = adapter.address(channel, in.optText("address", 254));
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
    return node.db().tx(conn -> Access.settingsEditable(conn, a, inbox)
        .compose(v -> Db.one(conn, "SELECT id FROM endpoint WHERE inbox_id = $1 AND is_primary FOR UPDATE", inbox))
        .compose(existingPrimary -> {
          if (Boolean.TRUE.equals(primary) && existingPrimary != null) {
            return Future.failedFuture(ApiError.conflict("primary",
                "this inbox already has a primary number; make this number primary with PATCH once it exists"));
          }
          boolean isPrimary = adapter.hasPrimary() && existingPrimary == null;
          return Rest.orConflict(Db.one(conn, """
              INSERT INTO endpoint (workspace_id, inbox_id, channel, address, name, is_primary, enabled, disabled_reason, settings, secrets)
              VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *""",
              a.workspaceId(), inbox, channel, address, name, isPrimary, enabled, enabled ? null : disabledReason, settings,
              SecretBox.seal(secrets)),
              "address", "this address already belongs to an inbox");
        })
        .compose(r -> Audit.record(conn, a, "endpoint.created", "endpoint", r.getLong("id"),
                new JsonObject().put("inbox_id", inbox).put("channel", channel).put("address", address))
            .compose(v -> changed(conn, a, r, false)).map(r)))
        .map(r -> {
          JsonObject out = Endpoints.json(r);
          if (secret != null) out.put("key", address).put("secret", secret);
          return Reply.created(out);
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
    return node.db().tx(conn -> visible(conn, a, id, true).compose(before -> {
      String channel = before.getString("channel");
      Channel adapter = channels.get(channel, "channel");
      String address = in.has("address") ? adapter.address(channel, in.text("address", 254)) : null;
      if (in.has("address") && address == null) throw ApiError.validation("address", "a generated key cannot be changed");
      if (primary != null && !adapter.hasPrimary()) throw ApiError.validation("primary", "only phone numbers have a primary");
      if (Boolean.FALSE.equals(primary) && before.getBoolean("is_primary")) {
        throw ApiError.validation("primary", "an inbox keeps exactly one primary number: make another number primary instead");
      }
      JsonObject settings = before.getJsonObject("settings");
      JsonObject secrets = SecretBox.open(before.getJsonObject("secrets"));
      if (patch != null) {
        JsonObject[] split = Endpoints.split(patch);
        settings = Endpoints.merge(settings, split[0]);
        secrets = Endpoints.merge(secrets, split[1]);
        validateSettings(adapter, channel, settings, secrets);
      }
      boolean enabledNow = enabled == null ? before.getBoolean("enabled") : enabled;
      String reason = enabledNow ? null : (disabledReason != null ? disabledReason : before.getString("disabled_reason"));
      Future<?> demote = Boolean.TRUE.equals(primary) && !before.getBoolean("is_primary")
          ? Db.query(conn, "UPDATE endpoint SET is_primary = false WHERE inbox_id = $1 AND is_primary", before.getLong("inbox_id"))
          : Future.succeededFuture();
      JsonObject s = settings;
      JsonObject x = SecretBox.seal(secrets);
      return demote.compose(v -> Rest.orConflict(Db.one(conn, """
              UPDATE endpoint SET name = CASE WHEN $2 THEN $3 ELSE name END, address = COALESCE($4, address),
                is_primary = is_primary OR COALESCE($5, false), enabled = $6, disabled_reason = $7,
                settings = $8, secrets = $9, updated_at = now()
              WHERE id = $1 RETURNING *""", id, in.has("name"), name, address, primary, enabledNow, reason, s, x),
              "address", "this address already belongs to an inbox"))
          .compose(r -> Audit.record(conn, a, "endpoint.updated", "endpoint", id, auditable(in.json()))
              .compose(v -> changed(conn, a, r, false)).map(r));
    })).map(r -> {
      endpoints.invalidate(id);
      return Endpoints.json(r);
    });
  }

  private Future<?> delete(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "endpoint");
    return node.db().tx(conn -> visible(conn, a, id, true).compose(r ->
        Db.one(conn, "SELECT EXISTS (SELECT 1 FROM conversation WHERE endpoint_id = $1)", id).compose(has -> {
          if (has.getBoolean(0)) {
            return Future.failedFuture(ApiError.conflict(null,
                "this endpoint has conversations; disable it instead to keep their history"));
          }
          return Db.query(conn, "DELETE FROM endpoint WHERE id = $1", id)
              // the inbox keeps a primary number while it has numbers
              .compose(v -> !r.getBoolean("is_primary") ? Future.succeededFuture() : Db.query(conn, """
                  UPDATE endpoint SET is_primary = true WHERE id = (
                    SELECT id FROM endpoint WHERE inbox_id = $1 AND channel = 'phone' ORDER BY id LIMIT 1)""",
                  r.getLong("inbox_id")))
              .compose(v -> Audit.record(conn, a, "endpoint.deleted", "endpoint", id,
                  new JsonObject().put("channel", r.getString("channel")).put("address", r.getString("address"))))
              .compose(v -> changed(conn, a, r, true));
        }))).map(v -> {
          endpoints.invalidate(id);
          return null;
        });
  }

  /** Agents' screens show an inbox's endpoints (the from-number picker), so endpoint changes go live. */
  private static Future<Void> changed(Tx conn, Actor a, Row endpoint, boolean deleted) {
    JsonObject e = deleted ? new JsonObject().put("id", endpoint.getLong("id")).put("deleted", true) : Endpoints.json(endpoint);
    e.remove("settings");
    e.remove("secrets_set");
    return EventLog.append(conn, a.workspaceId(), endpoint.getLong("inbox_id"), null, EventType.INBOX_UPDATED,
        new JsonObject().put("inbox", new JsonObject().put("id", endpoint.getLong("inbox_id"))).put("endpoint", e));
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
