package io.switchboard.channel.email;

import io.switchboard.node.Node;
import io.switchboard.event.EventType;
import io.switchboard.event.Events;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.sqlclient.Row;
import jakarta.mail.MessagingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Keeps every connected mailbox (an email endpoint with an {@code imap} block) polled exactly once across nodes.
 * Each mailbox has a lease row in {@code mailbox}; this node renews the leases it holds and claims free or expired
 * ones ({@code FOR UPDATE SKIP LOCKED}) as long as it has IMAP threads to spare. Per mailbox it runs
 * {@link ImapSync} cycles on a dedicated worker pool, back to back while the server offers IDLE, every
 * {@code email.imap_poll_seconds} otherwise, backing off while the mailbox fails. Status goes to the mailbox row,
 * which {@code GET /api/v1/endpoints/{id}/mailbox} shows.
 */
final class MailboxPoller extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(MailboxPoller.class);
  private static final int LEASE_SECONDS = 60;
  private static final long TICK_MS = 15_000;
  private static final long MAX_BACKOFF_MS = 15 * 60_000;

  /** A mailbox this node polls. */
  private static final class Running {
    final Endpoint endpoint;
    final String fingerprint;
    final ImapSync sync;
    boolean stopped;
    int failures;
    String lastError;
    long timer = -1;
    long watchdog = -1;
    Future<Void> cycle = Future.succeededFuture();

    Running(Endpoint endpoint, String fingerprint, ImapSync sync) {
      this.endpoint = endpoint;
      this.fingerprint = fingerprint;
      this.sync = sync;
    }
  }

  private final Node node;
  private final MailIntake intake;
  private final OAuthTokens tokens;
  private final Map<Long, Running> running = new HashMap<>();
  private final int threads;
  private WorkerExecutor pool;
  private long tickTimer;
  private boolean ticking;
  private boolean again;
  private boolean soon;
  private long renewedAt = System.currentTimeMillis();

  MailboxPoller(Node node, MailIntake intake, OAuthTokens tokens) {
    this.node = node;
    this.intake = intake;
    this.tokens = tokens;
    this.threads = Math.max(1, node.config().email().imapThreads());
  }

  @Override
  public Future<?> start() {
    // a cycle holds its thread while it waits in IDLE, so these threads are not the shared worker pool
    pool = vertx.createSharedWorkerExecutor("switchboard-imap-" + node.nodeId(), threads, 1, TimeUnit.DAYS);
    tickTimer = vertx.setPeriodic(10, TICK_MS, id -> tick());
    // an endpoint added or changed on this node is picked up at once, not at the next tick
    return vertx.eventBus().<String>localConsumer(Events.SEQUENCED, m -> {
      String types = m.headers().get("types");
      if (types != null && types.contains(EventType.INBOX_UPDATED) && !soon) {
        soon = true;
        vertx.setTimer(200, id -> {
          soon = false;
          tick();
        });
      }
    }).completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(tickTimer);
    List<Future<Void>> cycles = new ArrayList<>();
    for (Running r : new ArrayList<>(running.values())) cycles.add(halt(r));
    running.clear();
    // hand the mailboxes over at once (another node need not wait for the leases to run out); a cycle still
    // finishing meanwhile is harmless, imports are idempotent
    return node.db().query("UPDATE mailbox SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = $1", node.nodeId())
        .onFailure(t -> log.warn("could not hand over mailbox leases (they expire in {} s): {}", LEASE_SECONDS, t.toString()))
        .recover(t -> Future.succeededFuture())
        .compose(v -> Future.join(cycles).timeout(10, TimeUnit.SECONDS).recover(t -> Future.succeededFuture()))
        .compose(v -> pool.close());
  }

  private void tick() {
    if (ticking) {
      again = true;
      return;
    }
    ticking = true;
    again = false;
    double lease = LEASE_SECONDS;
    node.db().query("""
            INSERT INTO mailbox (endpoint_id, workspace_id)
            SELECT id, workspace_id FROM endpoint WHERE channel = 'email' AND settings -> 'imap' ->> 'host' IS NOT NULL
            ON CONFLICT (endpoint_id) DO NOTHING""")
        .compose(v -> node.db().list("""
            UPDATE mailbox SET claimed_until = now() + make_interval(secs => $2) WHERE claimed_by = $1
            RETURNING endpoint_id""", node.nodeId(), lease))
        .compose(renewed -> node.db().list("""
            UPDATE mailbox SET claimed_by = $1, claimed_until = now() + make_interval(secs => $2)
            WHERE endpoint_id IN (
              SELECT m.endpoint_id FROM mailbox m JOIN endpoint e ON e.id = m.endpoint_id
              WHERE e.enabled AND e.settings -> 'imap' ->> 'host' IS NOT NULL
                AND (m.claimed_until IS NULL OR m.claimed_until < now())
              ORDER BY m.endpoint_id LIMIT $3 FOR UPDATE OF m SKIP LOCKED)
            RETURNING endpoint_id""", node.nodeId(), lease, Math.max(0, threads - renewed.size()))
            .map(claimed -> {
              Set<Long> held = new HashSet<>();
              renewed.forEach(r -> held.add(r.getLong(0)));
              claimed.forEach(r -> held.add(r.getLong(0)));
              return held;
            }))
        .compose(held -> node.db().list("SELECT * FROM endpoint WHERE id = ANY($1)", (Object) held.toArray(Long[]::new))
            .map(rows -> {
              renewedAt = System.currentTimeMillis();
              reconcile(held, rows);
              return null;
            }))
        .onComplete(ar -> {
          ticking = false;
          if (again) vertx.setTimer(100, id -> tick());
          if (ar.failed()) {
            log.debug("mailbox leases could not be renewed: {}", ar.cause().toString());
            // past our lease another node may take the mailboxes over: stop before it starts
            if (System.currentTimeMillis() - renewedAt > (LEASE_SECONDS - 15) * 1000L) stopAll();
          }
        });
  }

  private void reconcile(Set<Long> held, List<Row> endpoints) {
    for (Running r : new ArrayList<>(running.values())) {
      if (!held.contains(r.endpoint.id())) stop(r.endpoint.id());
    }
    List<Long> release = new ArrayList<>();
    for (Row row : endpoints) {
      Endpoint ep = Endpoint.of(row);
      Running r = running.get(ep.id());
      if (!ep.enabled() || EmailSettings.imap(ep) == null) {
        stop(ep.id());
        release.add(ep.id());
        continue;
      }
      String fingerprint = fingerprint(ep);
      if (r != null && r.fingerprint.equals(fingerprint)) continue;
      if (r != null) stop(ep.id());
      start(ep, fingerprint);
    }
    if (!release.isEmpty()) {
      node.db().query("UPDATE mailbox SET claimed_by = NULL, claimed_until = NULL, status = 'stopped' WHERE endpoint_id = ANY($1)",
          (Object) release.toArray(Long[]::new));
    }
  }

  private void start(Endpoint ep, String fingerprint) {
    Running[] self = new Running[1];
    ImapSync sync = new ImapSync(node, intake, tokens, ep, idle -> context.runOnContext(v -> synced(self[0], idle)));
    Running r = new Running(ep, fingerprint, sync);
    self[0] = r;
    running.put(ep.id(), r);
    log.info("polling the mailbox of {} over IMAP", ep.address());
    cycle(r);
  }

  private void cycle(Running r) {
    if (r.stopped) return;
    Promise<Void> done = Promise.promise();
    r.cycle = done.future();
    pool.executeBlocking(r.sync::cycle, false).onComplete(ar -> {
      if (r.watchdog >= 0) vertx.cancelTimer(r.watchdog);
      r.watchdog = -1;
      done.complete();
      if (r.stopped) return;
      long delay;
      if (ar.succeeded()) {
        r.failures = 0;
        r.lastError = null;
        delay = ar.result() ? 100 : node.config().email().imapPollSeconds() * 1000;
      } else {
        r.failures++;
        failing(r, reason(ar.cause()));
        vertx.executeBlocking(() -> {
          r.sync.close();
          return null;
        }, false);
        long base = node.config().email().imapPollSeconds() * 1000;
        delay = Math.min(MAX_BACKOFF_MS, base << Math.min(r.failures - 1, 6));
      }
      r.timer = vertx.setTimer(Math.max(100, delay), id -> cycle(r));
    });
  }

  /** Stops polling a mailbox: its cycle ends (IDLE is woken) and the connection closes. */
  private void stop(long endpointId) {
    Running r = running.remove(endpointId);
    if (r != null) halt(r);
  }

  private Future<Void> halt(Running r) {
    r.stopped = true;
    if (r.timer >= 0) vertx.cancelTimer(r.timer);
    vertx.executeBlocking(() -> {
      r.sync.stop();
      return null;
    }, false);
    return r.cycle.compose(v -> vertx.executeBlocking(() -> {
      r.sync.close();
      return null;
    }, false)).mapEmpty();
  }

  private void stopAll() {
    for (Long id : new ArrayList<>(running.keySet())) stop(id);
  }

  /** A cycle has read what was new: record it, and bound the IDLE wait that follows. */
  private void synced(Running r, boolean idle) {
    connected(r.endpoint.id(), idle);
    if (!idle || r.stopped) return;
    if (r.watchdog >= 0) vertx.cancelTimer(r.watchdog);
    long idleMs = Math.max(1000, node.config().email().imapIdleSeconds() * 1000);
    // IDLE must be renewed well before servers drop it (RFC 2177: 29 minutes); the wake is a blocking call
    r.watchdog = vertx.setTimer(idleMs, id -> vertx.executeBlocking(() -> {
      r.sync.wake();
      return null;
    }, false));
  }

  private void connected(long endpointId, boolean idle) {
    node.db().query("""
        UPDATE mailbox SET status = 'connected', error = NULL, failing_since = NULL, idle = $2, last_poll_at = now(),
          last_success_at = now(), updated_at = now() WHERE endpoint_id = $1""", endpointId, idle);
  }

  private void failing(Running r, String reason) {
    if (!reason.equals(r.lastError)) log.warn("mailbox {} is failing: {}", r.endpoint.address(), reason);
    r.lastError = reason;
    node.db().query("""
        UPDATE mailbox SET status = 'failing', error = $2, idle = false, last_poll_at = now(),
          failing_since = COALESCE(failing_since, now()), updated_at = now() WHERE endpoint_id = $1""",
        r.endpoint.id(), reason);
  }

  /** The server's own words where there are some (an authentication failure carries the server's text). */
  static String reason(Throwable t) {
    StringBuilder sb = new StringBuilder(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
    Throwable next = t instanceof MessagingException m && m.getNextException() != null ? m.getNextException() : t.getCause();
    if (next != null && next != t && next.getMessage() != null && !sb.toString().contains(next.getMessage())) {
      sb.append(": ").append(next.getMessage());
    }
    return MailParser.cap(sb.toString(), 500);
  }

  private static String fingerprint(Endpoint ep) {
    // a new OAuth2 grant restarts the sync too (so does a rotated refresh token: one reconnect)
    return ep.settings().getValue("imap") + "|" + ep.secrets().getValue("imap") + "|" + ep.address() + "|"
        + ep.settings().getValue("oauth2") + "|" + ep.secrets().getValue("oauth2");
  }
}
