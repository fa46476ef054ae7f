package io.switchboard.live;

import io.vertx.core.http.WebSocketBase;

import java.util.ArrayDeque;

/**
 * Writes text frames to a socket without letting a slow reader hold up anyone: straight through while the socket
 * keeps up, else into a bounded queue drained as it drains. When the queue is full the owner is told (once) and
 * closes the socket; the reader resumes later. Used on the socket's event loop only.
 */
public final class SocketWriter {

  private final WebSocketBase ws;
  private final int limit;
  private final Runnable overflow;
  private final ArrayDeque<String> queue = new ArrayDeque<>();
  private boolean overflowed;

  public SocketWriter(WebSocketBase ws, int limit, Runnable overflow) {
    this.ws = ws;
    this.limit = limit;
    this.overflow = overflow;
    ws.drainHandler(v -> flush());
  }

  public void write(String frame) {
    if (overflowed) return;
    if (!queue.isEmpty() || ws.writeQueueFull()) {
      if (queue.size() >= limit) {
        overflowed = true;
        queue.clear();
        overflow.run();
        return;
      }
      queue.add(frame);
      return;
    }
    ws.writeTextMessage(frame);
  }

  /** Drops what waits (the socket is closing). */
  public void clear() {
    queue.clear();
  }

  private void flush() {
    while (!queue.isEmpty() && !ws.writeQueueFull()) ws.writeTextMessage(queue.poll());
  }

  /** Whether a received text frame is over {@code max} bytes in UTF-8; short frames are not measured at all. */
  public static boolean overBytes(String text, int max) {
    // a UTF-16 unit is 1 to 3 bytes in UTF-8
    return text.length() > max || (text.length() > max / 3 && utf8Length(text) > max);
  }

  /** Bytes of a string in UTF-8, without encoding it. */
  private static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else n += 3;
    }
    return n;
  }
}
