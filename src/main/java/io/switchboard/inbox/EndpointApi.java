package io.switchboard.inbox;

import io.switchboard.Hub;
import io.switchboard.audit.Audit;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Secrets;
import io.switchboard.channel.email.EmailSettings;
import io.switchboard.db.Db;
import io.switchboard.event.EventType;
import io.switchboard.event.EventLog;
import io.switchboard.event.Events;
import io.switchboard.http.Api;
import io.switchboard.http.Api.Reply;
import io.switchboard.http.ApiError;
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

  private static final Pattern PROVIDER_ID = Pattern.compile("^[0-9]{1,32}$");

  private final Hub hub;

  private EndpointApi(Hub hub) {
    this.hub = hub;
  }

  public static void mount(Router api, Hub hub) {
    EndpointApi e = new EndpointApi(hub);
    api.get("/inboxes/:id/endpoints").handler(Api.handle(e::list));
    api.post("/inboxes/:id/endpoints").handler(Api.handle(e::create));
    api.get("/endpoints/:id").handler(Api.handle(e::get));
    api.patch("/endpoints/:id").handler(Api.handle(e::update));
    api.delete("/endpoints/:id").handler(Api.handle(e::delete));
  }

  private Future<?> list(RoutingContext ctx) {
    Actor a = Actor.of(ctx);
    long inbox = Api.pathId(ctx, "id", "inbox");
    return Access.settingsVisible(hub.db.pool(), a, inbox)
        .compose(r -> hub.db.list("SELECT * FROM endpoint WHERE inbox_id = $1 ORDER BY channel, id", inbox))
        .map(rows -> {
          JsonArray items = new JsonArray();
          rows.forEach(r -> items.add(Endpoints.json(r)));
          return new JsonObject().put("items", items).put("next_cursor", null);
        });
  }

  private Future<?> get(RoutingContext ctx) {
    Actor a = Actor.of(ctx);
    long id = Api.pathId(ctx, "id", "endpoint");
    return visible(hub.db.pool(), a, id, false).map(Endpoints::json);
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
    Actor a = Actor.of(ctx);
    long inbox = Api.pathId(ctx, "id", "inbox");
    Input in = Input.of(ctx);
    String channel = in.oneOf("channel", InboxApi.CHANNELS);
    String name = in.optText("name", 100);
    Boolean primary = in.optBool("primary");
    boolean enabled = !Boolean.FALSE.equals(in.optBool("enabled"));
    String disabledReason = in.optText("disabled_reason", 300);
    JsonObject[] split = Endpoints.split(in.optObject("settings") == null ? new JsonObject() : in.optObject("settings"));
    JsonObject settings = split[0];
    JsonObject secrets = split[1];
    String generatedSecret = null;
    String address;
    if (channel.equals("widget") || channel.equals("api")) {
      if (in.has("address")) throw ApiError.validation("address", "a " + channel + " endpoint's address is its generated key; leave it out");
      address = "k_" + Secrets.token(18);
      generatedSecret = Secrets.token(32);
      secrets.put("secret", generatedSecret);
    } else {
      address = address(channel, in.text("address", 254));
    }
    if (primary != null && !channel.equals("phone")) throw ApiError.validation("primary", "only phone numbers have a primary");
    validateSettings(channel, settings, secrets, true);
    String secret = generatedSecret;
    return hub.db.tx(conn -> Access.settingsEditable(conn, a, inbox)
        .compose(v -> Db.one(conn, "SELECT id FROM endpoint WHERE inbox_id = $1 AND is_primary FOR UPDATE", inbox))
        .compose(existingPrimary -> {
          if (Boolean.TRUE.equals(primary) && existingPrimary != null) {
            return Future.failedFuture(ApiError.conflict("primary",
                "this inbox already has a primary number; make this number primary with PATCH once it exists"));
          }
          boolean isPrimary = channel.equals("phone") && existingPrimary == null;
          return Api.orConflict(Db.one(conn, """
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
    Actor a = Actor.of(ctx);
    long id = Api.pathId(ctx, "id", "endpoint");
    Input in = Input.of(ctx);
    String name = in.optText("name", 100);
    Boolean primary = in.optBool("primary");
    Boolean enabled = in.optBool("enabled");
    String disabledReason = in.optText("disabled_reason", 300);
    JsonObject patch = in.optObject("settings");
    return hub.db.tx(conn -> visible(conn, a, id, true).compose(before -> {
      String channel = before.getString("channel");
      String address = in.has("address") ? addressChange(channel, in.text("address", 254)) : null;
      if (primary != null && !channel.equals("phone")) throw ApiError.validation("primary", "only phone numbers have a primary");
      if (Boolean.FALSE.equals(primary) && before.getBoolean("is_primary")) {
        throw ApiError.validation("primary", "an inbox keeps exactly one primary number: make another number primary instead");
      }
      JsonObject settings = before.getJsonObject("settings");
      JsonObject secrets = SecretBox.open(before.getJsonObject("secrets"));
      if (patch != null) {
        JsonObject[] split = Endpoints.split(patch);
        settings = Endpoints.merge(settings, split[0]);
        secrets = Endpoints.merge(secrets, split[1]);
        validateSettings(channel, settings, secrets, false);
      }
      boolean enabledNow = enabled == null ? before.getBoolean("enabled") : enabled;
      String reason = enabledNow ? null : (disabledReason != null ? disabledReason : before.getString("disabled_reason"));
      Future<?> demote = Boolean.TRUE.equals(primary) && !before.getBoolean("is_primary")
          ? Db.query(conn, "UPDATE endpoint SET is_primary = false WHERE inbox_id = $1 AND is_primary", before.getLong("inbox_id"))
          : Future.succeededFuture();
      JsonObject s = settings;
      JsonObject x = SecretBox.seal(secrets);
      return demote.compose(v -> Api.orConflict(Db.one(conn, """
              UPDATE endpoint SET name = CASE WHEN $2 THEN $3 ELSE name END, address = COALESCE($4, address),
                is_primary = is_primary OR COALESCE($5, false), enabled = $6, disabled_reason = $7,
                settings = $8, secrets = $9, updated_at = now()
              WHERE id = $1 RETURNING *""", id, in.has("name"), name, address, primary, enabledNow, reason, s, x),
              "address", "this address already belongs to an inbox"))
          .compose(r -> Audit.record(conn, a, "endpoint.updated", "endpoint", id, auditable(in.json()))
              .compose(v -> changed(conn, a, r, false)).map(r));
    })).map(r -> {
      hub.endpoints.invalidate(id);
      return Endpoints.json(r);
    });
  }

  private Future<?> delete(RoutingContext ctx) {
    Actor a = Actor.of(ctx);
    long id = Api.pathId(ctx, "id", "endpoint");
    return hub.db.tx(conn -> visible(conn, a, id, true).compose(r ->
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
          hub.endpoints.invalidate(id);
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

  private String address(String channel, String raw) {
    return switch (channel) {
      case "email" -> Addresses.email("address", raw);
      case "phone" -> Addresses.phone("address", raw, hub.config.string("phone.default_region"));
      default -> {
        String s = raw.trim();
        if (!PROVIDER_ID.matcher(s).matches()) {
          throw ApiError.validation("address", "a " + channel + " address is the provider's numeric id ("
              + (channel.equals("whatsapp") ? "phone_number_id" : channel.equals("messenger") ? "page id" : "account id") + ")");
        }
        yield s;
      }
    };
  }

  private String addressChange(String channel, String raw) {
    if (channel.equals("widget") || channel.equals("api")) throw ApiError.validation("address", "a generated key cannot be changed");
    return address(channel, raw);
  }

  private static void validateSettings(String channel, JsonObject settings, JsonObject secrets, boolean creating) {
    if (settings.encode().length() > 16_384) throw ApiError.validation("settings", "settings are too large");
    switch (channel) {
      case "phone" -> {
        Object sid = settings.getValue("account_sid");
        if (!(sid instanceof String s) || s.isBlank()) {
          throw ApiError.validation("settings", "settings.account_sid (the provider account that owns the number) is required");
        }
        if (!(secrets.getValue("auth_token") instanceof String t) || t.isBlank()) {
          throw ApiError.validation("settings", "settings.auth_token (the account's auth token) is required");
        }
      }
      case "api" -> {
        Object cb = settings.getValue("callback_url");
        if (cb != null && !(cb instanceof String s && httpUrl(s))) {
          throw ApiError.validation("settings", "settings.callback_url must be an http or https URL");
        }
      }
      case "widget" -> {
        Object origins = settings.getValue("allowed_origins");
        if (origins != null) {
          if (!(origins instanceof JsonArray arr) || arr.size() > 50) {
            throw ApiError.validation("settings", "settings.allowed_origins must be a list of origins like https://example.com");
          }
          for (Object o : arr) {
            if (!(o instanceof String s) || !(httpUrl(s) || s.equals("*"))) {
              throw ApiError.validation("settings", "settings.allowed_origins: " + o + " is not an origin like https://example.com");
            }
          }
        }
      }
      case "email" -> EmailSettings.validate(settings, secrets);
      case "whatsapp" -> {
        Object waba = settings.getValue("waba_id");
        if (waba != null && !(waba instanceof String w && PROVIDER_ID.matcher(w).matches())) {
          throw ApiError.validation("settings", "settings.waba_id must be the WhatsApp Business Account's numeric id");
        }
      }
      default -> { }
    }
  }

  private static boolean httpUrl(String s) {
    try {
      URI u = URI.create(s);
      return (u.getScheme() != null && (u.getScheme().equals("http") || u.getScheme().equals("https"))) && u.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** What an audit row keeps of a request: never secrets. */
  private static JsonObject auditable(JsonObject in) {
    JsonObject copy = in.copy();
    Object settings = copy.getValue("settings");
    if (settings instanceof JsonObject s) copy.put("settings", Endpoints.split(s)[0]);
    return copy;
  }
}
