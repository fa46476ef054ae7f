package io.switchboard.node;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The time features that depend on the time of day read (business hours, auto-replies). The system clock in
 * production; tests set another to simulate a call at 10:00 or at 03:00.
 */
public final class NodeClock extends Clock {

  private volatile Clock current = Clock.systemUTC();

  /** For tests: from now on this node reads the time from {@code clock}. */
  public void set(Clock clock) {
    current = clock;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return current.withZone(zone);
  }

  @Override
  public Instant instant() {
    return current.instant();
  }
}
