package io.switchboard.testing;

import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The packaged jar ({@code target/switchboard.jar}) run as an operator runs it: in its own folder (data under
 * {@code data/}), embedded PostgreSQL unless {@code SWITCHBOARD_DB_URL} is given, stopped with SIGTERM, or killed.
 * Also what an operator (or an intruder) sees of the embedded PostgreSQL from outside: its processes, its port.
 */
public final class JarHub {

  public static final String ADMIN_PASSWORD = "jar-hub-passphrase-7";
  /** Every hub process started, so that a failed test's hubs are ended by {@link #cleanUp}. */
  private static final List<JarHub> STARTED = new CopyOnWriteArrayList<>();

  public final Process process;
  public final List<String> log;
  public final int port;
  public final Path folder;
  public final Duration readyAfter;
  private final Thread reader;
  private ApiClient admin;

  private JarHub(Process process, List<String> log, int port, Path folder, Duration readyAfter, Thread reader) {
    this.process = process;
    this.log = log;
    this.port = port;
    this.folder = folder;
    this.readyAfter = readyAfter;
    this.reader = reader;
  }

  /** Starts the jar in {@code folder} and waits until {@code /ready} answers 200; fails if that takes over {@code limit}. */
  public static JarHub start(Path folder, Map<String, String> env, Duration limit) throws Exception {
    Path jar = Path.of("target", "switchboard.jar").toAbsolutePath();
    ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx512m", "-jar", jar.toString())
        .directory(folder.toFile()).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("SWITCHBOARD_"));
    // the hub picks a free port when it binds and prints it: a port picked here could be taken by another
    // process on the machine during the seconds the hub needs to get there
    pb.environment().put("SWITCHBOARD_HTTP_PORT", "0");
    pb.environment().put("SWITCHBOARD_HTTP_HOST", "127.0.0.1");
    pb.environment().put("SWITCHBOARD_SMTP_PORT", "0");
    pb.environment().put("SWITCHBOARD_SMTP_HOST", "127.0.0.1");
    pb.environment().put("SWITCHBOARD_ADMIN_PASSWORD", ADMIN_PASSWORD);
    pb.environment().putAll(env);
    long started = System.nanoTime();
    Process p = pb.start();
    STARTED.add(new JarHub(p, List.of(), 0, folder, Duration.ZERO, null));
    List<String> log = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          log.add(line);
          System.out.println("[hub " + p.pid() + "] " + line);
        }
      } catch (IOException ignored) {
        // the process ended
      }
    });
    reader.setDaemon(true);
    reader.start();
    int[] port = {0};
    try {
      Eventually.that("the hub is ready", limit.toMillis(), 200, () -> {
        if (!p.isAlive()) throw new AssertionError("the hub exited (" + p.exitValue() + "): " + String.join("\n", log));
        if (port[0] == 0) {
          port[0] = log.stream().filter(l -> l.contains("switchboard listening http=")).findFirst()
              .map(l -> Integer.parseInt(l.replaceAll(".*switchboard listening http=(\\d+).*", "$1"))).orElse(0);
        }
        try {
          return port[0] != 0 && new ApiClient("http://127.0.0.1:" + port[0]).get("/ready").status() == 200;
        } catch (IllegalStateException notYet) {
          return false; // not listening yet
        }
      });
    } catch (AssertionError notReady) {
      if (!p.isAlive()) throw notReady;
      p.destroyForcibly();
      throw new AssertionError("not ready within " + limit.toSeconds() + " s: " + String.join("\n", log));
    }
    return new JarHub(p, log, port[0], folder, Duration.ofNanos(System.nanoTime() - started), reader);
  }

  public String base() {
    return "http://127.0.0.1:" + port;
  }

  public synchronized ApiClient admin() {
    if (admin == null) admin = ApiClient.login(base(), "admin@localhost", ADMIN_PASSWORD);
    return admin;
  }

  /** Creates an inbox with an API-channel endpoint; returns the endpoint ({key, secret, id, inbox_id}). */
  public JsonObject apiEndpoint(String inboxName) {
    long inbox = admin().post("/api/v1/inboxes", new JsonObject().put("name", inboxName)).expect(201).json().getLong("id");
    return admin().post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "api")).expect(201).json();
  }

  /** Posts a message to the API channel as an integration does; returns the response. */
  public ApiClient.Response ingest(JsonObject endpoint, String secret, String text, String externalId) {
    return ApiClient.bearer(base(), secret).post("/hooks/api/" + endpoint.getString("key"),
        new JsonObject().put("from", "customer-1").put("name", "Ada").put("text", text).put("external_id", externalId));
  }

  /** The texts of a conversation's messages, as its agent sees them. */
  public List<String> messages(long conversation) {
    List<String> texts = new ArrayList<>();
    admin().get("/api/v1/conversations/" + conversation + "/activities?kind=message").expect(200).items()
        .forEach(a -> texts.add(((JsonObject) a).getString("text")));
    return texts;
  }

  public String logText() {
    return String.join("\n", log);
  }

  /** SIGTERM, as Ctrl-C or a service manager stops it; waits for the process to end. */
  public void stop() throws Exception {
    process.toHandle().destroy();
    if (!process.waitFor(40, TimeUnit.SECONDS)) throw new AssertionError("the hub did not stop within 40 s of SIGTERM");
    reader.join(5000);
  }

  /** kill -9 of the hub's JVM alone, as the OOM killer or a JVM crash ends it. */
  public void kill9() throws Exception {
    process.toHandle().destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) throw new AssertionError("the hub survived SIGKILL");
  }

  /** kill -9 of the hub's JVM and every process it started that is still its child, all at once. */
  public void kill9WithChildren() throws Exception {
    List<ProcessHandle> children = process.toHandle().descendants().toList();
    children.forEach(ProcessHandle::destroyForcibly);
    kill9();
  }

  // --- the embedded PostgreSQL, seen from outside ---

  public Path pgDir() {
    return folder.resolve("data").resolve("pg");
  }

  /** The PID and port the running embedded PostgreSQL wrote into postmaster.pid. */
  public static long postmasterPid(Path pgDir) throws IOException {
    return Long.parseLong(Files.readAllLines(pgDir.resolve("postmaster.pid")).get(0).trim());
  }

  public static int postmasterPort(Path pgDir) throws IOException {
    return Integer.parseInt(Files.readAllLines(pgDir.resolve("postmaster.pid")).get(3).trim());
  }

  /** Every postgres process (postmaster and backends) whose working directory is {@code pgDir}. */
  public static List<ProcessHandle> postgresIn(Path pgDir) {
    Path real;
    try {
      real = pgDir.toRealPath();
    } catch (IOException e) {
      return List.of();
    }
    List<ProcessHandle> found = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      procs.filter(p -> p.getFileName().toString().matches("\\d+")).forEach(p -> {
        try {
          String cmdline = Files.readString(p.resolve("cmdline"), StandardCharsets.UTF_8);
          if (cmdline.contains("postgres") && Files.readSymbolicLink(p.resolve("cwd")).equals(real)) {
            ProcessHandle.of(Long.parseLong(p.getFileName().toString())).ifPresent(found::add);
          }
        } catch (IOException | RuntimeException ignored) {
          // gone, or not ours to read
        }
      });
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return found;
  }

  /** Waits up to {@code limit} until no postgres process serves {@code pgDir}; true when none is left. */
  public static boolean awaitNoPostgres(Path pgDir, Duration limit) {
    try {
      Eventually.that("no postgres process serves " + pgDir, limit.toMillis(), 200, () -> postgresIn(pgDir).isEmpty());
      return true;
    } catch (AssertionError stillThere) {
      return false;
    }
  }

  /** JDBC to the embedded server's {@code switchboard} database; {@code password} null sends none. */
  public static Connection connect(Path pgDir, String user, String password) throws SQLException, IOException {
    Properties props = new Properties();
    props.setProperty("user", user);
    if (password != null) props.setProperty("password", password);
    props.setProperty("connectTimeout", "5");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postmasterPort(pgDir) + "/switchboard", props);
  }

  /** The password the hub keeps for its embedded PostgreSQL; null when it keeps none (versions before passwords). */
  public static String pgPassword(Path folder) throws IOException {
    Path file = folder.resolve("data").resolve("pg.password");
    return Files.exists(file) ? Files.readString(file).trim() : null;
  }

  /**
   * Cleans up after a test: ends the hubs it started in {@code folder} and any postgres still serving the data
   * directory there (a test that fails may leave them; on a shared machine they must not stay), then deletes the
   * folder.
   */
  public static void cleanUp(Path folder) {
    for (JarHub hub : STARTED) {
      if (!hub.folder.equals(folder)) continue;
      hub.process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      hub.process.destroyForcibly();
      STARTED.remove(hub);
    }
    Path pg = folder.resolve("data").resolve("pg");
    List<ProcessHandle> left = postgresIn(pg);
    for (ProcessHandle p : left) {
      try {
        new ProcessBuilder("sh", "-c", "kill -INT \"$1\"", "sh", Long.toString(p.pid())).start().waitFor(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // killed below
      }
    }
    if (!awaitNoPostgres(pg, Duration.ofSeconds(15))) postgresIn(pg).forEach(ProcessHandle::destroyForcibly);
    try (Stream<Path> files = Files.walk(folder)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // a temporary folder
    }
  }

  public static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) env.put(pairs[i], pairs[i + 1]);
    return env;
  }
}
