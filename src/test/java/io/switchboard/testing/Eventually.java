package io.switchboard.testing;

import java.util.function.BooleanSupplier;

/** Waits for something a user would see happen, with a generous bound. */
public final class Eventually {

  private Eventually() {
  }

  public static void that(String what, long timeoutMs, BooleanSupplier condition) {
    long end = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < end) {
      if (condition.getAsBoolean()) return;
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
    if (!condition.getAsBoolean()) throw new AssertionError("not within " + timeoutMs + " ms: " + what);
  }
}
