package io.switchboard.auth;

import io.switchboard.http.ApiError;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;

/** The authenticated user behind a request or a socket, with the permissions of their role. */
public record Actor(long userId, long workspaceId, String email, String name, String role,
                    Set<Permission> permissions, String csrfToken, boolean viaToken) {

  static final String KEY = "actor";

  public static Actor of(RoutingContext ctx) {
    Actor a = ctx.get(KEY);
    if (a == null) throw ApiError.unauthorized("sign in first");
    return a;
  }

  public boolean can(Permission p) {
    return permissions.contains(p);
  }

  /** 403 unless the role allows it. */
  public void require(Permission p) {
    if (!can(p)) throw ApiError.forbidden("your role does not allow this (needs " + p.key + ")");
  }
}
