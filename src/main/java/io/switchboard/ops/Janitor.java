package io.switchboard.ops;

import io.switchboard.conversation.Timeline;
import io.switchboard.node.Node;
import io.switchboard.conversation.Activities;
import io.switchboard.conversation.Conversations;
import io.switchboard.db.Db;
import io.switchboard.event.EventType;
import io.switchboard.event.EventLog;
import io.switchboard.event.Events;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Timed upkeep: wakes snoozed conversations when their time comes, trims the event log to its retention window,
 * and drops expired sessions. Each step is a conditional UPDATE/DELETE, so nodes running it at once do it once.
 */
public final class Janitor extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(Janitor.class);

  private final Node node;
  private long wakeTimer;
  private long trimTimer;

  public Janitor(Node node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    wakeTimer = vertx.setPeriodic(5_000, id -> wakeSnoozed());
    trimTimer = vertx.setPeriodic(60_000, id -> trim());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(wakeTimer);
    vertx.cancelTimer(trimTimer);
    return Future.succeededFuture();
  }

  void wakeSnoozed() {
    node.db().tx(conn -> Db.list(conn, """
            UPDATE conversation SET status = 'open', snoozed_until = NULL, updated_at = now()
            WHERE id IN (SELECT id FROM conversation WHERE status = 'snoozed' AND snoozed_until <= now()
                         ORDER BY snoozed_until LIMIT 200 FOR UPDATE SKIP LOCKED)
            RETURNING id, inbox_id, workspace_id""")
        .compose(rows -> {
          Future<Void> f = Future.succeededFuture();
          for (Row r : rows) {
            long id = r.getLong("id");
            long inbox = r.getLong("inbox_id");
            long ws = r.getLong("workspace_id");
            f = f.compose(v -> Timeline.changed(conn, ws, inbox, id, List.of(Activities.Draft.system("system", null, "Switchboard",
                    "The snooze ended; the conversation is open again", new JsonObject().put("change", "status").put("to", "open"))),
                List.of("status"), null).mapEmpty());
          }
          return f;
        }))
        .onFailure(t -> log.debug("waking snoozed conversations failed: {}", t.toString()));
  }

  void trim() {
    double retentionSeconds = node.config().live().retentionHours() * 3600.0;
    node.db().query("""
            DELETE FROM event WHERE seq IN (SELECT seq FROM event
              WHERE at < now() - make_interval(secs => $1) ORDER BY seq LIMIT 10000)""", retentionSeconds)
        .compose(v -> node.db().query("DELETE FROM session WHERE expires_at < now()"))
        .compose(v -> node.db().query("DELETE FROM sign_in_failure WHERE at < now() - interval '2 minutes'"))
        // status callbacks whose message never showed up, and MIME-webhook replay guards past their window
        .compose(v -> node.db().query("DELETE FROM telephony_early_callback WHERE received_at < now() - interval '2 days'"))
        .compose(v -> node.db().query("DELETE FROM email_hook_token WHERE used_at < now() - make_interval(secs => $1)",
            node.config().email().webhookMaxAgeSeconds() * 2.0))
        .onFailure(t -> log.debug("trimming failed: {}", t.toString()));
  }
}
