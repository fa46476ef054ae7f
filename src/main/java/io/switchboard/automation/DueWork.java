package io.switchboard.automation;

import io.switchboard.outbound.Outbox;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Timed automation: scheduled messages and sequence steps whose time has come. Every node polls; each due row is
 * claimed in its own transaction with {@code FOR UPDATE SKIP LOCKED}, so nodes share the work and never take the same
 * row. The first poll runs at start, so what fell due while the hub was down goes out at once (with its lateness).
 */
final class DueWork extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(DueWork.class);
  /** Rows handled at once per node (each holds a connection while it runs). */
  private static final int LANES = 4;

  private final Env env;
  private final long pollMs;
  private long timer;
  private boolean busy;

  DueWork(Env env) {
    this.env = env;
    this.pollMs = env.config().automation().pollMs();
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(pollMs, id -> tick());
    tick();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void tick() {
    if (busy) return;
    busy = true;
    env.db().one("""
            SELECT EXISTS (SELECT 1 FROM scheduled_message WHERE status = 'pending' AND send_at <= now()) AS messages,
                   EXISTS (SELECT 1 FROM sequence_enrollment WHERE status = 'active' AND next_at <= now()) AS steps""")
        .compose(due -> (due.getBoolean("messages") ? drain(() -> ScheduledMessages.sendOneDue(env)) : Future.succeededFuture(0))
            .compose(n -> due.getBoolean("steps") ? drain(() -> SequenceSteps.stepOneDue(env)) : Future.succeededFuture(0)))
        .onComplete(ar -> {
          busy = false;
          if (ar.failed()) log.debug("timed automation paused: {}", ar.cause().toString());
        });
  }

  /** Runs {@code one} in {@link #LANES} lanes until nothing more is due; returns how many were handled. */
  private Future<Integer> drain(Supplier<Future<Boolean>> one) {
    List<Future<Integer>> lanes = new ArrayList<>();
    for (int i = 0; i < LANES; i++) lanes.add(lane(one, 0));
    return Future.all(lanes).map(all -> {
      int n = 0;
      for (int i = 0; i < LANES; i++) n += all.<Integer>resultAt(i);
      return n;
    });
  }

  private Future<Integer> lane(Supplier<Future<Boolean>> one, int done) {
    return one.get().compose(did -> {
      if (!did) return Future.succeededFuture(done);
      Outbox.wake(vertx);
      return lane(one, done + 1);
    });
  }
}
