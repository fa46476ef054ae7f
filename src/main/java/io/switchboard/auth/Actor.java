package io.switchboard.auth;

import io.switchboard.common.ApiError;

import java.util.Set;

/** The authenticated user behind a request or a socket, with the permissions of their role. */
public record Actor(long userId, long workspaceId, String email, String name, String role,
                    Set<Permission> permissions, String csrfToken, boolean viaToken) {

  public boolean can(Permission p) {
    return permissions.contains(p);
  }

  /** 403 unless the role allows it. */
  public void require(Permission p) {
    if (!can(p)) throw ApiError.forbidden("your role does not allow this (needs " + p.key + ")");
  }
}
