package io.switchboard;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.attachment.AttachmentStore;
import io.switchboard.auth.Authenticator;
import io.switchboard.auth.LoginLimiter;
import io.switchboard.auth.Passwords;
import io.switchboard.auth.Roles;
import io.switchboard.config.Config;
import io.switchboard.db.Db;
import io.switchboard.inbox.EndpointCache;
import io.switchboard.ingest.Ingest;
import io.switchboard.live.Presence;
import io.switchboard.outbound.Senders;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;

/**
 * The hub's shared parts, built once by {@link Main} and handed to every verticle and feature. Holds no logic.
 */
public final class Hub {

  public final Vertx vertx;
  public final Config config;
  public final Db db;
  public final Roles roles;
  public final Passwords passwords;
  public final Authenticator auth;
  public final LoginLimiter loginLimiter;
  public final PrometheusMeterRegistry metrics;
  public final AttachmentStore attachments;
  public final Ingest ingest;
  public final Senders senders;
  /** The one way conversations change; see {@link io.switchboard.conversation.Timeline}. */
  public final io.switchboard.conversation.Timeline timeline;
  public final WebClient http;
  public final Presence presence = new Presence();
  public final EndpointCache endpoints;
  /** The HTTP port actually bound (differs from http.port when that is 0). */
  public volatile int httpPort;
  /** The SMTP port actually bound (differs from smtp.port when that is 0). */
  public volatile int smtpPort;
  /** Identifies this node in claims and logs. */
  public final String nodeId;
  /**
   * The time features that depend on the time of day read (business hours). Tests replace it to simulate a call
   * at 10:00 or at 03:00; nothing else should.
   */
  public volatile java.time.Clock clock = java.time.Clock.systemUTC();
  /** Cleared at shutdown so /ready fails before anything stops. */
  public volatile boolean ready = true;

  public Hub(Vertx vertx, Config config, Db db, Roles roles, PrometheusMeterRegistry metrics, String nodeId) {
    this.vertx = vertx;
    this.config = config;
    this.db = db;
    this.roles = roles;
    this.metrics = metrics;
    this.nodeId = nodeId;
    int hashThreads = config.integer("auth.password_threads");
    // by default half the cores: sign-ins may be slow under a burst, message traffic keeps the other half
    this.passwords = new Passwords(vertx, hashThreads > 0 ? hashThreads : Math.max(1, Runtime.getRuntime().availableProcessors() / 2),
        config.integer("auth.password_queue"));
    String secure = config.string("http.cookie_secure");
    boolean secureCookie = secure.equals("auto") ? config.string("http.public_url").startsWith("https:") : Boolean.parseBoolean(secure);
    this.auth = new Authenticator(db, roles, secureCookie, java.time.Duration.ofHours(config.integer("auth.session_ttl_hours")),
        new io.switchboard.http.ClientAddress(config.strings("http.trusted_proxies")));
    this.loginLimiter = new LoginLimiter(db, config.integer("auth.login_attempts_per_minute"));
    this.attachments = new AttachmentStore(vertx, java.nio.file.Path.of(config.string("data.dir"), "attachments"),
        config.longValue("attachments.max_bytes"));
    this.http = WebClient.create(vertx, new io.vertx.ext.web.client.WebClientOptions()
        .setUserAgent("Switchboard").setConnectTimeout(5000).setIdleTimeout(30).setFollowRedirects(true));
    this.senders = new Senders();
    this.timeline = new io.switchboard.conversation.Timeline(senders, vertx);
    this.endpoints = new EndpointCache(db);
    this.ingest = new Ingest(vertx, db, attachments, metrics, config.integer("ingest.batch"), config.integer("ingest.writers"),
        config.integer("ingest.queue_limit"), config.longValue("ingest.queue_timeout_ms"), config.longValue("ingest.timeout_ms"));
  }
}
