package io.switchboard.automation;

import io.switchboard.Hub;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;

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

  /** REST routes; mount before the conversation's activity routes (a reply with {@code send_at} is taken here). */
  public static void mount(Router api, Hub hub) {
    ScheduledApi.mount(api, hub);
    SequenceApi.mount(api, hub);
    ChatbotApi.mount(api, hub);
  }

  /** Starts the event worker and the timed work on this node. */
  public static Future<Void> deploy(Hub hub) {
    return hub.vertx.deployVerticle(new EventWorker(hub))
        .compose(id -> hub.vertx.deployVerticle(new DueWork(hub)))
        .mapEmpty();
  }
}
