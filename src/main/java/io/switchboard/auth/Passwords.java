package io.switchboard.auth;

import io.switchboard.common.ApiError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Argon2id password hashes (BouncyCastle), in the PHC string format. A hash costs tens of milliseconds of CPU and
 * 19 MiB, on purpose, so it runs on a small pool of its own ({@code auth.password_threads}) with a bounded queue
 * ({@code auth.password_queue}): a burst of sign-ins then takes at most that many cores and that much memory, and
 * never the event loops or the shared worker pool that message traffic needs. Work beyond the queue is refused at
 * once (429 with Retry-After) rather than left to pile up.
 */
public final class Passwords {

  private static final int MEMORY_KIB = 19456;
  private static final int ITERATIONS = 2;
  private static final int PARALLELISM = 1;
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();
  /** Verified against when the e-mail is unknown, so a miss costs as long as a wrong password. */
  private static final String DUMMY = hashNow("not-a-real-password");

  private final WorkerExecutor executor;
  /** Hashes running or waiting for a thread, and the most there may be. */
  private final AtomicInteger admitted = new AtomicInteger();
  private final int capacity;

  /** {@code threads}: hashes computed at once on this node; {@code queue}: how many more may wait for a thread. */
  public Passwords(Vertx vertx, int threads, int queue) {
    this.executor = vertx.createSharedWorkerExecutor("switchboard-passwords", threads);
    this.capacity = threads + queue;
  }

  public Future<String> hash(String password) {
    Place place = place();
    if (place == null) return Future.failedFuture(ApiError.rateLimited(1));
    return executor.executeBlocking(() -> hashNow(password), false).onComplete(ar -> place.release());
  }

  /** Checks a password against a stored hash; a null hash (unknown user) still costs a full verification. */
  public Future<Boolean> verify(String password, String stored) {
    Place place = place();
    if (place == null) return Future.failedFuture(ApiError.rateLimited(1));
    return place.verify(password, stored).onComplete(ar -> place.release());
  }

  /**
   * A place in the pool or its queue, or null when both are full. A sign-in takes its place before it asks the
   * database anything, so a burst is turned away at once instead of queueing for database connections that message
   * traffic needs too.
   */
  public Place place() {
    if (admitted.incrementAndGet() > capacity) {
      admitted.decrementAndGet();
      return null;
    }
    return new Place();
  }

  /** One password check's share of the pool; released once, when the work it was taken for is done. */
  public final class Place {
    private final AtomicBoolean released = new AtomicBoolean();

    private Place() {
    }

    public Future<Boolean> verify(String password, String stored) {
      return executor.executeBlocking(() -> verifyNow(password, stored == null ? DUMMY : stored) && stored != null, false);
    }

    public void release() {
      if (released.compareAndSet(false, true)) admitted.decrementAndGet();
    }
  }

  static String hashNow(String password) {
    byte[] salt = Secrets.randomBytes(16);
    byte[] out = derive(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, 32);
    return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$"
        + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
  }

  static boolean verifyNow(String password, String stored) {
    try {
      String[] parts = stored.split("\\$");
      // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
      if (parts.length != 6 || !parts[1].equals("argon2id")) return false;
      int m = 0;
      int t = 0;
      int p = 0;
      for (String kv : parts[3].split(",")) {
        String[] x = kv.split("=");
        switch (x[0]) {
          case "m" -> m = Integer.parseInt(x[1]);
          case "t" -> t = Integer.parseInt(x[1]);
          case "p" -> p = Integer.parseInt(x[1]);
          default -> { }
        }
      }
      byte[] salt = B64D.decode(parts[4]);
      byte[] expected = B64D.decode(parts[5]);
      byte[] actual = derive(password, salt, m, t, p, expected.length);
      return MessageDigest.isEqual(expected, actual);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static byte[] derive(String password, byte[] salt, int memoryKib, int iterations, int parallelism, int len) {
    Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withMemoryAsKB(memoryKib).withIterations(iterations).withParallelism(parallelism)
        .withSalt(salt).build();
    Argon2BytesGenerator gen = new Argon2BytesGenerator();
    gen.init(params);
    byte[] out = new byte[len];
    gen.generateBytes(password.toCharArray(), out);
    return out;
  }
}
