package io.switchboard.testing;

import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for something a user would see happen, with a generous bound: the one polling loop of the tests. It looks
 * every 25 ms unless told to look less often (a probe that asks the API, the database or the process table).
 * What a probe throws is not retried: it ends the wait.
 */
public final class Eventually {

  /** How often a condition is looked at unless a caller says otherwise. */
  public static final long POLL_MS = 25;

  private Eventually() {
  }

  public static void that(String what, long timeoutMs, BooleanSupplier condition) {
    that(what, timeoutMs, POLL_MS, condition);
  }

  public static void that(String what, long timeoutMs, long pollMs, BooleanSupplier condition) {
    value(what, timeoutMs, pollMs, condition::getAsBoolean, Boolean::booleanValue);
  }

  /** Waits until {@code probe} gives something other than null, and returns it. */
  public static <T> T found(String what, long timeoutMs, Supplier<T> probe) {
    return found(what, timeoutMs, POLL_MS, probe);
  }

  public static <T> T found(String what, long timeoutMs, long pollMs, Supplier<T> probe) {
    return value(what, timeoutMs, pollMs, probe, Objects::nonNull);
  }

  /** Waits until {@code probe} gives a value that {@code done} accepts, and returns it; a timeout shows the last one. */
  public static <T> T value(String what, long timeoutMs, Supplier<T> probe, Predicate<? super T> done) {
    return value(what, timeoutMs, POLL_MS, probe, done);
  }

  public static <T> T value(String what, long timeoutMs, long pollMs, Supplier<T> probe, Predicate<? super T> done) {
    long end = System.currentTimeMillis() + timeoutMs;
    T last;
    while (true) {
      last = probe.get();
      if (done.test(last)) return last;
      if (System.currentTimeMillis() >= end) break;
      try {
        Thread.sleep(pollMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    boolean plain = last == null || last instanceof Boolean;
    throw new AssertionError("not within " + timeoutMs + " ms: " + what + (plain ? "" : "; last seen: " + last));
  }
}
