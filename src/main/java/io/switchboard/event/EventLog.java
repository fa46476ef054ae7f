package io.switchboard.event;

import io.switchboard.db.Tx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The event log, and the only code that writes to it. A change appends its events to its own transaction; they
 * are written, numbered, by that transaction's last statement, right before its COMMIT.
 *
 * <p>Why numbering there is exact: the last statement first moves the one {@code event_counter} row, whose lock it
 * then holds until COMMIT. A second writer reaches that row only after the first has committed, and PostgreSQL
 * makes a transaction visible before it releases its locks, so the second reads the first's count and takes the
 * numbers after it. Numbers are thus given in commit order, densely (a rollback gives its numbers back), and a
 * reader that sees seq N committed sees every event below N: "after N" never misses a late commit. The lock is
 * held only for the insert and the commit, and with group commit one batch of messages takes it once.
 */
public final class EventLog {

  private EventLog() {
  }

  /** An event as a change appends it; its data is encoded once, here, and sent as written to every socket. */
  public record Entry(long workspaceId, Long inboxId, Long conversationId, String type, String data, String userId) {
  }

  /** An event as committed: its number and the time of the change. */
  public record Committed(long seq, OffsetDateTime at, Entry entry, long committedNanos) {
  }

  private static final class Pending {
    final List<Entry> entries = new ArrayList<>();
    long base;
    OffsetDateTime at;
  }

  private static final String WRITE = """
      WITH c AS (UPDATE event_counter SET last_seq = last_seq + $6 WHERE id = 1 RETURNING last_seq - $6 AS base, now() AS at),
      i AS (INSERT INTO event (seq, workspace_id, inbox_id, conversation_id, type, data, at)
            SELECT c.base + x.n, x.w, x.i, x.c, x.t, x.d::jsonb, c.at
            FROM c, unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[]) WITH ORDINALITY AS x(w, i, c, t, d, n))
      SELECT base, at FROM c""";

  /** Appends an event to the transaction; it is written, numbered, when the transaction commits. */
  public static Future<Void> append(Tx tx, long workspaceId, Long inboxId, Long conversationId, String type, JsonObject data) {
    Object user = data.getValue("user_id");
    pending(tx).entries.add(new Entry(workspaceId, inboxId, conversationId, type, data.encode(),
        user == null ? null : String.valueOf(user)));
    return Future.succeededFuture();
  }

  private static Pending pending(Tx tx) {
    return tx.local(EventLog.class, () -> {
      Pending p = new Pending();
      tx.beforeCommit(() -> write(tx, p));
      return p;
    });
  }

  private static Future<Row> write(Tx tx, Pending p) {
    int n = p.entries.size();
    Long[] ws = new Long[n];
    Long[] inboxes = new Long[n];
    Long[] conversations = new Long[n];
    String[] types = new String[n];
    String[] data = new String[n];
    for (int i = 0; i < n; i++) {
      Entry e = p.entries.get(i);
      ws[i] = e.workspaceId();
      inboxes[i] = e.inboxId();
      conversations[i] = e.conversationId();
      types[i] = e.type();
      data[i] = e.data();
    }
    return tx.preparedQuery(WRITE).execute(Tuple.of(ws, inboxes, conversations, types, data, n)).map(rs -> {
      Row r = rs.iterator().next();
      p.base = r.getLong("base");
      p.at = r.getOffsetDateTime("at");
      return r;
    });
  }

  /** The events a committed transaction wrote, numbered, in order; empty when it wrote none. */
  public static List<Committed> committed(Tx tx) {
    Pending p = tx.local(EventLog.class);
    if (p == null) return List.of();
    long now = System.nanoTime();
    List<Committed> out = new ArrayList<>(p.entries.size());
    for (int i = 0; i < p.entries.size(); i++) out.add(new Committed(p.base + i + 1, p.at, p.entries.get(i), now));
    return out;
  }
}
