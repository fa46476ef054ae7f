package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.node.Node;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.http.Rest;
import io.switchboard.http.Page;
import io.switchboard.common.Times;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/** {@code GET /api/v1/audit}: the workspace's audit log, newest first, for admins. */
public final class AuditApi {

  private AuditApi() {
  }

  public static void mount(Router api, Node node) {
    api.get("/audit").handler(Rest.handle(ctx -> {
      Actor a = Authenticator.actor(ctx);
      a.require(Permission.SETTINGS_MANAGE);
      Page page = Page.of(ctx);
      long after = page.after() == null ? Long.MAX_VALUE : page.afterLong(0);
      return node.db().list("""
          SELECT l.id, l.actor_id, u.name AS actor_name, l.action, l.target_type, l.target_id, l.data, l.at
          FROM audit_log l LEFT JOIN app_user u ON u.id = l.actor_id
          WHERE l.workspace_id = $1 AND l.id < $2 ORDER BY l.id DESC LIMIT $3""",
          a.workspaceId(), after, page.limit() + 1).map(rows -> page.result(rows, r -> new JsonObject()
          .put("id", r.getLong("id")).put("actor_id", r.getLong("actor_id")).put("actor_name", r.getString("actor_name"))
          .put("action", r.getString("action")).put("target_type", r.getString("target_type"))
          .put("target_id", r.getLong("target_id")).put("data", r.getJsonObject("data"))
          .put("at", Times.iso(r, "at")), r -> Page.cursor(r.getLong("id"))));
    }));
  }
}
