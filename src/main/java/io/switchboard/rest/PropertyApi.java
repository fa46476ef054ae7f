package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.contact.Properties;
import io.switchboard.node.Node;
import io.switchboard.audit.Audit;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.db.Db;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.common.ApiError;
import io.switchboard.http.Input;
import io.switchboard.common.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;

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
    return node.db().list("""
        SELECT * FROM property WHERE workspace_id = $1 AND ($2::text IS NULL OR scope = $2)
        ORDER BY scope, position, id""", a.workspaceId(), scope)
        .map(rows -> {
          JsonArray items = new JsonArray();
          rows.forEach(r -> items.add(json(r)));
          return new JsonObject().put("items", items).put("next_cursor", null);
        });
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
    return node.db().tx(conn -> Rest.orConflict(Db.one(conn, """
            INSERT INTO property (workspace_id, scope, key, label, type, position)
            VALUES ($1, $2, $3, $4, $5, COALESCE($6, (SELECT COALESCE(max(position) + 1, 0) FROM property
                                                       WHERE workspace_id = $1 AND scope = $2)))
            RETURNING *""", a.workspaceId(), scope, key, label, type, position == null ? null : position.intValue()),
            "key", "a " + scope + " property with this key exists")
        .compose(r -> Audit.record(conn, a, "property.created", "property", r.getLong("id"), json(r)).map(json(r))))
        .map(Reply::created);
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
    return node.db().tx(conn -> Db.one(conn, "SELECT * FROM property WHERE id = $1 AND workspace_id = $2 FOR UPDATE", id, a.workspaceId())
        .compose(before -> {
          if (before == null) return Future.failedFuture(ApiError.notFound("property"));
          Future<Void> typeCheck = type == null || type.equals(before.getString("type")) ? Future.succeededFuture()
              : Db.one(conn, """
                  SELECT EXISTS (SELECT 1 FROM contact_property WHERE property_id = $1)
                      OR EXISTS (SELECT 1 FROM profile_property WHERE property_id = $1)""", id)
                  .compose(r -> r.getBoolean(0)
                      ? Future.failedFuture(ApiError.conflict("type", "values of this property exist; its type cannot change"))
                      : Future.<Void>succeededFuture());
          return typeCheck.compose(v -> Rest.orConflict(Db.one(conn, """
                  UPDATE property SET key = COALESCE($2, key), label = COALESCE($3, label), type = COALESCE($4, type),
                    position = COALESCE($5, position)
                  WHERE id = $1 RETURNING *""", id, key, label, type, position == null ? null : position.intValue()),
                  "key", "a " + before.getString("scope") + " property with this key exists"))
              .compose(r -> Audit.record(conn, a, "property.updated", "property", id,
                  new JsonObject().put("before", json(before)).put("after", json(r))).map(json(r)));
        }));
  }

  private Future<?> delete(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.SETTINGS_MANAGE);
    long id = Rest.pathId(ctx, "id", "property");
    return node.db().tx(conn -> Db.one(conn, "DELETE FROM property WHERE id = $1 AND workspace_id = $2 RETURNING *", id, a.workspaceId())
        .compose(r -> r == null ? Future.failedFuture(ApiError.notFound("property"))
            : Audit.record(conn, a, "property.deleted", "property", id, json(r))));
  }

  private static String key(String raw) {
    String k = raw.trim();
    if (!Properties.KEY.matcher(k).matches()) {
      throw ApiError.validation("key", "key must be snake_case: a lower-case letter, then letters, digits or _ (at most 50)");
    }
    return k;
  }

  static JsonObject json(Row r) {
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("scope", r.getString("scope"))
        .put("key", r.getString("key"))
        .put("label", r.getString("label"))
        .put("type", r.getString("type"))
        .put("position", r.getInteger("position"))
        .put("created_at", Times.iso(r, "created_at"));
  }
}
