package io.switchboard.automation;

import io.vertx.core.Future;

/**
 * Scheduled messages, follow-up sequences, chatbots, automatic assignment and outside-hours replies.
 *
 * <p>How it stays exact with several nodes: timed work (scheduled messages, sequence steps) is claimed row by row
 * with {@code FOR UPDATE SKIP LOCKED}, and the claim, the queued message (activity + outbox row) and the row's new
 * state commit together. Reactions to what happens (a contact writes, a conversation opens or is resolved) are driven
 * by the durable event log, read from a cursor in PostgreSQL by one node at a time, with the reactions and the cursor
 * committing together ({@link EventWorker}): nothing depends on an in-memory message reaching a node that stays up.
 */
public final class Automation {

  private Automation() {
  }

  /** Starts the event worker and the timed work on this node. */
  public static Future<Void> deploy(Env env) {
    return env.vertx().deployVerticle(new EventWorker(env))
        .compose(id -> env.vertx().deployVerticle(new DueWork(env)))
        .mapEmpty();
  }
}
