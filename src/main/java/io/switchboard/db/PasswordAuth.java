package io.switchboard.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

/**
 * Password authentication for the embedded PostgreSQL: every connection, local socket or loopback, must give the
 * superuser's password (SCRAM), which only the hub's user can read. Data directories made before this trusted
 * every local user; they are switched over at their first start.
 */
final class PasswordAuth {

  private static final Logger log = LoggerFactory.getLogger(PasswordAuth.class);
  private static final String METHOD = "scram-sha-256";
  private static final Set<String> ACCEPTED = Set.of(METHOD, "reject");

  private PasswordAuth() {
  }

  static String hbaRules(Path passwordFile) {
    return """
        # Written by Switchboard: every connection to its embedded PostgreSQL needs the password in
        # %s
        # TYPE  DATABASE     USER  ADDRESS        METHOD
        local   all          all                  %s
        host    all          all   127.0.0.1/32   %s
        host    all          all   ::1/128        %s
        local   replication  all                  %s
        host    replication  all   127.0.0.1/32   %s
        host    replication  all   ::1/128        %s
        """.formatted(passwordFile, METHOD, METHOD, METHOD, METHOD, METHOD, METHOD);
  }

  /** True when every rule of the data directory's pg_hba.conf asks for the password (or rejects). */
  static boolean required(Path dir) throws IOException {
    for (String line : Files.readAllLines(dir.resolve("pg_hba.conf"), StandardCharsets.UTF_8)) {
      String rule = line.replaceFirst("#.*", "").trim();
      if (rule.isEmpty()) continue;
      String[] fields = rule.split("\\s+");
      int method = fields[0].equals("local") ? 3 : 4; // local has no address field
      if (fields.length <= method || !ACCEPTED.contains(fields[method])) return false;
    }
    return true;
  }

  /**
   * Gives the superuser {@code password} and replaces trusting rules with password rules, on a server started
   * from an older data directory (its rules still let this first connection in without a password).
   */
  static void require(DataSource superuser, Path dir, String password, Path passwordFile) throws IOException, SQLException {
    try (Connection c = superuser.getConnection(); Statement st = c.createStatement()) {
      st.execute("SET password_encryption = '" + METHOD + "'");
      st.execute("ALTER ROLE postgres PASSWORD '" + password.replace("'", "''") + "'");
      Path tmp = dir.resolve("pg_hba.conf.new");
      Files.writeString(tmp, hbaRules(passwordFile), StandardCharsets.UTF_8);
      try {
        Files.move(tmp, dir.resolve("pg_hba.conf"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, dir.resolve("pg_hba.conf"), StandardCopyOption.REPLACE_EXISTING);
      }
      st.execute("SELECT pg_reload_conf()");
    }
    log.info("the embedded PostgreSQL now requires the password kept in {} (it trusted every local user before)", passwordFile);
  }
}
