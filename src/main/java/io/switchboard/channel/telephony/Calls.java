package io.switchboard.channel.telephony;

import io.switchboard.conversation.Timeline;
import io.switchboard.db.Db;
import io.switchboard.db.Tx;
import io.switchboard.outbound.SendFailure;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

/** What click-to-call reads and writes around the call entry: whom to ring first, and why a call failed. */
final class Calls {

  private Calls() {
  }

  /** Whom the provider rings first for a user: their own phone, else their browser ({@code client:user-<id>}). */
  static Future<String> agent(SqlClient c, long userId) {
    // the user's phone is the auth package's column; read here, in the call's transaction
    return Db.one(c, "SELECT phone FROM app_user WHERE id = $1", userId)
        .map(user -> user.getString("phone") != null ? user.getString("phone") : "client:user-" + userId);
  }

  /** Records on a failed call entry why the provider did not take the call, and tells the agents. */
  static Future<Void> failed(Tx conn, long activityId, SendFailure f) {
    return Db.query(conn, "UPDATE activity SET error_code = $2, error_message = $3 WHERE id = $1", activityId, f.code, f.getMessage())
        .compose(v -> Timeline.updated(conn, activityId));
  }
}
