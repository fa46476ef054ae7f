package io.switchboard.socket;

/**
 * A token bucket: {@code capacity} tokens refilled evenly over {@code periodMillis}. Synchronized, because a budget
 * may be shared by sockets on every event loop of the node (a visitor's messages).
 */
public final class TokenBucket {

  private final double capacity;
  private final double perMilli;
  private double tokens;
  private long last = System.nanoTime();
  /** When the bucket was last used, so idle ones can be dropped. */
  public volatile long touched = System.currentTimeMillis();

  public TokenBucket(int capacity, long periodMillis) {
    this.capacity = capacity;
    this.perMilli = capacity / (double) periodMillis;
    this.tokens = capacity;
  }

  public synchronized boolean take() {
    long now = System.nanoTime();
    tokens = Math.min(capacity, tokens + (now - last) / 1e6 * perMilli);
    last = now;
    touched = System.currentTimeMillis();
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  }
}
