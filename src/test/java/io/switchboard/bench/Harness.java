package io.switchboard.bench;

import io.switchboard.testing.ApiClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What every scenario shares: the hub under test (its own process, on its embedded PostgreSQL), the driver's
 * Vert.x with real HTTP and WebSocket clients, and set-up through the REST API as an admin would do it.
 */
final class Harness implements AutoCloseable {

  static final String PASSWORD = "bench-hub-secret-1";

  final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
  final HttpClientAgent http;
  final WebSocketClient ws;
  final Proc hub;
  final int port;
  final int pgPort;
  /** The hub's embedded PostgreSQL asks for the password the hub keeps in its data folder (older builds: none). */
  final String pgPassword;
  /** The embedded PostgreSQL's postmaster, for its CPU share; -1 for an external database (not measured). */
  final long pgPid;
  final ApiClient admin;
  final Path dir;

  Harness(Path jar, boolean jfr, Path out) throws Exception {
    dir = Files.createTempDirectory("sb-bench");
    port = freePort();
    List<String> cmd = new ArrayList<>(List.of(Proc.java(), "-Xmx1g", "-XX:+UseG1GC"));
    if (jfr) {
      // a profile of the hub for the whole run, to find where its time goes (jfr print --events jdk.ExecutionSample)
      cmd.add("-XX:StartFlightRecording=filename=" + out.resolve("hub.jfr").toAbsolutePath() + ",settings=profile");
    }
    cmd.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
    Map<String, String> env = new java.util.HashMap<>(Map.of(
        "SWITCHBOARD_HTTP_PORT", String.valueOf(port),
        "SWITCHBOARD_HTTP_HOST", "127.0.0.1",
        "SWITCHBOARD_SMTP_PORT", "0",
        "SWITCHBOARD_SMTP_HOST", "127.0.0.1",
        "SWITCHBOARD_ADMIN_PASSWORD", PASSWORD,
        "SWITCHBOARD_HTTP_PUBLIC_URL", "http://127.0.0.1:" + port,
        "SWITCHBOARD_LIVE_SOCKETS_PER_USER", "250",
        "SWITCHBOARD_LIVE_FRAMES_PER_SECOND", "100",
        "SWITCHBOARD_AUTH_LOGIN_ATTEMPTS_PER_MINUTE", "1000"));
    // any SWITCHBOARD_* variable of the harness's own environment reaches the hub (to try settings)
    System.getenv().forEach((k, v) -> {
      if (k.startsWith("SWITCHBOARD_")) env.put(k, v);
    });
    hub = Proc.start("hub", cmd, dir, env);
    String external = env.get("SWITCHBOARD_DB_URL");
    if (external != null && !external.isBlank()) {
      pgPort = Integer.parseInt(external.replaceAll(".*:(\\d+)/.*", "$1"));
      pgPassword = "postgres";
      pgPid = -1;
    } else {
      String pgLine = hub.await(l -> l.contains("embedded PostgreSQL on 127.0.0.1:"), 90);
      pgPort = Integer.parseInt(pgLine.replaceAll(".*127\\.0\\.0\\.1:(\\d+).*", "$1"));
      Path kept = dir.resolve("data").resolve("pg.password");
      pgPassword = Files.exists(kept) ? Files.readString(kept).trim() : "postgres";
      pgPid = postmaster(pgLine);
    }
    hub.await(l -> l.contains("switchboard listening"), 90);
    http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(256).setMaxWaitQueueSize(100_000));
    ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000).setConnectTimeout(30_000));
    admin = ApiClient.login(base(), "admin@localhost", PASSWORD);
  }

  /** The postmaster's pid from {@code postmaster.pid} in the data directory the hub logged; -1 if not found. */
  private long postmaster(String logLine) {
    int at = logLine.indexOf("data in ");
    if (at < 0) return -1;
    Path data = dir.resolve(logLine.substring(at + 8).trim());
    try {
      return Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
    } catch (Exception e) {
      System.out.println("  (PostgreSQL's pid not found in " + data + ": its CPU share is not measured)");
      return -1;
    }
  }

  String base() {
    return "http://127.0.0.1:" + port;
  }

  String hostPort() {
    return "127.0.0.1:" + port;
  }

  Connection pg() throws Exception {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/switchboard", "postgres", pgPassword);
  }

  long scalar(String sql) throws Exception {
    try (Connection c = pg(); ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** A CPU window over the hub, its PostgreSQL and this process; add the load generator as a party or a total. */
  Cpu.Window cpu() {
    long self = ProcessHandle.current().pid();
    return new Cpu.Window().party("hub", () -> Cpu.ticks(hub.pid(), false))
        .party("postgresql", () -> pgPid < 0 ? -1 : Cpu.treeTicks(pgPid))
        .party("harness", () -> Cpu.ticks(self, false));
  }

  /**
   * Waits until the hub has caught up with what the previous scenario left behind, so a scenario measures its own load
   * and not the tail of the one before: events not yet numbered or published, the automation worker behind the last
   * event, messages still in an ingest queue. Each part is asked for only if this build has it (the write path is
   * being rebuilt: a build that numbers events in the writing transaction has no unnumbered ones).
   */
  void settle() throws Exception {
    long t0 = System.nanoTime();
    long first = backlog();
    while (backlog() > 0 && System.nanoTime() - t0 < 120_000_000_000L) Thread.sleep(200);
    Thread.sleep(1000);
    if (first > 0) System.out.printf("  (settled: %d of backlog drained in %.1f s)%n", first, (System.nanoTime() - t0) / 1e9);
  }

  private long backlog() {
    long total = 0;
    total += quietly("SELECT count(*) FROM event WHERE seq IS NULL");
    total += quietly("SELECT (SELECT max(seq) FROM event) - (SELECT last_seq FROM automation_cursor WHERE id = 1)");
    Double queue = Metrics.scrape(base()).get(Metrics.QUEUE);
    if (queue != null) total += Math.round(queue);
    return total;
  }

  /** A count this build may not have (a table or column gone): 0 then. */
  private long quietly(String sql) {
    try {
      return Math.max(0, scalar(sql));
    } catch (Exception e) {
      return 0;
    }
  }

  /** An answer to a webhook: its status (599 for no answer) and Retry-After in seconds (0 if none). */
  record Answer(int status, long retryAfterSeconds) {
  }

  /** Sends one webhook. */
  Future<Answer> send(Webhooks.Req req) {
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setURI(req.path()).setTimeout(60_000);
    req.headers().forEach(o::putHeader);
    return http.request(o)
        .compose(r -> r.send(Buffer.buffer(req.body())))
        .compose(res -> res.body().map(b -> new Answer(res.statusCode(), retryAfter(res.getHeader("Retry-After")))))
        .recover(t -> Future.succeededFuture(new Answer(599, 0)));
  }

  static long retryAfter(String header) {
    if (header == null) return 0;
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return 1; // an HTTP date: "later"
    }
  }

  /** Creates an inbox with {@code endpoints} API endpoints; returns the endpoints ({key, secret, id}). */
  List<JsonObject> inboxWithApiEndpoints(String name, int endpoints) {
    long inbox = admin.post("/api/v1/inboxes", new JsonObject().put("name", name)).expect(201).json().getLong("id");
    List<JsonObject> out = new ArrayList<>();
    for (int i = 0; i < endpoints; i++) {
      out.add(admin.post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "api")).expect(201).json()
          .put("inbox", inbox));
    }
    return out;
  }

  /** Creates an inbox with {@code numbers} phone numbers of one provider account; returns their E.164 numbers. */
  List<String> inboxWithNumbers(String name, int numbers, String authToken, int base) {
    long inbox = admin.post("/api/v1/inboxes", new JsonObject().put("name", name)).expect(201).json().getLong("id");
    List<String> out = new ArrayList<>();
    for (int i = 0; i < numbers; i++) {
      String number = "+1415555" + (base + i);
      admin.post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "phone").put("address", number)
          .put("settings", new JsonObject().put("account_sid", "ACbench").put("auth_token", authToken))).expect(201);
      out.add(number);
    }
    return out;
  }

  /** Opens a live socket with a personal token. */
  Future<WebSocket> live(String token) {
    return ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/live?access_token=" + token));
  }

  /** Creates a member user of the inbox and returns a personal token of theirs. */
  String memberToken(long inbox, String email) {
    String password = "bench-" + Integer.toHexString(email.hashCode()) + "-Zq7";
    long id = admin.post("/api/v1/users", new JsonObject().put("email", email).put("name", email).put("role", "agent")
        .put("password", password)).expect(201).json().getLong("id");
    admin.put("/api/v1/inboxes/" + inbox + "/members/" + id).expect(201);
    ApiClient user = ApiClient.login(base(), email, password);
    return user.post("/api/v1/tokens", new JsonObject().put("name", "bench")).expect(201).json().getString("token");
  }

  String adminToken() {
    return admin.post("/api/v1/tokens", new JsonObject().put("name", "bench")).expect(201).json().getString("token");
  }

  /** Heap in use after a full GC of the hub, read from its /metrics. */
  long hubHeapAfterGc() throws Exception {
    Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        String.valueOf(hub.pid()), "GC.run").redirectErrorStream(true).start();
    jcmd.getInputStream().readAllBytes();
    jcmd.waitFor(60, TimeUnit.SECONDS);
    Thread.sleep(500);
    return heapNow();
  }

  /** Heap in use (all heap pools), from the hub's /metrics. */
  private long heapNow() {
    String metrics = Metrics.text(base());
    long sum = 0;
    if (metrics == null) return -1;
    for (String line : metrics.split("\n")) {
      if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
        sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  static <T> T await(Future<T> f, long seconds) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    hub.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    // the hub's database and wrk's files: hundreds of megabytes per run, of no use once the report is written
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
