package io.switchboard.live;

import io.switchboard.Hub;
import io.switchboard.auth.Actor;
import io.switchboard.http.Api;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/** {@code GET /api/v1/presence}: the workspace's users and whether they are online, away or offline. */
public final class PresenceApi {

  private PresenceApi() {
  }

  public static void mount(Router api, Hub hub) {
    api.get("/presence").handler(Api.handle(ctx -> {
      Actor a = Actor.of(ctx);
      return hub.db.list("SELECT id, name FROM app_user WHERE workspace_id = $1 AND active ORDER BY lower(name), id", a.workspaceId())
          .map(rows -> {
            JsonArray items = new JsonArray();
            rows.forEach(r -> items.add(new JsonObject().put("user_id", r.getLong("id")).put("name", r.getString("name"))
                .put("status", hub.presence.status(r.getLong("id")))));
            return new JsonObject().put("items", items).put("next_cursor", null);
          });
    }));
  }
}
