package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.contact.Properties;
import io.switchboard.node.Node;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.common.ApiError;
import io.switchboard.http.Input;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /properties}: the definitions of custom fields. Everyone signed in reads them (to show and fill them);
 * defining, renaming, reordering and deleting needs {@code settings.manage} and is audited. The type of a property
 * cannot change once values exist (they were checked against it); deleting a property deletes its values.
 */
public final class PropertyApi {

  private final Node node;

  private PropertyApi(Node node) {
    this.node = node;
  }

  public static void mount(Router api, Node node) {
    PropertyApi p = new PropertyApi(node);
    api.get("/properties").handler(Rest.handle(p::list));
    api.post("/properties").handler(Rest.handle(p::create));
    api.patch("/properties/:id").handler(Rest.handle(p::update));
    api.delete("/properties/:id").handler(Rest.handle(p::delete));
  }

  private Future<?> list(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    String scope = ctx.queryParams().get("scope");
    if (scope != null && !Properties.SCOPES.contains(scope)) throw ApiError.validation("scope", "scope must be contact or profile");
    return Properties.list(node.db().pool(), a.workspaceId(), scope)
        .map(items -> new JsonObject().put("items", items).put("next_cursor", null));
  }

  private Future<?> create(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.SETTINGS_MANAGE);
    Input in = Input.of(ctx);
    String scope = in.oneOf("scope", Properties.SCOPES);
    String key = key(in.text("key", 50));
    String label = in.text("label", 100).trim();
    String type = in.oneOf("type", Properties.TYPES);
    Long position = in.optLong("position", 0, 100_000);
    Properties.Draft d = new Properties.Draft(scope, key, label, type, position == null ? null : position.intValue());
    return node.db().tx(conn -> Properties.create(conn, a, d)).map(Reply::created);
  }

  private Future<?> update(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.SETTINGS_MANAGE);
    long id = Rest.pathId(ctx, "id", "property");
    Input in = Input.of(ctx);
    String key = in.has("key") ? key(in.text("key", 50)) : null;
    String label = in.has("label") ? in.text("label", 100).trim() : null;
    String type = in.optOneOf("type", Properties.TYPES);
    Long position = in.optLong("position", 0, 100_000);
    Properties.Draft d = new Properties.Draft(null, key, label, type, position == null ? null : position.intValue());
    return node.db().tx(conn -> Properties.update(conn, a, id, d));
  }

  private Future<?> delete(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.SETTINGS_MANAGE);
    long id = Rest.pathId(ctx, "id", "property");
    return node.db().tx(conn -> Properties.delete(conn, a, id));
  }

  private static String key(String raw) {
    String k = raw.trim();
    if (!Properties.KEY.matcher(k).matches()) {
      throw ApiError.validation("key", "key must be snake_case: a lower-case letter, then letters, digits or _ (at most 50)");
    }
    return k;
  }
}
