package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.node.Node;
import io.switchboard.live.Presence;
import io.switchboard.auth.Actor;
import io.switchboard.http.Rest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/** {@code GET /api/v1/presence}: the workspace's users and whether they are online, away or offline. */
public final class PresenceApi {

  private PresenceApi() {
  }

  public static void mount(Router api, Node node, Presence presence) {
    api.get("/presence").handler(Rest.handle(ctx -> {
      Actor a = Authenticator.actor(ctx);
      return node.db().list("SELECT id, name FROM app_user WHERE workspace_id = $1 AND active ORDER BY lower(name), id", a.workspaceId())
          .map(rows -> {
            JsonArray items = new JsonArray();
            rows.forEach(r -> items.add(new JsonObject().put("user_id", r.getLong("id")).put("name", r.getString("name"))
                .put("status", presence.status(r.getLong("id")))));
            return new JsonObject().put("items", items).put("next_cursor", null);
          });
    }));
  }
}
