package io.switchboard.auth;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed sign-ins per e-mail and per client address in a sliding minute. Over the limit, sign-in answers 429
 * until the window frees up, whether or not the password would have been right.
 */
public final class LoginLimiter {

  private static final long WINDOW_MS = 60_000;

  private final int perMinute;
  private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();

  public LoginLimiter(int perMinute) {
    this.perMinute = perMinute;
  }

  /** Seconds to wait, or 0 when an attempt may go ahead. */
  public int retryAfter(String email, String ip, long now) {
    return Math.max(wait("e:" + email, perMinute, now), wait("i:" + ip, perMinute * 3, now));
  }

  public void failed(String email, String ip, long now) {
    add("e:" + email, now);
    add("i:" + ip, now);
    if (failures.size() > 100_000) sweep(now);
  }

  public void succeeded(String email) {
    failures.remove("e:" + email);
  }

  private int wait(String key, int limit, long now) {
    Deque<Long> d = failures.get(key);
    if (d == null) return 0;
    synchronized (d) {
      prune(d, now);
      if (d.size() < limit) return 0;
      return (int) Math.max(1, (d.peekFirst() + WINDOW_MS - now + 999) / 1000);
    }
  }

  private void add(String key, long now) {
    Deque<Long> d = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
    synchronized (d) {
      prune(d, now);
      d.addLast(now);
    }
  }

  private static void prune(Deque<Long> d, long now) {
    while (!d.isEmpty() && d.peekFirst() <= now - WINDOW_MS) d.removeFirst();
  }

  private void sweep(long now) {
    for (Iterator<Deque<Long>> it = failures.values().iterator(); it.hasNext(); ) {
      Deque<Long> d = it.next();
      synchronized (d) {
        prune(d, now);
        if (d.isEmpty()) it.remove();
      }
    }
  }
}
