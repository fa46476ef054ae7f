package io.switchboard.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.TransactionRollbackException;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The pool and the one way to write: {@link #tx} runs a transaction and, once it has committed, tells the event
 * sequencer that new events may be waiting, so nothing is published before it is durable.
 */
public final class Db {

  private final Pool pool;
  private volatile Runnable afterCommit = () -> { };

  public Db(Pool pool) {
    this.pool = pool;
  }

  public Pool pool() {
    return pool;
  }

  public void afterCommit(Runnable hook) {
    this.afterCommit = hook;
  }

  public <T> Future<T> tx(Function<SqlConnection, Future<T>> work) {
    return transaction(work).onSuccess(v -> afterCommit.run());
  }

  /** For writers that commit by hand: tells the sequencer that new events may be waiting. */
  public void committed() {
    afterCommit.run();
  }

  /**
   * A transaction without the after-commit hook (for the sequencer itself). Unlike {@code Pool.withTransaction},
   * BEGIN is not awaited: the first statement follows it down the connection's pipeline, saving a round trip on
   * every write.
   */
  public <T> Future<T> transaction(Function<SqlConnection, Future<T>> work) {
    return pool.getConnection().compose(conn -> {
      conn.begin();
      Transaction tx = conn.transaction();
      Future<T> result;
      try {
        result = work.apply(conn);
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      return result
          .compose(res -> tx.commit().map(res), err -> err instanceof TransactionRollbackException ? Future.failedFuture(err)
              : tx.rollback().transform(ar -> Future.<T>failedFuture(err)))
          .onComplete(ar -> conn.close());
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
