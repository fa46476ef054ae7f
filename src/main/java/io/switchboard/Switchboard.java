package io.switchboard;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.auth.Roles;
import io.switchboard.attachment.AttachmentStore;
import io.switchboard.auth.web.Authenticator;
import io.switchboard.auth.LoginLimiter;
import io.switchboard.auth.Passwords;
import io.switchboard.automation.Env;
import io.switchboard.channel.Channel;
import io.switchboard.channel.Channels;
import io.switchboard.conversation.Timeline;
import io.switchboard.http.ClientAddress;
import io.switchboard.inbox.EndpointCache;
import io.switchboard.ingest.Ingest;
import io.switchboard.live.Presence;
import io.switchboard.node.Node;
import io.switchboard.node.NodeClock;
import io.switchboard.node.NodeState;
import io.switchboard.outbound.Senders;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import io.switchboard.automation.Automation;
import io.switchboard.cluster.Cluster;
import io.switchboard.channel.api.ApiChannel;
import io.switchboard.channel.email.EmailChannel;
import io.switchboard.channel.meta.MetaChannel;
import io.switchboard.channel.telephony.Telephony;
import io.switchboard.channel.widget.WidgetChannel;
import io.switchboard.config.Config;
import io.switchboard.db.Database;
import io.switchboard.db.Db;
import io.switchboard.db.PrivateFile;
import io.switchboard.event.Publisher;
import io.switchboard.inbox.Endpoints;
import io.switchboard.inbox.SecretBox;
import io.switchboard.sandbox.Sandbox;
import io.switchboard.live.LiveGateway;
import io.switchboard.ops.Janitor;
import io.switchboard.delivery.Dispatcher;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A running hub: configuration → database → migrations → verticles. {@link Main} runs one for the process; tests
 * run them in-process on their own database and ports.
 */
public final class Switchboard {

  private static final Logger log = LoggerFactory.getLogger(Switchboard.class);
  /** In data.dir: the generated sealing key of a hub on the embedded database without secrets.key. */
  private static final String SECRETS_KEY_FILE = "secrets.key";

  private final Database database;
  private final Vertx vertx;
  private final Node node;
  private final Presence presence;
  private final Ingest ingest;
  /** Deployments that need the database while they stop (they hand over work), undeployed before the rest. */
  private final List<String> beforeClose = new CopyOnWriteArrayList<>();

  private Switchboard(Database database, Node node, Presence presence, Ingest ingest) {
    this.database = database;
    this.vertx = node.vertx();
    this.node = node;
    this.presence = presence;
    this.ingest = ingest;
  }

  /** Starts a hub; blocks the calling thread (never an event loop) until it listens. */
  public static Switchboard start(Config config) throws Exception {
    return start(config, true);
  }

  /**
   * As {@link #start(Config)}; {@code exitHook = false} when the caller's own exit hook calls {@link #stop()}, so
   * an embedded PostgreSQL is not stopped under the verticles still using it while the process exits.
   */
  public static Switchboard start(Config config, boolean exitHook) throws Exception {
    Database database = Database.open(config, exitHook);
    try {
      return start(config, database);
    } catch (Exception e) {
      database.close();
      throw e;
    }
  }

