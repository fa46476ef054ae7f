package io.switchboard.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded PostgreSQL per test JVM. The schema is migrated once into a template; every hub a test starts gets
 * a fresh database copied from it, so tests never see each other's rows.
 */
public final class TestDatabase {

  private static EmbeddedPostgres pg;
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private TestDatabase() {
  }

  private static synchronized EmbeddedPostgres server() {
    if (pg == null) {
      try {
        Path dir = Files.createTempDirectory("sb-test-pg");
        pg = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(true)
            .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
            .setServerConfig("max_connections", "300").start();
        try (Connection c = pg.getPostgresDatabase().getConnection(); var st = c.createStatement()) {
          st.execute("CREATE DATABASE sb_template");
        }
        Flyway.configure().dataSource(url("sb_template"), "postgres", "postgres")
            .locations("classpath:db/migration").load().migrate();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            pg.close();
          } catch (IOException ignored) {
            // the JVM is going away
          }
        }));
      } catch (Exception e) {
        throw new IllegalStateException("cannot start the test PostgreSQL", e);
      }
    }
    return pg;
  }

  private static String url(String db) {
    return "jdbc:postgresql://127.0.0.1:" + server().getPort() + "/" + db;
  }

  /** A new, migrated, empty database; returns its {@code db.url}. */
  public static String fresh() {
    String name = "t_" + COUNTER.incrementAndGet() + "_" + ProcessHandle.current().pid();
    try (Connection c = DriverManager.getConnection(url("postgres"), "postgres", "postgres"); var st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name + " TEMPLATE sb_template");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return "postgresql://postgres:postgres@127.0.0.1:" + server().getPort() + "/" + name;
  }

  /** A JDBC connection to a database given by its {@code db.url}, for checks a user could not make. */
  public static Connection connect(String dbUrl) throws Exception {
    String rest = dbUrl.substring(dbUrl.indexOf('@') + 1);
    return DriverManager.getConnection("jdbc:postgresql://" + rest, "postgres", "postgres");
  }
}
