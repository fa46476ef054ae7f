package io.switchboard.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.security.MessageDigest;
import java.util.Base64;

/**
 * Argon2id password hashes (BouncyCastle), in the PHC string format, computed on worker threads: a hash costs
 * tens of milliseconds and 19 MiB, which must never stall an event loop.
 */
public final class Passwords {

  private static final int MEMORY_KIB = 19456;
  private static final int ITERATIONS = 2;
  private static final int PARALLELISM = 1;
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();
  /** Verified against when the e-mail is unknown, so a miss costs as long as a wrong password. */
  private static final String DUMMY = hashNow("not-a-real-password");

  private final Vertx vertx;

  public Passwords(Vertx vertx) {
    this.vertx = vertx;
  }

  public Future<String> hash(String password) {
    return vertx.executeBlocking(() -> hashNow(password), false);
  }

  /** Checks a password against a stored hash; a null hash (unknown user) still costs a full verification. */
  public Future<Boolean> verify(String password, String stored) {
    return vertx.executeBlocking(() -> {
      boolean ok = verifyNow(password, stored == null ? DUMMY : stored);
      return ok && stored != null;
    }, false);
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
