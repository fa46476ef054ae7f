package io.switchboard.event;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.db.Db;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Publishes committed events on the event bus, in seq order, from one node at a time.
 *
 * <p>Events are numbered in commit order by the transactions that write them ({@link EventLog}); what is left is to
 * send them out in that order although commits are seen in another: two writers commit 10 and 11, and the answer
 * of 11 may reach us first. The publisher keeps the highest seq it has sent; a frame that follows it goes out at
 * once, later ones wait. A gap is filled from the log itself (every number below a committed one is committed and
 * visible), after a moment when it may be a local writer about to report, at once when another node said so.
 *
 * <p>In a cluster one node publishes (the leader, holding a PostgreSQL advisory lock on a connection of its own):
 * the event bus keeps the order of one sender's messages, so every node's sockets see events in seq order. Other
 * nodes tell the leader how far they have committed; it reads their events from the log. When the leader dies
 * its connection drops, the lock frees, and another node takes over within a second, first republishing the
 * latest events (sockets drop seqs they already have), so none committed before the hand-over goes unseen. The
 * leader also looks at the log's end every second, which catches anything a lost message or a dead node left.
 */
public final class Publisher extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(Publisher.class);
  private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_INSTANT;

  /** Cluster-wide address on which nodes tell the leader the highest seq they committed. */
  public static final String KICK = "events.kick";
  private static final long LOCK_KEY = 0x5357_4254_5345_51L;
  private static final int REPUBLISH = 500;
  private static final int FILL = 1000;
  /** How long a gap may be a local writer's report still on its way before the log is read for it. */
  private static final long GAP_WAIT_MS = 2;
  /** Frames held for a gap beyond this many are dropped; the log has them. */
  private static final int MAX_PENDING = 50_000;

  private final Db db;
  private final PgConnectOptions connectOptions;
  private final Timer lag;
  /** The session that holds (or, on a follower, keeps asking for) the advisory lock; kept open between tries. */
  private PgConnection lockConnection;
  private boolean leader;
  private boolean electing;
  private long timer;
  private boolean warned;

  // leader state
  private long published;
  /** The highest seq known to be committed. */
  private long known;
  private final TreeMap<Long, EventLog.Committed> pending = new TreeMap<>();
  private boolean filling;
  private boolean gapTimer;

  // follower state: the highest seq committed here and not yet told to the leader
  private long unsent = -1;

  public Publisher(Db db, PgConnectOptions connectOptions, MeterRegistry metrics) {
    this.db = db;
    this.connectOptions = connectOptions;
    this.lag = Timer.builder("switchboard.live.lag").description("from an event's commit to its publication")
        .register(metrics);
  }

  @Override
  public Future<?> start() {
    db.onCommit(tx -> committed(EventLog.committed(tx)));
    vertx.eventBus().<Long>consumer(KICK, m -> {
      if (leader && m.body() != null) {
        known = Math.max(known, m.body());
        drain(true);
      }
    });
    timer = vertx.setPeriodic(1000, id -> {
      if (leader) checkEnd();
      else elect();
    });
    return elect();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    leader = false;
    PgConnection conn = lockConnection;
    lockConnection = null; // a close of our own is not a lost leadership
    return conn == null ? Future.succeededFuture() : conn.close();
  }

  /** After a commit on this node, from any thread. */
  private void committed(List<EventLog.Committed> events) {
    if (events.isEmpty() || context == null) return;
    context.runOnContext(v -> {
      if (leader) {
        for (EventLog.Committed c : events) {
          if (c.seq() > published && pending.size() < MAX_PENDING) pending.put(c.seq(), c);
          known = Math.max(known, c.seq());
        }
        drain(false);
      } else {
        // tell the leader once per burst: messages queued on this context meanwhile raise the number sent
        boolean scheduled = unsent >= 0;
        unsent = Math.max(unsent, events.get(events.size() - 1).seq());
        if (!scheduled) {
          context.runOnContext(w -> {
            long seq = unsent;
            unsent = -1;
            vertx.eventBus().publish(KICK, seq);
          });
        }
      }
    });
  }

  /** Sends what follows the last published seq; fills a gap from the log, at once when {@code now}. */
  private void drain(boolean now) {
    Set<String> types = null;
    while (!pending.isEmpty() && pending.firstKey() <= published + 1) {
      EventLog.Committed c = pending.pollFirstEntry().getValue();
      if (c.seq() != published + 1) continue;
      EventLog.Entry e = c.entry();
      publish(c.seq(), e.workspaceId(), e.inboxId(), e.conversationId(), e.type(), c.at(), e.data(), e.userId());
      lag.record(System.nanoTime() - c.committedNanos(), TimeUnit.NANOSECONDS);
      published = c.seq();
      if (types == null) types = new LinkedHashSet<>();
      types.add(e.type());
    }
    if (types != null) sequenced(types);
    if (known <= published || filling) return;
    if (now) {
      fill();
    } else if (!gapTimer) {
      gapTimer = true;
      vertx.setTimer(GAP_WAIT_MS, id -> {
        gapTimer = false;
        if (leader && known > published && !filling) fill();
      });
    }
  }

  /** Reads the events between the last published and the highest known committed from the log, and sends them. */
  private void fill() {
    filling = true;
    long from = published;
    long to = known;
    db.list("""
        SELECT seq, workspace_id, inbox_id, conversation_id, type, at, data::text AS data_text, data->>'user_id' AS user_id
        FROM event WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3""", from, to, FILL)
        .onComplete(ar -> {
          filling = false;
          if (!leader) return;
          if (ar.failed()) {
            if (!warned) log.warn("event publishing waits for the database: {}", ar.cause().toString());
            warned = true;
            return; // the periodic check tries again
          }
          warned = false;
          Set<String> types = new LinkedHashSet<>();
          for (Row r : ar.result()) {
            long seq = r.getLong("seq");
            if (seq <= published) continue;
            if (seq != published + 1) {
              // the retention window took events we never sent (a long outage): go on from what is there
              log.warn("events {}..{} are no longer in the log; publishing resumes at {}", published + 1, seq - 1, seq);
            }
            OffsetDateTime at = r.getOffsetDateTime("at");
            publish(seq, r.getLong("workspace_id"), r.getLong("inbox_id"), r.getLong("conversation_id"), r.getString("type"),
                at, r.getString("data_text"), r.getString("user_id"));
            lag.record(Duration.between(at.toInstant(), java.time.Instant.now()));
            published = seq;
            types.add(r.getString("type"));
          }
          if (ar.result().isEmpty() && known > published) {
            // the retention window took them before they could be sent: nothing is left to send up to there
            published = known;
          }
          if (!types.isEmpty()) sequenced(types);
          drain(true);
        });
  }

  /** Every second: the end of the log, in case a commit's news never came (a node died, a message was lost). */
  private void checkEnd() {
    if (filling) return;
    db.one("SELECT last_seq FROM event_counter WHERE id = 1").onSuccess(r -> {
      if (!leader) return;
      known = Math.max(known, r.getLong(0));
      drain(true);
    });
  }

  private void publish(long seq, long workspace, Long inbox, Long conversation, String type, OffsetDateTime at, String data,
                       String user) {
    String frame = Frames.of(seq, type, inbox, conversation, ISO.format(at.withOffsetSameInstant(ZoneOffset.UTC)), data);
    DeliveryOptions opts = new DeliveryOptions().addHeader("seq", Long.toString(seq)).addHeader("type", type)
        .addHeader("workspace", Long.toString(workspace));
    if (user != null) opts.addHeader("user", user);
    vertx.eventBus().publish(inbox != null ? Events.inboxAddress(inbox) : "workspace." + workspace, frame, opts);
  }

  /** Wakes this node's automations (and whoever else follows the log) once per batch sent, naming its types. */
  private void sequenced(Set<String> types) {
    vertx.eventBus().publish(Events.SEQUENCED, null,
        new DeliveryOptions().setLocalOnly(true).addHeader("types", String.join(",", types)));
  }

  /** The lock session, opened when there is none; its loss ends a leadership. */
  private Future<PgConnection> lockConnection() {
    if (lockConnection != null) return Future.succeededFuture(lockConnection);
    return PgConnection.connect(vertx, connectOptions).map(conn -> {
      lockConnection = conn;
      conn.closeHandler(v -> {
        if (lockConnection != conn) return;
        lockConnection = null;
        if (leader) {
          leader = false;
          pending.clear();
          log.warn("lost event-publishing leadership (database connection closed)");
        }
      });
      return conn;
    });
  }

  /** Tries to become the leader; completes either way. A new leader first republishes the latest events. */
  private Future<Void> elect() {
    if (leader || electing) return Future.succeededFuture();
    electing = true;
    return lockConnection()
        .compose(conn -> conn.preparedQuery("SELECT pg_try_advisory_lock($1) AS won, (SELECT last_seq FROM event_counter WHERE id = 1) AS last")
            .execute(Tuple.of(LOCK_KEY)))
        .map(rs -> {
          Row r = rs.iterator().next();
          if (r.getBoolean("won")) {
            long last = r.getLong("last");
            leader = true;
            pending.clear();
            published = Math.max(0, last - REPUBLISH);
            known = last;
            log.info("this node now publishes events");
            drain(true);
          }
          return (Void) null;
        })
        .recover(t -> {
          if (!warned) log.warn("event publishing waits for the database: {}", t.toString());
          warned = true;
          return Future.succeededFuture();
        })
        .onComplete(ar -> electing = false);
  }
}
