package io.switchboard.attachment;

import io.switchboard.common.ApiError;
import io.switchboard.common.StoredFile;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Attachment bytes on disk, content-addressed by SHA-256 ({@code ab/cd/abcd…}): the same file received twice is
 * stored once, a write is idempotent, and a crash mid-write leaves no half file under a final name. Hashing and
 * writing run on worker threads.
 */
public final class AttachmentStore {

  public record Stored(String sha256, long size) {
  }

  private final Vertx vertx;
  private final Path root;
  private final long maxBytes;

  public AttachmentStore(Vertx vertx, Path root, long maxBytes) {
    this.vertx = vertx;
    this.root = root.toAbsolutePath();
    this.maxBytes = maxBytes;
  }

  public long maxBytes() {
    return maxBytes;
  }

  public Future<Stored> put(Buffer content) {
    if (content.length() > maxBytes) {
      return Future.failedFuture(ApiError.tooLarge("attachments are limited to " + maxBytes + " bytes"));
    }
    byte[] bytes = content.getBytes();
    return vertx.executeBlocking(() -> {
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
      Path target = path(sha);
      if (!Files.exists(target)) {
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), ".up-", ".tmp");
        try {
          Files.write(tmp, bytes);
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
      return new Stored(sha, bytes.length);
    }, false);
  }

  public Path path(String sha256) {
    if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) throw new IllegalArgumentException("not a sha256: " + sha256);
    return root.resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4)).resolve(sha256);
  }

  /**
   * The file of the attachment row {@code found} yields, as it is served; null when there is no row or its bytes
   * were never stored (a download that failed).
   */
  public Future<StoredFile> file(Future<io.vertx.sqlclient.Row> found) {
    return found.map(r -> r == null || !"stored".equals(r.getString("status")) ? null
        : new StoredFile(path(r.getString("sha256")), r.getString("content_type"),
            r.getString("filename") == null ? "file-" + r.getLong("id") : r.getString("filename")));
  }

  public Future<Buffer> read(String sha256) {
    return vertx.fileSystem().readFile(path(sha256).toString());
  }
}
