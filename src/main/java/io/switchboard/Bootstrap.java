package io.switchboard;

import io.switchboard.auth.PasswordRules;
import io.switchboard.auth.Passwords;
import io.switchboard.auth.Secrets;
import io.switchboard.config.Config;
import io.switchboard.db.Db;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First start on an empty database: workspace {@code default} and its admin ({@code admin.email}) with the password
 * from {@code SWITCHBOARD_ADMIN_PASSWORD}, or a generated one printed once. A configured password that the
 * {@link PasswordRules} refuse stops that first start with a message naming the key.
 */
final class Bootstrap {

  private static final Logger log = LoggerFactory.getLogger(Bootstrap.class);

  private Bootstrap() {
  }

  static Future<Void> run(Db db, Passwords passwords, Config config) {
    String given = config.admin().password();
    String email = config.admin().email().trim().toLowerCase();
    String password = given.isBlank() ? generated(email) : given;
    return db.one("SELECT EXISTS (SELECT 1 FROM workspace)").compose(r -> {
      if (r.getBoolean(0)) return Future.succeededFuture();
      // Only now is the configured password used, so only now is it checked: the operator chose it on purpose, and
      // an admin account that starts out with a password anyone would guess first is worse than a start that stops
      // and says why. (On a hub that has its admin, the key is ignored, and a change of the rules stops nothing.)
      String problem = PasswordRules.problem(password, email);
      if (problem != null) {
        return Future.failedFuture(new IllegalArgumentException("configuration key admin.password (SWITCHBOARD_ADMIN_PASSWORD) is refused: "
            + problem + " (it would be the password of " + email + "); choose another, or leave it empty to have one generated"));
      }
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

  /** A random password, drawn again in the unlikely case that it happens to contain the admin's name. */
  private static String generated(String email) {
    String p = Secrets.token(12);
    while (PasswordRules.problem(p, email) != null) p = Secrets.token(12);
    return p;
  }
}
