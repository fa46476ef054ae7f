package io.switchboard.live;

/** A token bucket: {@code rate} per second, bursts up to twice that. Not thread-safe: one per socket, on its loop. */
final class RateLimit {

  private final double rate;
  private final double burst;
  private double tokens;
  private long last = System.nanoTime();

  RateLimit(int perSecond) {
    this.rate = perSecond;
    this.burst = perSecond * 2.0;
    this.tokens = burst;
  }

  boolean take() {
    long now = System.nanoTime();
    tokens = Math.min(burst, tokens + (now - last) / 1e9 * rate);
    last = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  }
}
