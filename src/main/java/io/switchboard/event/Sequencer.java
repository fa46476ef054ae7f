package io.switchboard.event;

import io.switchboard.db.Db;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Numbers committed events in commit order and publishes them.
 *
 * <p>Why not a sequence in the writing transaction: two transactions can take seq 10 and 11 and commit as 11, 10;
 * a client that saw 11 and resumes "after 11" would never get 10. Here writers insert events unnumbered; after they
 * commit, one sequencer at a time (the {@code event_counter} row lock serialises nodes) numbers every committed
 * unnumbered event densely, commits, and only then publishes them. A number is only ever given to a committed
 * event, and later numbers to events seen later, so "after N" is exact. Under load, one pass numbers many
 * events, so the extra commit is shared.
 *
 * <p>In a cluster one node at a time sequences and publishes (the leader, holding a PostgreSQL advisory lock on
 * a connection of its own): the event bus keeps the order of messages from one sender, so every node's sockets see
 * events in seq order. Other nodes wake the leader over the bus after their commits. When the leader dies its
 * connection drops, the lock frees, and another node takes over within a second, first republishing the latest
 * events (sockets drop seqs they already have) so that none committed before the hand-over goes unseen.
 */
public final class Sequencer extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(Sequencer.class);
  private static final int BATCH = 1000;
  private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_INSTANT;

  /** Cluster-wide address on which nodes wake the leader. */
  public static final String KICK = "events.kick";
  private static final long LOCK_KEY = 0x5357_4254_5345_51L;
  private static final int REPUBLISH = 500;

  private final Db db;
  private final PgConnectOptions connectOptions;
  /** The session that holds (or, on a follower, keeps asking for) the advisory lock; kept open between tries. */
  private PgConnection lockConnection;
  private boolean leader;
  private boolean electing;
  private boolean kickPending;
  /**
   * Under load a pass starts at most this long after the previous one ended, so the commits of that time share one
   * pass (and one commit of its own) instead of each waking a pass; when idle the first kick runs at once.
   */
  private static final long LINGER_NANOS = 2_000_000;
  private boolean running;
  private boolean again;
  private boolean lingering;
  private long lastEnd;
  private long timer;
  private boolean warned;

  public Sequencer(Db db, PgConnectOptions connectOptions) {
    this.db = db;
    this.connectOptions = connectOptions;
  }

  @Override
  public Future<?> start() {
    db.afterCommit(this::committed);
    vertx.eventBus().<Object>consumer(KICK, m -> kick());
    // the timer also catches events left unnumbered by a node that died between its commit and its pass
    timer = vertx.setPeriodic(1000, id -> {
      if (leader) kick();
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

  /** After any commit on this node: sequence now if leading, else wake the leader (bursts coalesce). */
  private void committed() {
    if (context == null) return;
    context.runOnContext(v -> {
      if (leader) {
        kick();
      } else if (!kickPending) {
        kickPending = true;
        context.runOnContext(w -> {
          kickPending = false;
          vertx.eventBus().publish(KICK, null);
        });
      }
    });
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
          log.warn("lost event-sequencing leadership (database connection closed)");
        }
      });
      return conn;
    });
  }

  /** Tries to become the leader; completes either way. */
  private Future<Void> elect() {
    if (leader || electing) return Future.succeededFuture();
    electing = true;
    return lockConnection()
        .compose(conn -> conn.preparedQuery("SELECT pg_try_advisory_lock($1)").execute(Tuple.of(LOCK_KEY)))
        .map(rs -> rs.iterator().next().getBoolean(0))
        .compose(won -> won ? republish().map(v -> {
          leader = true;
          log.info("this node now sequences and publishes events");
          kick();
          return null;
        }) : Future.<Void>succeededFuture())
        .recover(t -> {
          if (!warned) log.warn("event sequencing waits for the database: {}", t.toString());
          warned = true;
          return Future.succeededFuture();
        })
        .onComplete(ar -> electing = false)
        .mapEmpty();
  }

  /** A new leader first republishes the latest events: what a dead leader numbered but never sent gets out. */
  private Future<Void> republish() {
    return db.list("""
        SELECT seq, workspace_id, inbox_id, conversation_id, type, at, data::text AS data_text, data->>'user_id' AS user_id
        FROM event
        WHERE seq > (SELECT last_seq FROM event_counter WHERE id = 1) - $1 ORDER BY seq""", REPUBLISH)
        .map(rows -> {
          publish(rows, false);
          return null;
        });
  }

  /** Safe from any thread; passes coalesce while one runs. Only the leader sequences. */
  public void kick() {
    if (context == null) return;
    context.runOnContext(v -> {
      if (!leader) return;
      if (running || lingering) {
        again |= running;
        return;
      }
      long wait = lastEnd + LINGER_NANOS - System.nanoTime();
      if (wait <= 0) {
        pass();
        return;
      }
      lingering = true;
      vertx.setTimer(Math.max(1, wait / 1_000_000), id -> {
        lingering = false;
        if (leader && !running) pass();
      });
    });
  }

  private void pass() {
    running = true;
    again = false;
    db.transaction(this::numberBatch).onComplete(ar -> {
      running = false;
      lastEnd = System.nanoTime();
      if (ar.failed()) {
        if (!warned) log.warn("event sequencing paused: {}", ar.cause().toString());
        warned = true;
        return;
      }
      warned = false;
      List<Row> rows = ar.result();
      publish(rows, true);
      if (again || rows.size() == BATCH) kick();
    });
  }

  private Future<List<Row>> numberBatch(SqlConnection conn) {
    // the first statement takes the lock; the second reads with a snapshot taken after it, so it cannot see rows
    // another sequencer numbered while we waited. It numbers a batch and moves the counter in one go.
    return Db.query(conn, "SELECT last_seq FROM event_counter WHERE id = 1 FOR UPDATE").compose(locked -> Db.list(conn, """
        WITH b AS (SELECT id, row_number() OVER (ORDER BY id) AS n
                   FROM (SELECT id FROM event WHERE seq IS NULL ORDER BY id LIMIT $1) x),
             c AS (UPDATE event_counter SET last_seq = last_seq + (SELECT count(*) FROM b)
                   WHERE id = 1 AND EXISTS (SELECT 1 FROM b) RETURNING last_seq - (SELECT count(*) FROM b) AS base)
        UPDATE event e SET seq = c.base + b.n FROM b, c WHERE e.id = b.id
        RETURNING e.seq, e.workspace_id, e.inbox_id, e.conversation_id, e.type, e.at, e.data::text AS data_text,
          e.data->>'user_id' AS user_id""", BATCH));
  }

  /** Publishes numbered events in order; automations hear of each only once, never of a republish. */
  private void publish(List<Row> rows, boolean fresh) {
    if (rows.isEmpty()) return;
    List<Row> sorted = new ArrayList<>(rows);
    sorted.sort(Comparator.comparingLong(r -> r.getLong("seq")));
    var bus = vertx.eventBus();
    for (Row r : sorted) {
      long seq = r.getLong("seq");
      Long inbox = r.getLong("inbox_id");
      String type = r.getString("type");
      // the event's data goes out as PostgreSQL wrote it: no parsing and re-encoding of every payload here
      String frame = frameText(seq, type, inbox, r.getLong("conversation_id"),
          ISO.format(r.getOffsetDateTime("at").withOffsetSameInstant(ZoneOffset.UTC)), r.getString("data_text"));
      DeliveryOptions opts = new DeliveryOptions()
          .addHeader("seq", Long.toString(seq)).addHeader("type", type)
          .addHeader("workspace", Long.toString(r.getLong("workspace_id")));
      String user = r.getString("user_id");
      if (user != null) opts.addHeader("user", user);
      String address = inbox != null ? Events.inboxAddress(inbox) : "workspace." + r.getLong("workspace_id");
      bus.publish(address, frame, opts);
      if (fresh) bus.publish(Events.SEQUENCED, frame, new DeliveryOptions(opts).setLocalOnly(true));
    }
  }

  /** As {@link #frame}, with the data already encoded as JSON text. */
  static String frameText(long seq, String type, Long inbox, Long conversation, String at, String dataJson) {
    String head = new JsonObject().put("seq", seq).put("type", type).put("inbox", inbox).put("conversation", conversation)
        .put("at", at).encode();
    return head.substring(0, head.length() - 1) + ",\"data\":" + dataJson + "}";
  }

  /** The live frame of an event: what agents' sockets receive, byte for byte. */
  public static String frame(Long seq, String type, Long inbox, Long conversation, String at, JsonObject data) {
    JsonObject f = new JsonObject();
    if (seq != null) f.put("seq", seq);
    f.put("type", type).put("inbox", inbox).put("conversation", conversation).put("at", at).put("data", data);
    return f.encode();
  }
}
