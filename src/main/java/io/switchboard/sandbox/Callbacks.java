package io.switchboard.sandbox;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/**
 * The simulator's reports back to the hub, each a moment after the one before (as a provider's arrive), and tried
 * again a few times when the hub does not take one (a report can overtake the hub's own record of the send).
 */
final class Callbacks {

  private static final Logger log = LoggerFactory.getLogger(Callbacks.class);
  static final long DELAY_MS = 300;
  private static final int ATTEMPTS = 5;

  private final Vertx vertx;

  Callbacks(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Runs {@code report} after {@link #DELAY_MS}; completes once it succeeded or was given up (never fails). */
  Future<Void> later(Supplier<Future<Void>> report) {
    return attempt(report, 1);
  }

  private Future<Void> attempt(Supplier<Future<Void>> report, int n) {
    return vertx.timer(DELAY_MS * n).compose(t -> report.get()).recover(e -> {
      if (n >= ATTEMPTS) {
        log.warn("sandbox: a report to the hub was given up after {} attempts: {}", n, e.getMessage());
        return Future.succeededFuture();
      }
      return attempt(report, n + 1);
    });
  }

  /** Runs {@code check} until it answers true (the hub recorded what it waits for), a few times. */
  Future<Void> until(Supplier<Future<Boolean>> check) {
    return later(() -> check.get().compose(done -> done ? Future.succeededFuture() : Future.failedFuture("not yet")));
  }
}
