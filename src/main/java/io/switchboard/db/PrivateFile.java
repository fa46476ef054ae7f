package io.switchboard.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A one-line secret the hub keeps beside its data (the embedded database's password, the key endpoint secrets are
 * sealed with), in a file only the hub's user may read or write (0600). Blocking file work: start-up only.
 */
public final class PrivateFile {

  private static final Logger log = LoggerFactory.getLogger(PrivateFile.class);
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final SecureRandom RANDOM = new SecureRandom();

  private PrivateFile() {
  }

  /** The secret in {@code file}; when there is no such file, {@code generate}'s value, written there first. */
  public static String readOrCreate(Path file, Supplier<String> generate) throws IOException {
    if (Files.exists(file)) return read(file);
    String secret = generate.get();
    Files.createDirectories(file.toAbsolutePath().getParent());
    // written whole under a temporary name created 0600, then renamed: the secret is never readable by others,
    // and a crash leaves either no file or the whole one
    Path tmp = posix()
        ? Files.createTempFile(file.toAbsolutePath().getParent(), ".new-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
        : Files.createTempFile(file.toAbsolutePath().getParent(), ".new-", ".tmp");
    try {
      Files.writeString(tmp, secret + "\n", StandardCharsets.UTF_8);
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    log.info("created {} (readable by this user only)", file);
    return secret;
  }

  /** The secret in an existing file; its permissions are narrowed to the owner when they were wider. */
  public static String read(Path file) throws IOException {
    if (posix()) {
      Set<PosixFilePermission> now = Files.getPosixFilePermissions(file);
      if (!OWNER_ONLY.containsAll(now)) {
        log.warn("{} was readable by others ({}); narrowed to rw-------", file, PosixFilePermissions.toString(now));
        Files.setPosixFilePermissions(file, OWNER_ONLY);
      }
    }
    String secret = Files.readString(file, StandardCharsets.UTF_8).trim();
    if (secret.isEmpty()) throw new IllegalStateException(file + " is empty; restore it from a backup of the data directory");
    return secret;
  }

  /** {@code bytes} random bytes in URL-safe base64: safe in a file, a SQL literal and a connection URL. */
  public static String randomToken(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }
}
