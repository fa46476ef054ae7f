package io.switchboard.rest;

import io.switchboard.auth.Users;
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
      return Users.active(node.db().pool(), a.workspaceId()).map(users -> {
        JsonArray items = new JsonArray();
        users.forEach(u -> items.add(u.put("status", presence.status(u.getLong("user_id")))));
        return new JsonObject().put("items", items).put("next_cursor", null);
      });
    }));
  }
}
