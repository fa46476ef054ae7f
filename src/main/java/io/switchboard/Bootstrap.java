package io.switchboard;

import io.switchboard.auth.Passwords;
import io.switchboard.auth.Secrets;
import io.switchboard.config.Config;
import io.switchboard.db.Db;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First start on an empty database: workspace {@code default} and its admin ({@code admin.email}) with the password
 * from {@code SWITCHBOARD_ADMIN_PASSWORD}, or a generated one printed once.
 */
final class Bootstrap {

  private static final Logger log = LoggerFactory.getLogger(Bootstrap.class);

  private Bootstrap() {
  }

  static Future<Void> run(Db db, Passwords passwords, Config config) {
    String given = config.string("admin.password");
    String password = given.isBlank() ? Secrets.token(12) : given;
    String email = config.string("admin.email").trim().toLowerCase();
    return db.one("SELECT EXISTS (SELECT 1 FROM workspace)").compose(r -> {
      if (r.getBoolean(0)) return Future.succeededFuture();
      return passwords.hash(password).compose(hash -> db.tx(conn -> Db.one(conn,
              "INSERT INTO workspace (slug, name) VALUES ('default', 'Default') ON CONFLICT (slug) DO NOTHING RETURNING id")
          .compose(ws -> ws == null ? Future.succeededFuture(false) : Db.query(conn, """
              INSERT INTO app_user (workspace_id, email, name, role, password_hash) VALUES ($1, $2, 'Admin', 'admin', $3)""",
              ws.getLong(0), email, hash).map(true))))
          .map(created -> {
            if (created) {
              if (given.isBlank()) {
                log.warn("created workspace 'default' and user {} with the generated password: {} (shown once; "
                    + "set SWITCHBOARD_ADMIN_PASSWORD to choose it)", email, password);
              } else {
                log.info("created workspace 'default' and user {} with the password from SWITCHBOARD_ADMIN_PASSWORD", email);
              }
            }
            return null;
          });
    });
  }
}
