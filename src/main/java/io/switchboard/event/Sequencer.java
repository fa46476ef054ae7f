package io.switchboard.event;

import io.switchboard.db.Db;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
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
 */
public final class Sequencer extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(Sequencer.class);
  private static final int BATCH = 1000;
  private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_INSTANT;

  private final Db db;
  private boolean running;
  private boolean again;
  private long timer;
  private boolean warned;

  public Sequencer(Db db) {
    this.db = db;
  }

  @Override
  public Future<?> start() {
    db.afterCommit(this::kick);
    // also catches events left unnumbered by a node that died between its commit and its sequencing pass
    timer = vertx.setPeriodic(1000, id -> kick());
    kick();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  /** Safe from any thread; passes coalesce while one runs. */
  public void kick() {
    if (context == null) return;
    context.runOnContext(v -> {
      if (running) {
        again = true;
        return;
      }
      pass();
    });
  }

  private void pass() {
    running = true;
    again = false;
    db.pool().withTransaction(this::numberBatch).onComplete(ar -> {
      running = false;
      if (ar.failed()) {
        if (!warned) log.warn("event sequencing paused: {}", ar.cause().toString());
        warned = true;
        return;
      }
      warned = false;
      List<Row> rows = ar.result();
      publish(rows);
      if (again || rows.size() == BATCH) kick();
    });
  }

  private Future<List<Row>> numberBatch(SqlConnection conn) {
    // statement 1 takes the lock; statement 2 then reads with a snapshot taken after it, so it cannot see
    // rows another sequencer numbered while we waited
    return Db.one(conn, "SELECT last_seq FROM event_counter WHERE id = 1 FOR UPDATE").compose(counter -> {
      long last = counter.getLong(0);
      return Db.list(conn, """
          UPDATE event e SET seq = $1 + b.n
          FROM (SELECT id, row_number() OVER (ORDER BY id) AS n
                FROM (SELECT id FROM event WHERE seq IS NULL ORDER BY id LIMIT $2) x) b
          WHERE e.id = b.id
          RETURNING e.seq, e.workspace_id, e.inbox_id, e.conversation_id, e.type, e.data, e.at""", last, BATCH)
          .compose(rows -> rows.isEmpty() ? Future.succeededFuture(rows)
              : Db.query(conn, "UPDATE event_counter SET last_seq = $1 WHERE id = 1", last + rows.size())
                  .map(rows));
    });
  }

  private void publish(List<Row> rows) {
    if (rows.isEmpty()) return;
    List<Row> sorted = new ArrayList<>(rows);
    sorted.sort(Comparator.comparingLong(r -> r.getLong("seq")));
    var bus = vertx.eventBus();
    for (Row r : sorted) {
      long seq = r.getLong("seq");
      Long inbox = r.getLong("inbox_id");
      String type = r.getString("type");
      JsonObject data = r.getJsonObject("data");
      String frame = frame(seq, type, inbox, r.getLong("conversation_id"),
          ISO.format(r.getOffsetDateTime("at").withOffsetSameInstant(ZoneOffset.UTC)), data);
      DeliveryOptions opts = new DeliveryOptions()
          .addHeader("seq", Long.toString(seq)).addHeader("type", type)
          .addHeader("workspace", Long.toString(r.getLong("workspace_id")));
      Object user = data.getValue("user_id");
      if (user != null) opts.addHeader("user", user.toString());
      String address = inbox != null ? Events.inboxAddress(inbox) : "workspace." + r.getLong("workspace_id");
      bus.publish(address, frame, opts);
      bus.publish(Events.SEQUENCED, frame, new DeliveryOptions(opts).setLocalOnly(true));
    }
  }

  /** The live frame of an event: what agents' sockets receive, byte for byte. */
  public static String frame(Long seq, String type, Long inbox, Long conversation, String at, JsonObject data) {
    JsonObject f = new JsonObject();
    if (seq != null) f.put("seq", seq);
    f.put("type", type).put("inbox", inbox).put("conversation", conversation).put("at", at).put("data", data);
    return f.encode();
  }
}
