package io.switchboard.socket;

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
}
