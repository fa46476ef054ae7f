package io.switchboard.automation;

import io.switchboard.db.Db;
import io.switchboard.event.Events;
import io.switchboard.common.Failures;
import io.switchboard.outbound.Outbox;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Row;
import io.switchboard.db.Tx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Acts on logged events exactly once, cluster-wide. The worker reads the {@code event} log in {@code seq} order from
 * a cursor kept in PostgreSQL ({@code automation_cursor}); a pass locks the cursor row ({@code SKIP LOCKED}: one node
 * at a time, the others skip), runs the {@link Triggers} of each event and moves the cursor, all in one transaction.
 * A node that dies mid-pass rolls everything back and another node redoes it; nothing is acted on twice because the
 * actions and the cursor commit together. Bus messages only wake the worker sooner (the sequencing node publishes
 * {@code events.sequenced}); every node also polls, so work resumes when a node goes away.
 *
 * <p>Each event runs in a savepoint: an event whose automation fails for a reason other than the database (a bug, a
 * bad row) is logged and skipped rather than blocking the log behind it.
 */
final class EventWorker extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(EventWorker.class);
  /** Events per pass: with the linger below, a pass every 25 ms keeps up with 40,000 events a second. */
  private static final int BATCH = 1000;

  private final Env env;
  private final Triggers triggers;
  private final long pollMs;
  private long timer;
  /** Passes start at most this often under load, so one transaction serves the events of that time. */
  private static final long LINGER_NANOS = 25_000_000;
  private boolean running;
  private boolean again;
  private boolean lingering;
  private long lastEnd;
  private boolean warned;

  EventWorker(Env env) {
    this.env = env;
    this.triggers = new Triggers(env);
    this.pollMs = env.config().automation().pollMs();
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(pollMs, id -> wake());
    return vertx.eventBus().localConsumer(Events.SEQUENCED, m -> wake()).completion().onSuccess(v -> wake());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void wake() {
    if (running) {
      again = true;
      return;
    }
    if (lingering) return;
    long wait = lastEnd + LINGER_NANOS - System.nanoTime();
    if (wait > 0) {
      lingering = true;
      vertx.setTimer(Math.max(1, wait / 1_000_000), id -> {
        lingering = false;
        wake();
      });
      return;
    }
    running = true;
    again = false;
    pass().onComplete(ar -> {
      running = false;
      lastEnd = System.nanoTime();
      if (ar.failed()) {
        if (!warned) log.warn("automation paused: {}", ar.cause().toString());
        warned = true;
        return;
      }
      warned = false;
      if (ar.result() > 0) Outbox.wake(vertx);
      if (again || ar.result() == BATCH) vertx.runOnContext(v -> wake());
    });
  }

  /** One batch; returns how many events it read (0 when there was nothing, or another node is at it). */
  private Future<Integer> pass() {
    return env.db().one("""
            SELECT (SELECT last_seq FROM event_counter WHERE id = 1) > (SELECT last_seq FROM automation_cursor WHERE id = 1)""")
        .compose(behind -> !behind.getBoolean(0) ? Future.succeededFuture(0) : env.db().tx(this::batch));
  }

  /**
   * The events after the cursor with only the fields triggers read (the log keeps whole payloads for sockets;
   * PostgreSQL picks the few fields out of its binary JSON, and no payload is sent and parsed here in full).
   */
  private static final String EVENTS = """
      SELECT seq, type, conversation_id, at,
        CASE type
          WHEN 'message.created' THEN jsonb_build_object('activity', jsonb_build_object(
            'id', data#>'{activity,id}', 'kind', data#>'{activity,kind}', 'direction', data#>'{activity,direction}',
            'sender', jsonb_build_object('type', data#>'{activity,sender,type}'), 'text', data#>'{activity,text}',
            'created_at', data#>'{activity,created_at}',
            'data', jsonb_build_object('sequence_id', data#>'{activity,data,sequence_id}')))
          WHEN 'conversation.updated' THEN jsonb_build_object('changes', data->'changes',
            'conversation', jsonb_build_object('status', data#>'{conversation,status}'))
          WHEN 'conversation.created' THEN '{}'::jsonb
        END AS data
      FROM event WHERE seq > $1 ORDER BY seq LIMIT $2""";

  private Future<Integer> batch(Tx conn) {
    return Db.one(conn, "SELECT last_seq FROM automation_cursor WHERE id = 1 FOR UPDATE SKIP LOCKED").compose(cursor -> {
      if (cursor == null) return Future.succeededFuture(0);
      return Db.list(conn, EVENTS, cursor.getLong(0), BATCH)
          .compose(rows -> run(conn, rows)
              .compose(v -> rows.isEmpty() ? Future.succeededFuture()
                  : Db.query(conn, "UPDATE automation_cursor SET last_seq = $1, updated_at = now() WHERE id = 1",
                      rows.get(rows.size() - 1).getLong("seq")))
              .map(rows.size()));
    });
  }

  private Future<Void> run(Tx conn, List<Row> rows) {
    List<Row> relevant = rows.stream().filter(Triggers::relevant).toList();
    if (relevant.isEmpty()) return Future.succeededFuture();
    Long[] ids = relevant.stream().map(r -> r.getLong("conversation_id")).distinct().toArray(Long[]::new);
    // most conversations meet no automation at all: one query for the batch finds those that might, so the
    // others cost no lock, savepoint or look-up (and ingest never waits on this worker for them)
    return Db.list(conn, """
        SELECT c.id FROM conversation c JOIN inbox i ON i.id = c.inbox_id
        WHERE c.id = ANY($1) AND (i.settings ?| ARRAY['auto_assign', 'auto_reply_outside_hours', 'default_chatbot_id', 'reviews']
          OR EXISTS (SELECT 1 FROM sequence_enrollment e WHERE e.conversation_id = c.id AND e.status = 'active')
          OR EXISTS (SELECT 1 FROM conversation_chatbot cb WHERE cb.conversation_id = c.id))""", (Object) ids)
        .compose(found -> {
          java.util.Set<Long> automated = new java.util.HashSet<>();
          found.forEach(r -> automated.add(r.getLong(0)));
          Future<Void> f = Future.succeededFuture();
          for (Row ev : relevant) {
            if (automated.contains(ev.getLong("conversation_id"))) f = f.compose(v -> guarded(conn, ev));
          }
          return f;
        });
  }

  private Future<Void> guarded(Tx conn, Row ev) {
    return conn.query("SAVEPOINT automation_event").execute()
        .compose(v -> triggers.handle(conn, ev))
        .compose(v -> conn.query("RELEASE SAVEPOINT automation_event").execute().<Void>mapEmpty())
        .recover(t -> {
          if (Failures.isUnavailable(t)) return Future.failedFuture(t);
          log.warn("automation skipped event {} ({}) of conversation {}: {}", ev.getLong("seq"), ev.getString("type"),
              ev.getLong("conversation_id"), t.toString());
          return conn.query("ROLLBACK TO SAVEPOINT automation_event").execute().mapEmpty();
        });
  }
}
