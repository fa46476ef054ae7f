package io.switchboard.live;

import io.switchboard.auth.Actor;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One agent's socket: which inboxes it may see, what it still has to write, and how it resumes. Everything here
 * runs on the socket's event loop.
 *
 * <p>Writes go straight to the socket while it keeps up; otherwise into a bounded queue drained as the socket
 * drains. A socket whose queue fills is closed with {@link CloseCodes#RESYNC}: it resumes by seq, and nobody else
 * waits for it.
 */
final class LiveSocket {

  private static final int RECENT = 4096;

  final long id;
  final ServerWebSocket ws;
  final Actor actor;
  final String sessionKey;
  /** The inboxes this socket receives, its access list; null until loaded. */
  Set<Long> inboxes;
  String presence = "online";
  long lastHeard = System.currentTimeMillis();
  int badFrames;
  int throttled;

  private final LiveGateway gateway;
  private final int queueLimit;
  private final ArrayDeque<String> queue = new ArrayDeque<>();
  /** While set (before hello, during a resume), live frames wait here in arrival order. */
  private List<Pending> held = new ArrayList<>();
  /** Seqs written recently, so a resume never repeats what the socket already got live. */
  private final LinkedHashSet<Long> recent = new LinkedHashSet<>();
  private final RateLimit rate;
  private boolean closed;

  private record Pending(Long seq, String frame) {
  }

  LiveSocket(long id, ServerWebSocket ws, Actor actor, String sessionKey, LiveGateway gateway, int queueLimit, int framesPerSecond) {
    this.id = id;
    this.ws = ws;
    this.actor = actor;
    this.sessionKey = sessionKey;
    this.gateway = gateway;
    this.queueLimit = queueLimit;
    this.rate = new RateLimit(framesPerSecond);
    ws.drainHandler(v -> flush());
  }

  /** A live frame of an inbox this socket may see. */
  void deliver(Long seq, String frame) {
    if (closed) return;
    if (held != null) {
      if (held.size() >= queueLimit) {
        close(CloseCodes.RESYNC, "too far behind; reconnect and resume");
        return;
      }
      held.add(new Pending(seq, frame));
      return;
    }
    write(seq, frame);
  }

  /** Starts holding live frames (until {@link #release}). */
  void hold() {
    if (held == null) held = new ArrayList<>();
  }

  /** Writes what was held, skipping seqs already written (by a resume that overlapped). */
  void release() {
    List<Pending> h = held;
    held = null;
    if (h != null) for (Pending p : h) write(p.seq, p.frame);
  }

  boolean holding() {
    return held != null;
  }

  /** Writes a frame unless its seq was already written to this socket. */
  void write(Long seq, String frame) {
    if (closed) return;
    if (seq != null) {
      if (!recent.add(seq)) return;
      if (recent.size() > RECENT) {
        var it = recent.iterator();
        it.next();
        it.remove();
      }
    }
    if (!queue.isEmpty() || ws.writeQueueFull()) {
      if (queue.size() >= queueLimit) {
        close(CloseCodes.RESYNC, "too far behind; reconnect and resume");
        return;
      }
      queue.add(frame);
      return;
    }
    ws.writeTextMessage(frame);
  }

  void send(JsonObject frame) {
    write(null, frame.encode());
  }

  void error(String code, String message) {
    send(new JsonObject().put("type", "error").put("code", code).put("message", message));
  }

  private void flush() {
    while (!queue.isEmpty() && !ws.writeQueueFull()) ws.writeTextMessage(queue.poll());
  }

  /** Handles one text frame from the client. */
  void onText(String text, int maxBytes) {
    lastHeard = System.currentTimeMillis();
    if (text.length() > maxBytes / 3 && utf8Length(text) > maxBytes) {
      close(CloseCodes.TOO_LARGE, "frame over " + maxBytes + " bytes");
      return;
    }
    if (!rate.take()) {
      if (++throttled > 20) {
        close(CloseCodes.RATE_LIMITED, "too many frames");
        return;
      }
      error("rate_limited", "too many frames; slow down");
      return;
    }
    JsonObject op;
    try {
      op = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      bad("bad_frame", "frames must be JSON objects");
      return;
    }
    Object name = op.getValue("op");
    if (!(name instanceof String s)) {
      bad("bad_frame", "a frame needs an \"op\"");
      return;
    }
    switch (s) {
      case "ping" -> send(new JsonObject().put("type", "pong").put("at", Instant.now().toString()));
      case "resume" -> {
        Object after = op.getValue("after");
        if (!(after instanceof Number n) || n.longValue() < 0 || n.doubleValue() != n.longValue()) {
          bad("bad_resume", "resume needs \"after\": the last seq you received (0 or more)");
          return;
        }
        gateway.resume(this, n.longValue());
      }
      case "typing" -> {
        Object conversation = op.getValue("conversation");
        if (!(conversation instanceof Number n) || n.longValue() <= 0) {
          bad("bad_typing", "typing needs \"conversation\": a conversation id");
          return;
        }
        gateway.typing(this, n.longValue(), !Boolean.FALSE.equals(op.getValue("typing")));
      }
      case "presence" -> {
        Object status = op.getValue("status");
        if (!"online".equals(status) && !"away".equals(status)) {
          bad("bad_presence", "presence status is \"online\" or \"away\"");
          return;
        }
        presence = (String) status;
        gateway.presenceChanged(this);
      }
      default -> bad("unknown_op", "unknown op " + s + " (ops: resume, typing, presence, ping)");
    }
  }

  /** Bytes of a string in UTF-8, without encoding it. */
  static int utf8Length(String s) {
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

  void bad(String code, String message) {
    if (++badFrames > 20) {
      close(CloseCodes.PROTOCOL, "too many bad frames");
      return;
    }
    error(code, message);
  }

  void close(short code, String reason) {
    if (closed) return;
    closed = true;
    queue.clear();
    held = null;
    ws.close(code, reason);
  }

  boolean closed() {
    return closed;
  }

  Set<Long> inboxesOrEmpty() {
    return inboxes == null ? Set.of() : inboxes;
  }

  Set<Long> copyInboxes() {
    return new HashSet<>(inboxesOrEmpty());
  }
}
