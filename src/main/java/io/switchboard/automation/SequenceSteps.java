package io.switchboard.automation;

import io.switchboard.conversation.Timeline;
import io.switchboard.db.Db;
import io.switchboard.event.EventType;
import io.switchboard.common.Failures;
import io.switchboard.inbox.Endpoints;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.switchboard.db.Tx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends due sequence steps. One due enrolment is claimed with {@code FOR UPDATE SKIP LOCKED}; in that transaction its
 * conversation is checked again (resolved? a contact message since the enrolment?), so a reply committed before the
 * step stops the sequence even if the event worker has not acted on it yet. The step's message and the enrolment's
 * advance commit together: a step is sent once.
 */
final class SequenceSteps {

  private static final Logger log = LoggerFactory.getLogger(SequenceSteps.class);

  private SequenceSteps() {
  }

  /** Handles the most overdue enrolment, if any; true when one was claimed. */
  static Future<Boolean> stepOneDue(Env env) {
    long[] claimed = {0};
    return env.db().tx(conn -> Db.one(conn, Sequences.ENROLLMENTS + """
             WHERE e.status = 'active' AND e.next_at <= now() ORDER BY e.next_at, e.id LIMIT 1 FOR UPDATE OF e SKIP LOCKED""")
        .compose(e -> {
          if (e == null) return Future.succeededFuture(false);
          // others lock the conversation before its enrolments; waiting here while holding the enrolment could
          // deadlock, so a conversation busy right now leaves the step for the next poll
          return Db.one(conn, "SELECT c.* FROM conversation c WHERE c.id = $1 FOR UPDATE SKIP LOCKED", e.getLong("conversation_id"))
              .compose(conv -> {
                if (conv == null) return Future.succeededFuture(false);
                claimed[0] = e.getLong("id");
                return step(env, conn, conv, e).map(true);
              });
        }))
        .recover(t -> {
          if (claimed[0] == 0 || Failures.isUnavailable(t)) return Future.failedFuture(t);
          log.warn("sequence enrolment {} could not take its step: {}", claimed[0], t.toString());
          return env.db().tx(conn -> Db.one(conn, Sequences.ENROLLMENTS + " WHERE e.id = $1 AND e.status = 'active' FOR UPDATE OF e", claimed[0])
              .compose(e -> e == null ? Future.<Void>succeededFuture()
                  : ConversationRows.get(conn, e.getLong("conversation_id"))
                      .compose(conv -> Sequences.end(conn, conv, e, "stopped", "error", Timeline.Author.SYSTEM,
                          "The sequence \"" + e.getString("sequence_name") + "\" stopped: a step could not be sent (internal error)"))))
              .map(true);
        });
  }

  private static Future<Void> step(Env env, Tx conn, Row conv, Row e) {
    String name = e.getString("sequence_name");
    if (e.getValue("sequence_deleted_at") != null) {
      return Sequences.stop(conn, conv, e, "sequence_deleted");
    }
    if ("resolved".equals(conv.getString("status"))) {
      return Sequences.stop(conn, conv, e, "resolved");
    }
    Future<Boolean> replied = !e.getBoolean("stop_on_reply") ? Future.succeededFuture(false) : Db.one(conn, """
        SELECT EXISTS (SELECT 1 FROM activity WHERE conversation_id = $1 AND id > $2 AND direction = 'in' AND kind = 'message')""",
        conv.getLong("id"), e.getLong("since_activity_id")).map(r -> r.getBoolean(0));
    return replied.compose(yes -> {
      if (yes) return Sequences.stop(conn, conv, e, "replied");
      JsonArray steps = e.getJsonArray("steps");
      int index = e.getInteger("next_step");
      if (index >= steps.size()) return complete(conn, conv, e);
      JsonObject step = steps.getJsonObject(index);
      String label = "step " + (index + 1) + " of " + steps.size();
      if (!Sequences.allows(step, conv.getString("channel"))) {
        return Timeline.note(conn, conv, Timeline.Author.SYSTEM, "The sequence \"" + name + "\" skipped " + label + " (it is only for "
                + String.join(", ", step.getJsonArray("channels").stream().map(String::valueOf).toList()) + ")",
                data(e, "sequence_step_skipped", index))
            .compose(v -> advance(conn, conv, e, steps, index, false));
      }
      Long by = e.getLong("created_by");
      Timeline.Author author = by == null ? Timeline.Author.SYSTEM : new Timeline.Author("user", by, e.getString("created_by_name"));
      return Endpoints.byId(conn, conv.getLong("endpoint_id"))
          .compose(ep -> env.timeline().queue(conn, conv, ep, author, new Timeline.Message(null, step.getString("text"), null,
              data(e, "sequence_step", index))))
          .compose(activityId -> Timeline.note(conn, conv, Timeline.Author.SYSTEM, "The sequence \"" + name + "\" sent " + label,
                  data(e, "sequence_step_sent", index).put("activity_id", activityId))
              .compose(v -> advance(conn, conv, e, steps, index, true)))
          .recover(t -> t instanceof Timeline.Refused r
              ? Sequences.end(conn, conv, e, "stopped", "send_failed", Timeline.Author.SYSTEM,
                  "The sequence \"" + name + "\" stopped: " + label + " could not be sent (" + r.getMessage() + ")")
              : Future.failedFuture(t));
    });
  }

  private static JsonObject data(Row e, String change, int index) {
    return new JsonObject().put("change", change).put("sequence_id", e.getLong("sequence_id"))
        .put("enrollment_id", e.getLong("id")).put("step", index + 1);
  }

  /** Moves to the next step, due after its delay, or completes the enrolment after the last. */
  private static Future<Void> advance(Tx conn, Row conv, Row e, JsonArray steps, int index, boolean sent) {
    int next = index + 1;
    if (next >= steps.size()) {
      return Db.query(conn, "UPDATE sequence_enrollment SET next_step = $2, steps_sent = steps_sent + $3 WHERE id = $1",
          e.getLong("id"), next, sent ? 1 : 0).compose(v -> complete(conn, conv, e));
    }
    long delay = steps.getJsonObject(next).getLong("delay_seconds");
    return Db.query(conn, """
            UPDATE sequence_enrollment SET next_step = $2, steps_sent = steps_sent + $3,
              next_at = now() + make_interval(secs => $4), updated_at = now() WHERE id = $1""",
            e.getLong("id"), next, sent ? 1 : 0, (double) delay)
        .compose(v -> Sequences.announce(conn, conv, e.getLong("id"), EventType.ENROLLMENT_UPDATED))
        .mapEmpty();
  }

  private static Future<Void> complete(Tx conn, Row conv, Row e) {
    return Sequences.end(conn, conv, e, "completed", null, Timeline.Author.SYSTEM,
        "The sequence \"" + e.getString("sequence_name") + "\" is complete");
  }
}
