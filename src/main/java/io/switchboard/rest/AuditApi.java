package io.switchboard.rest;

import io.switchboard.audit.Audit;
import io.switchboard.auth.web.Authenticator;
import io.switchboard.node.Node;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.http.Rest;
import io.switchboard.http.Page;
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
      return Audit.list(node.db().pool(), a.workspaceId(), after, page.limit() + 1)
          .map(entries -> page.result(entries, e -> e, e -> Page.cursor(e.getLong("id"))));
    }));
  }
}