  /** The wiring: every part built once here, each given by name what it uses. */
  private static Switchboard start(Config config, Database database) throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.jvm.JvmGcMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(registry);
    VertxOptions options = new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true));
    var builder = Vertx.builder().withMetrics(new MicrometerMetricsFactory(registry));
    Vertx vertx = config.cluster().enabled() ? await(Cluster.start(config, options, builder)) : builder.with(options).build();
    Db db = new Db(database.pool(vertx, config.db().poolSize()));
    WebClient http = WebClient.create(vertx, new WebClientOptions()
        .setUserAgent("Switchboard").setConnectTimeout(5000).setIdleTimeout(30).setFollowRedirects(true));
    Node node = new Node(vertx, config, db, registry, http, nodeId(), new NodeClock(), new NodeState());

    Roles roles = await(Roles.load(db));
    int hashThreads = config.auth().passwordThreads();
    // by default half the cores: sign-ins may be slow under a burst, message traffic keeps the other half
    Passwords passwords = new Passwords(vertx, hashThreads > 0 ? hashThreads : Math.max(1, Runtime.getRuntime().availableProcessors() / 2),
        config.auth().passwordQueue());
    ClientAddress clients = new ClientAddress(config.http().trustedProxies());
    Authenticator auth = new Authenticator(db, roles, config.http().secureCookies(), Duration.ofHours(config.auth().sessionTtlHours()), clients);
    LoginLimiter loginLimiter = new LoginLimiter(db, config.auth().loginAttemptsPerMinute());
    AttachmentStore attachments = new AttachmentStore(vertx, Path.of(config.data().dir(), "attachments"),
        config.attachments().maxBytes());
    Senders senders = new Senders();
    Timeline timeline = new Timeline(senders, vertx);
    EndpointCache endpoints = new EndpointCache(db);
    Ingest ingest = new Ingest(vertx, db, attachments, registry, config.ingest().batch(), config.ingest().writers(),
        config.ingest().queueLimit(), config.ingest().queueTimeoutMs(), config.ingest().timeoutMs());
    Presence presence = new Presence();
    presence.start(vertx, node.nodeId(), config.cluster().presenceRefreshSeconds());
    registry.gauge("switchboard.live.sockets", LiveGateway.class, c -> LiveGateway.openSockets());
    Env automation = new Env(node, timeline, userId -> "online".equals(presence.status(userId)));
    Sandbox sandbox = new Sandbox(node);
    EmailChannel email = new EmailChannel(node, ingest, attachments);
    Channels channels = new Channels(List.of(
        email,
        new Telephony(node, endpoints, ingest, attachments),
        new MetaChannel(node, endpoints, ingest, attachments, sandbox.simulatorSecret()),
        new WidgetChannel(node, ingest, attachments),
        new ApiChannel(node, endpoints, ingest)));
    Routing routing = new Routing(node, auth, clients, passwords, roles, loginLimiter, attachments, endpoints, presence,
        timeline, automation, channels, sandbox, email.inviteMailer());

    Switchboard s = new Switchboard(database, node, presence, ingest);
    try {
      String sealingKey = configureSealing(config, database);
      int sealed = await(Endpoints.sealStored(db));
      if (sealed > 0) log.info("sealed the stored secrets of {} endpoints with {}", sealed, sealingKey);
      await(Bootstrap.run(db, passwords, config));
      // every channel's sender before the dispatcher and timed automation, which may send as soon as they start
      for (Channel c : channels.all()) c.senders().forEach(senders::register);
      await(vertx.deployVerticle(new Publisher(db, database.connectOptions(), registry)));
      for (Channel c : channels.all()) s.beforeClose.addAll(await(c.start()));
      await(sandbox.start());
      await(vertx.deployVerticle(new Dispatcher(node, senders, attachments)));
      await(vertx.deployVerticle(new Janitor(node)));
      await(Automation.deploy(automation));
      int instances = config.http().instances() > 0 ? config.http().instances()
          : Math.max(1, Runtime.getRuntime().availableProcessors());
      // instances share a port only when they ask for the same one, so "any free port" is chosen here
      int port = freePort(config.http().host(), config.http().port());
      await(vertx.deployVerticle(() -> new HttpVerticle(node, port, routing), new DeploymentOptions().setInstances(instances)));
    } catch (Exception e) {
      s.stop();
      throw e;
    }
    log.info("switchboard listening http={} smtp={}", node.state().httpPort(), node.state().smtpPort());
    return s;
  }

  /**
   * Sets the key endpoint secrets are sealed with, and names it: {@code secrets.key}; else, with the embedded
   * database, a key generated into {@code data.dir/secrets.key} at the first start, so that the database files
   * alone give no provider token away. With an external database and no {@code secrets.key} secrets stay in the
   * clear, and every start says so.
   */
  private static String configureSealing(Config config, Database database) throws IOException {
    String key = config.secrets().key();
    String previous = config.secrets().previousKey();
    if (!database.embedded()) {
      if (key.isBlank()) {
        log.warn("secrets.key is not set: endpoint secrets (provider tokens, mail passwords) are stored in the clear in"
            + " the database; set secrets.key (openssl rand -base64 32) to seal them");
      }
      SecretBox.configure(key, previous);
      return "secrets.key";
    }
    Path file = Path.of(config.data().dir(), SECRETS_KEY_FILE).toAbsolutePath();
    if (key.isBlank()) {
      SecretBox.configure(PrivateFile.readOrCreate(file, SecretBox::newKey), file.toString(), previous);
      return file.toString();
    }
    // an operator's key replacing the generated one: what the generated one sealed is opened with it and sealed anew
    if (previous.isBlank() && Files.exists(file)) previous = PrivateFile.read(file);
    SecretBox.configure(key, previous);
    return "secrets.key";
  }

  /** What this node's parts share; tests read its ports and set its clock. */
  public Node node() {
    return node;
  }

  /** The ingest queue; tests hold it back to watch a batch form. */
  public Ingest ingest() {
    return ingest;
  }

  public int httpPort() {
    return node.state().httpPort();
  }

  public Database database() {
    return database;
  }

  /** Drains sockets, stops verticles, closes the pool and stops an embedded database. */
  public void stop() {
    node.state().draining();
    presence.leave();
    for (String id : beforeClose) {
      try {
        vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("stopping {} took too long or failed: {}", id, e.toString());
      }
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("stopping took too long or failed: {}", e.toString());
    }
    database.close();
  }

  static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof Exception ex) throw ex;
      throw e;
    }
  }

  /** The configured port, or when it is 0 a port free right now. */
  static int freePort(String host, int configured) throws java.io.IOException {
    if (configured != 0) return configured;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getByName(host))) {
      return socket.getLocalPort();
    }
  }

  private static String nodeId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "node";
    }
    return host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
