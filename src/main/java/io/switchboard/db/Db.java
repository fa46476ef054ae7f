package io.switchboard.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The pool and the one way to write: {@link #tx} runs a transaction in which parts register their last statement
 * (the event log numbers its events there) and, once it has committed, hands it to the commit listener (the event
 * publisher), so nothing is published before it is durable.
 */
public final class Db {

  private final Pool pool;
  private volatile Consumer<Tx> committed = tx -> { };

  public Db(Pool pool) {
    this.pool = pool;
  }

  public Pool pool() {
    return pool;
  }

  /** Called with every transaction that committed (on the thread that saw the commit). */
  public void onCommit(Consumer<Tx> listener) {
    this.committed = listener;
  }

  /**
   * Runs {@code work} in a transaction and commits it. BEGIN is not awaited: the first statement follows it down
   * the connection's pipeline, and the last statements travel with COMMIT, so a short transaction costs as many
   * round trips as it has dependent steps and no more. Should anything fail, the transaction is rolled back.
   */
  public <T> Future<T> tx(Function<Tx, Future<T>> work) {
    return pool.getConnection().compose(conn -> {
      conn.query("BEGIN").execute();
      Tx tx = new Tx(conn);
      Future<T> result;
      try {
        result = work.apply(tx);
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      return result
          .compose(res -> tx.commit().map(res), err -> tx.rollback().transform(ar -> Future.<T>failedFuture(err)))
          .onComplete(ar -> conn.close())
          .onSuccess(res -> {
            tx.committed();
            committed.accept(tx);
          });
    });
  }

  public Future<RowSet<Row>> query(String sql, Object... params) {
    return query(pool, sql, params);
  }

  public static Future<RowSet<Row>> query(SqlClient client, String sql, Object... params) {
    return client.preparedQuery(sql).execute(Tuple.wrap(params == null ? new Object[0] : params));
  }

  /** The first row, or null. */
  public Future<Row> one(String sql, Object... params) {
    return one(pool, sql, params);
  }

  public static Future<Row> one(SqlClient client, String sql, Object... params) {
    return query(client, sql, params).map(rs -> rs.iterator().hasNext() ? rs.iterator().next() : null);
  }

  public Future<List<Row>> list(String sql, Object... params) {
    return list(pool, sql, params);
  }

  public static Future<List<Row>> list(SqlClient client, String sql, Object... params) {
    return query(client, sql, params).map(rs -> {
      List<Row> rows = new ArrayList<>(rs.size());
      rs.forEach(rows::add);
      return rows;
    });
  }

  /** A LIKE pattern matching {@code q} anywhere, with the user's own % and _ taken literally; null for no filter. */
  public static String contains(String q) {
    if (q == null || q.isBlank()) return null;
    return "%" + q.trim().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
  }
}
