package io.switchboard.channel.widget;

/**
 * A token bucket: {@code capacity} tokens refilled evenly over {@code periodMillis}. Synchronized, because a
 * visitor's message budget is shared by their sockets on every event loop of the node.
 */
final class Bucket {

  private final double capacity;
  private final double perMilli;
  private double tokens;
  private long last = System.nanoTime();
  /** When the bucket was last used, so idle ones can be dropped. */
  volatile long touched = System.currentTimeMillis();

  Bucket(int capacity, long periodMillis) {
    this.capacity = capacity;
    this.perMilli = capacity / (double) periodMillis;
    this.tokens = capacity;
  }

  synchronized boolean take() {
    long now = System.nanoTime();
    tokens = Math.min(capacity, tokens + (now - last) / 1e6 * perMilli);
    last = now;
    touched = System.currentTimeMillis();
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  }
}
