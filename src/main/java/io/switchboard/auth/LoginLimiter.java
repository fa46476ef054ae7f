package io.switchboard.auth;

import io.switchboard.db.Db;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;

import java.util.ArrayList;
import java.util.List;

/**
 * Failed sign-ins per e-mail and per client address in a sliding minute, kept in PostgreSQL so that every node of a
 * cluster counts the same attempts. Over the limit, sign-in answers 429 until the window frees up, whether or not
 * the password would have been right. A client address may fail three times as often as one account (people
 * behind one office address).
 *
 * <p>An attempt is counted before its password is checked, under a lock on its keys, so attempts that arrive
 * together (on one node or several) cannot all read the same count and all go ahead: the eleventh of sixty is
 * refused, not checked. A right password then takes its attempt back, as does one that was never checked.
 */
public final class LoginLimiter {

  /** An attempt that may go ahead (its rows, to take back) or must wait {@code retryAfter} seconds. */
  public record Attempt(int retryAfter, List<Long> rows) {
    public boolean refused() {
      return retryAfter > 0;
    }
  }

  private final Db db;
  private final int perMinute;

  public LoginLimiter(Db db, int perMinute) {
    this.db = db;
    this.perMinute = perMinute;
  }

  /** Counts an attempt for the e-mail and the address, unless either is already at its limit. */
  public Future<Attempt> begin(String email, String ip) {
    String emailKey = "e:" + email;
    String ipKey = "i:" + ip;
    // The locks serialise attempts on the same keys until commit, so the count sees every attempt counted before
    // (they are always taken in the same order: two attempts cannot wait for each other). The commit does not wait
    // for the disk: these rows are worth nothing after a crash, and every attempt from one address waits for the
    // one before it to commit, holding a database connection meanwhile. Times are the clock's, not the
    // transaction's start, which may lie before the wait for the lock.
    return db.tx(conn -> Db.query(conn, """
            SELECT set_config('synchronous_commit', 'off', true), pg_advisory_xact_lock(least(a, b)), pg_advisory_xact_lock(greatest(a, b))
            FROM (SELECT hashtextextended($1, 0) AS a, hashtextextended($2, 0) AS b) k""", emailKey, ipKey)
        .compose(v -> Db.list(conn, """
            SELECT key, count(*) AS n, ceil(extract(epoch FROM min(at) + interval '1 minute' - clock_timestamp()))::int AS wait
            FROM sign_in_failure WHERE key = ANY($1) AND at > clock_timestamp() - interval '1 minute' GROUP BY key""",
            (Object) new String[] {emailKey, ipKey}))
        .compose(counts -> {
          int wait = 0;
          for (Row r : counts) {
            int limit = r.getString("key").equals(emailKey) ? perMinute : perMinute * 3;
            if (r.getLong("n") >= limit) wait = Math.max(wait, Math.max(1, r.getInteger("wait")));
          }
          if (wait > 0) return Future.succeededFuture(new Attempt(wait, List.of()));
          return Db.list(conn, "INSERT INTO sign_in_failure (key, at) VALUES ($1, clock_timestamp()), ($2, clock_timestamp()) RETURNING id",
              emailKey, ipKey).map(rows -> {
                List<Long> ids = new ArrayList<>();
                for (Row r : rows) ids.add(r.getLong("id"));
                return new Attempt(0, ids);
              });
        }));
  }

  /** A right password clears the account's failures and takes back this attempt (not the address's earlier ones). */
  public Future<Void> succeeded(String email, Attempt attempt) {
    return db.query("DELETE FROM sign_in_failure WHERE key = $1 OR id = ANY($2)", "e:" + email, ids(attempt)).mapEmpty();
  }

  /** An attempt whose password was never checked (the node was busy) does not count. */
  public Future<Void> takeBack(Attempt attempt) {
    return db.query("DELETE FROM sign_in_failure WHERE id = ANY($1)", (Object) ids(attempt)).mapEmpty();
  }

  private static Long[] ids(Attempt attempt) {
    return attempt.rows().toArray(Long[]::new);
  }
}
