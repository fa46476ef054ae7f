package io.switchboard.common;

import java.nio.file.Path;

/** A file kept on this node's disk, with the type and the name it is handed out under. */
public record StoredFile(Path path, String contentType, String name) {
}
