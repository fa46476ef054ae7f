package io.switchboard.db;

import io.switchboard.config.Config;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Where the data lives: an external PostgreSQL named by {@code db.url}, or, when that is empty, an embedded
 * PostgreSQL (real server binaries) keeping its files under {@code data.dir/pg}. Start-up work here is
 * blocking (process start, JDBC for Flyway) and runs on the main thread before any verticle is deployed.
 */
public final class Database implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Database.class);
  private static final String EMBEDDED_DB = "switchboard";
  /** In data.dir, beside (not in) the PostgreSQL data directory, which initdb wants empty. */
  private static final String PASSWORD_FILE = "pg.password";

  private final PgConnectOptions connectOptions;
  private final EmbeddedPostgres embedded;
  /** The embedded server's process, when the platform lets it be known (Linux), and the watchdog that stops it if this JVM dies. */
  private final ProcessHandle postmaster;
  private final Process watchdog;

  private Database(PgConnectOptions connectOptions, EmbeddedPostgres embedded, ProcessHandle postmaster, Process watchdog) {
    this.connectOptions = connectOptions;
    this.embedded = embedded;
    this.postmaster = postmaster;
    this.watchdog = watchdog;
  }

  /**
   * Starts (or connects to) the database and brings its schema up to date. With {@code exitHook} an embedded
   * PostgreSQL stops by itself when the JVM exits; without, the caller stops it (after the verticles that use it).
   */
  public static Database open(Config config, boolean exitHook) {
    String url = config.db().url();
    Database db = url.isBlank() ? startEmbedded(config, exitHook) : external(url);
    try {
      db.migrate();
    } catch (RuntimeException e) {
      db.close(); // an embedded server is not left running by a start that failed
      throw e;
    }
    return db;
  }

  private static Database external(String url) {
    PgConnectOptions options = PgConnectOptions.fromUri(url.startsWith("jdbc:") ? url.substring(5) : url);
    log.info("using PostgreSQL at {}:{}/{}", options.getHost(), options.getPort(), options.getDatabase());
    return new Database(tune(options), null, null, null);
  }

  private static Database startEmbedded(Config config, boolean exitHook) {
    Path data = Path.of(config.data().dir()).toAbsolutePath();
    Path dir = data.resolve("pg");
    Path passwordFile = data.resolve(PASSWORD_FILE);
    EmbeddedPostgres pg = null;
    boolean starting = false;
    try {
      Files.createDirectories(dir);
      boolean initialised = Files.exists(dir.resolve("postgresql.conf"));
      if (initialised && !Files.exists(passwordFile) && PasswordAuth.required(dir)) {
        throw new IllegalStateException(passwordFile + " is missing; restore it from the backup of " + data
            + " (the embedded PostgreSQL asks for the password kept there)");
      }
      String password = PrivateFile.readOrCreate(passwordFile, () -> PrivateFile.randomToken(24));
      Postmaster.stopLeftBehind(dir);
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
          .setDataDirectory(dir)
          .setCleanDataDirectory(false)
          .setPGStartupWait(Duration.ofSeconds(60))
          .setRegisterShutdownHook(exitHook)
          // a new data directory asks for the password from its very first start: the library hands these to
          // initdb as --name=value after its own "-A trust", and initdb's later options win
          .setLocaleConfig("pwfile", passwordFile.toString())
          .setLocaleConfig("auth-local", "scram-sha-256")
          .setLocaleConfig("auth-host", "scram-sha-256")
          // the library's own readiness check connects as postgres too
          .setConnectConfig("password", password)
          // the library's test-friendly defaults turn durability off; a hub acknowledges only what is on disk
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          .setServerConfig("full_page_writes", "on")
          .setServerConfig("max_connections", "200")
          .setServerConfig("listen_addresses", "127.0.0.1");
      int port = config.db().embeddedPort();
      if (port > 0) builder.setPort(port);
      starting = true;
      pg = builder.start();
      if (!PasswordAuth.required(dir)) PasswordAuth.require(pg.getPostgresDatabase(), dir, password, passwordFile);
      createDatabaseIfMissing(pg);
      log.info("embedded PostgreSQL on 127.0.0.1:{}, data in {}", pg.getPort(), dir);
      PgConnectOptions options = new PgConnectOptions()
          .setHost("127.0.0.1").setPort(pg.getPort()).setDatabase(EMBEDDED_DB)
          .setUser("postgres").setPassword(password);
      ProcessHandle postmaster = Postmaster.running(dir).orElse(null);
      return new Database(tune(options), pg, postmaster, Postmaster.watchdog(postmaster, dir));
    } catch (IOException | SQLException | RuntimeException e) {
      // a server this start left running (it answered too late, or a later step failed) must not outlive it
      if (starting) stopQuietly(pg, dir);
      throw new IllegalStateException("cannot start the embedded PostgreSQL in " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void stopQuietly(EmbeddedPostgres pg, Path dir) {
    try {
      if (pg != null) pg.close();
      Postmaster.stopStartedHere(dir);
    } catch (IOException | RuntimeException e) {
      log.warn("stopping the embedded PostgreSQL after a failed start: {}", e.toString());
    }
  }

  private static void createDatabaseIfMissing(EmbeddedPostgres pg) throws SQLException {
    try (Connection c = pg.getPostgresDatabase().getConnection(); var st = c.createStatement()) {
      var rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + EMBEDDED_DB + "'");
      if (!rs.next()) st.execute("CREATE DATABASE " + EMBEDDED_DB);
    }
  }

  private static PgConnectOptions tune(PgConnectOptions options) {
    options.setCachePreparedStatements(true).setPreparedStatementCacheMaxSize(512);
    options.setReconnectAttempts(0);
    return options;
  }

  private void migrate() {
    Flyway flyway = Flyway.configure()
        .dataSource(jdbcUrl(), connectOptions.getUser(), connectOptions.getPassword())
        .locations("classpath:db/migration")
        .load();
    var result = flyway.migrate();
    // the result names a version only when something was applied; otherwise ask for the current one
    String version = result.targetSchemaVersion != null ? result.targetSchemaVersion
        : flyway.info().current() == null ? "none" : flyway.info().current().getVersion().getVersion();
    log.info("schema at version {} ({} migrations applied now)", version, result.migrationsExecuted);
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + connectOptions.getHost() + ":" + connectOptions.getPort() + "/" + connectOptions.getDatabase();
  }

  /** A JDBC connection for start-up tools and tests (blocking: never on an event loop). */
  public Connection jdbc() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), connectOptions.getUser(), connectOptions.getPassword());
  }

  public PgConnectOptions connectOptions() {
    return new PgConnectOptions(connectOptions);
  }

  public Pool pool(Vertx vertx, int size) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(size).setMaxWaitQueueSize(10_000)
            .setConnectionTimeout(5).setIdleTimeout(300))
        .connectingTo(connectOptions())
        .using(vertx)
        .build();
  }

  public boolean embedded() {
    return embedded != null;
  }

  /** Stops an embedded PostgreSQL: waits for its shutdown to finish (the library gives it 5 s), then dismisses the watchdog. */
  @Override
  public void close() {
    if (embedded == null) return;
    try {
      embedded.close();
      if (postmaster != null && postmaster.isAlive()) Postmaster.stop(postmaster);
    } catch (IOException | RuntimeException e) {
      log.warn("embedded PostgreSQL did not stop cleanly: {}", e.toString());
    }
    Postmaster.dismiss(watchdog);
  }
}
