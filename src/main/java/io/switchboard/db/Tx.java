package io.switchboard.db;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.PreparedStatement;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.spi.DatabaseMetadata;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One open transaction: a connection (statements go through it as through any {@link SqlConnection}) plus what
 * must happen at its end. Parts that write inside it register a last statement ({@link #beforeCommit}), sent
 * down the pipeline just ahead of COMMIT so that any lock it takes is held only for the commit itself, and keep
 * state of their own for the transaction ({@link #local}). Made and ended only by {@link Db#tx}.
 */
public final class Tx implements SqlConnection {

  private final SqlConnection conn;
  private Map<Object, Object> locals;
  private List<Supplier<Future<?>>> beforeCommit;
  private List<Runnable> afterCommit;

  Tx(SqlConnection conn) {
    this.conn = conn;
  }

  /** State a part keeps for this transaction under {@code key}, made on first use. */
  @SuppressWarnings("unchecked")
  public <T> T local(Object key, Supplier<T> create) {
    if (locals == null) locals = new IdentityHashMap<>(4);
    return (T) locals.computeIfAbsent(key, k -> create.get());
  }

  /** The value kept under {@code key}, or null. */
  @SuppressWarnings("unchecked")
  public <T> T local(Object key) {
    return locals == null ? null : (T) locals.get(key);
  }

  /** A statement to send last, right before COMMIT; its failure rolls the transaction back. */
  public void beforeCommit(Supplier<Future<?>> statement) {
    if (beforeCommit == null) beforeCommit = new ArrayList<>(2);
    beforeCommit.add(statement);
  }

  /** Runs once the transaction has committed (not if it rolls back), on the thread that saw the commit. */
  public void afterCommit(Runnable action) {
    if (afterCommit == null) afterCommit = new ArrayList<>(2);
    afterCommit.add(action);
  }

  /**
   * Sends the last statements and COMMIT together. PostgreSQL turns the COMMIT of a failed transaction into a
   * rollback without an error, so success is read from the last statements: when none was registered a
   * {@code SELECT 1} stands in, which fails in a transaction that an earlier (swallowed) error aborted.
   */
  Future<Void> commit() {
    List<Future<?>> last = new ArrayList<>(3);
    if (beforeCommit == null) {
      last.add(conn.query("SELECT 1").execute());
    } else {
      for (Supplier<Future<?>> s : beforeCommit) {
        Future<?> f;
        try {
          f = s.get();
        } catch (RuntimeException e) {
          f = Future.failedFuture(e);
        }
        last.add(f);
      }
    }
    last.add(conn.query("COMMIT").execute());
    return Future.join(last).transform(ar -> {
      for (Future<?> f : last) if (f.failed()) return Future.failedFuture(f.cause());
      return Future.succeededFuture();
    });
  }

  Future<Void> rollback() {
    return conn.query("ROLLBACK").execute().mapEmpty();
  }

  void committed() {
    if (afterCommit != null) for (Runnable r : afterCommit) r.run();
  }

  // ---- the connection, as it is ----

  @Override
  public Query<RowSet<Row>> query(String sql) {
    return conn.query(sql);
  }

  @Override
  public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
    return conn.preparedQuery(sql);
  }

  @Override
  public PreparedQuery<RowSet<Row>> preparedQuery(String sql, PrepareOptions options) {
    return conn.preparedQuery(sql, options);
  }

  @Override
  public Future<PreparedStatement> prepare(String sql) {
    return conn.prepare(sql);
  }

  @Override
  public Future<PreparedStatement> prepare(String sql, PrepareOptions options) {
    return conn.prepare(sql, options);
  }

  @Override
  public SqlConnection exceptionHandler(Handler<Throwable> handler) {
    conn.exceptionHandler(handler);
    return this;
  }

  @Override
  public SqlConnection closeHandler(Handler<Void> handler) {
    conn.closeHandler(handler);
    return this;
  }

  /** Not here: the transaction is already open, and {@link Db#tx} ends it. */
  @Override
  public Future<Transaction> begin() {
    return Future.failedFuture(new IllegalStateException("already in a transaction"));
  }

  @Override
  public Transaction transaction() {
    return null;
  }

  @Override
  public boolean isSSL() {
    return conn.isSSL();
  }

  @Override
  public DatabaseMetadata databaseMetadata() {
    return conn.databaseMetadata();
  }

  /** Not here: {@link Db#tx} gives the connection back when the transaction ends. */
  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
