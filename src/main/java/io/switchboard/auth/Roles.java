package io.switchboard.auth;

import io.switchboard.db.Db;
import io.vertx.core.Future;

import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The role → permission table, read from the database at start-up. */
public final class Roles {

  private final Map<String, Set<Permission>> byRole;

  private Roles(Map<String, Set<Permission>> byRole) {
    this.byRole = byRole;
  }

  public static Future<Roles> load(Db db) {
    return db.list("SELECT role, permission FROM role_permission").map(rows -> {
      Map<String, Set<Permission>> map = new HashMap<>();
      rows.forEach(r -> {
        Permission p = Permission.byKey(r.getString("permission"));
        if (p != null) map.computeIfAbsent(r.getString("role"), k -> EnumSet.noneOf(Permission.class)).add(p);
      });
      map.replaceAll((k, v) -> Collections.unmodifiableSet(v));
      return new Roles(map);
    });
  }

  public Set<Permission> permissions(String role) {
    return byRole.getOrDefault(role, Set.of());
  }

  public Set<String> names() {
    return byRole.keySet();
  }
}
