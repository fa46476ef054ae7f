package io.switchboard.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Sends requests at a fixed rate whatever the answers do (open loop), and measures each answer from the moment
 * it was due, not from when it could be sent, so a stalled server shows as latency instead of hiding it
 * (coordinated omission).
 */
final class OpenLoop {

  record Result(Latency latency, int ok, int failed, boolean overloaded, double seconds) {
    double achievedRate() {
      return ok / seconds;
    }
  }

  private OpenLoop() {
  }

  /** {@code send.apply(i)} sends request i and completes with its HTTP status. */
  static Future<Result> run(Vertx vertx, double rate, int count, int maxInFlight, IntFunction<Future<Integer>> send) {
    Promise<Result> done = Promise.promise();
    Context ctx = vertx.getOrCreateContext();
    ctx.runOnContext(v -> {
      Latency latency = new Latency();
      AtomicInteger ok = new AtomicInteger();
      AtomicInteger failed = new AtomicInteger();
      int[] sent = {0};
      int[] inFlight = {0};
      int[] completed = {0};
      boolean[] overloaded = {false};
      long start = System.nanoTime();
      long intervalNanos = (long) (1e9 / rate);
      long[] timer = {0};
      Runnable finish = () -> {
        if (completed[0] == sent[0] && (sent[0] == count || overloaded[0])) {
          vertx.cancelTimer(timer[0]);
          done.tryComplete(new Result(latency, ok.get(), failed.get(), overloaded[0], (System.nanoTime() - start) / 1e9));
        }
      };
      timer[0] = vertx.setPeriodic(1, id -> {
        long now = System.nanoTime();
        long due = Math.min(count, (now - start) / intervalNanos + 1);
        while (sent[0] < due && !overloaded[0]) {
          if (inFlight[0] >= maxInFlight) {
            overloaded[0] = true;
            break;
          }
          long intended = start + sent[0] * intervalNanos;
          int i = sent[0]++;
          inFlight[0]++;
          send.apply(i).onComplete(ar -> {
            latency.record(System.nanoTime() - intended);
            if (ar.succeeded() && ar.result() / 100 == 2) ok.incrementAndGet();
            else failed.incrementAndGet();
            inFlight[0]--;
            completed[0]++;
            finish.run();
          });
        }
        finish.run();
      });
    });
    return done.future();
  }
}
