package io.switchboard.auth;

import io.switchboard.db.Db;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;

/**
 * Failed sign-ins per e-mail and per client address in a sliding minute, kept in PostgreSQL so that every node of a
 * cluster counts the same attempts. Over the limit, sign-in answers 429 until the window frees up, whether or not
 * the password would have been right. A client address may fail three times as often as one account (people
 * behind one office address).
 */
public final class LoginLimiter {

  private final Db db;
  private final int perMinute;

  public LoginLimiter(Db db, int perMinute) {
    this.db = db;
    this.perMinute = perMinute;
  }

  /** Seconds to wait, or 0 when an attempt may go ahead. */
  public Future<Integer> retryAfter(String email, String ip) {
    return db.list("""
        SELECT key, count(*) AS n, ceil(extract(epoch FROM min(at) + interval '1 minute' - now()))::int AS wait
        FROM sign_in_failure WHERE key = ANY($1) AND at > now() - interval '1 minute' GROUP BY key""",
        (Object) new String[] {"e:" + email, "i:" + ip}).map(rows -> {
          int wait = 0;
          for (Row r : rows) {
            int limit = r.getString("key").startsWith("e:") ? perMinute : perMinute * 3;
            if (r.getLong("n") >= limit) wait = Math.max(wait, Math.max(1, r.getInteger("wait")));
          }
          return wait;
        });
  }

  public Future<Void> failed(String email, String ip) {
    return db.query("INSERT INTO sign_in_failure (key) VALUES ($1), ($2)", "e:" + email, "i:" + ip).mapEmpty();
  }

  /** A right password clears the account's failures (not the address's: others may be guessing from there). */
  public Future<Void> succeeded(String email) {
    return db.query("DELETE FROM sign_in_failure WHERE key = $1", "e:" + email).mapEmpty();
  }
}
