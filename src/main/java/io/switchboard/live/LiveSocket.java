package io.switchboard.live;

import io.switchboard.socket.FrameReader;
import io.switchboard.socket.SocketWriter;
import io.switchboard.auth.Actor;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
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


  final long id;
  final ServerWebSocket ws;
  final Actor actor;
  final String sessionKey;
  /** The inboxes this socket receives, its access list; null until loaded. */
  Set<Long> inboxes;
  String presence = "online";
  long lastHeard = System.currentTimeMillis();

  private final LiveGateway gateway;
  private final int queueLimit;
  private final SocketWriter out;
  /** While set (before hello, during a resume), live frames wait here in arrival order. */
  private List<Pending> held = new ArrayList<>();
  /**
   * Events reach a socket in seq order (one node publishes them, and the bus keeps one sender's order), so two
   * numbers are enough to never write an event twice: the highest seq written, and the first one that came live
   * (a resume replays only what is older). A set of seen seqs would cost every busy socket far more memory.
   */
  private long lastSent = -1;
  private Long firstLive;
  private final FrameReader frames;
  private boolean closed;
  /**
   * Operations that came while the socket was starting (before hello) or resuming: served in order once it is
   * ready, so a client may send resume the moment the socket opens. Bounded like everything a client sends.
   */
  private List<JsonObject> deferred;
  private static final int MAX_DEFERRED = 16;

  private record Pending(Long seq, String frame) {
  }

  LiveSocket(long id, ServerWebSocket ws, Actor actor, String sessionKey, LiveGateway gateway, int queueLimit, int framesPerSecond,
             int maxFrameBytes) {
    this.id = id;
    this.ws = ws;
    this.actor = actor;
    this.sessionKey = sessionKey;
    this.gateway = gateway;
    this.queueLimit = queueLimit;
    this.frames = new FrameReader(new FrameReader.Peer() {
      @Override
      public void send(JsonObject frame) {
        LiveSocket.this.send(frame);
      }

      @Override
      public void close(short code, String reason) {
        LiveSocket.this.close(code, reason);
      }
    }, maxFrameBytes, framesPerSecond);
    this.out = new SocketWriter(ws, queueLimit, () -> close(CloseCodes.RESYNC, "too far behind; reconnect and resume"));
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

  /** Writes what was held, skipping seqs already written (by a resume that overlapped), then serves deferred operations. */
  void release() {
    List<Pending> h = held;
    held = null;
    if (h != null) for (Pending p : h) write(p.seq, p.frame);
    // one at a time: a deferred resume holds the socket again, and what follows it waits for it
    while (deferred != null && !deferred.isEmpty() && held == null && !closed) handle(deferred.remove(0));
  }

  boolean holding() {
    return held != null;
  }

  /** Writes a live frame, unless its event was already written (republished after a change of publishing node). */
  void write(Long seq, String frame) {
    if (closed) return;
    if (seq != null) {
      if (seq <= lastSent) return;
      lastSent = seq;
      if (firstLive == null) firstLive = seq;
    }
    out.write(frame);
  }

  /** Writes an event a resume found; the gateway only replays what is older than {@link #firstLive()}, in order. */
  void replay(long seq, String frame) {
    if (closed) return;
    lastSent = Math.max(lastSent, seq);
    out.write(frame);
  }

  /** The seq of the first event this socket got live, or null. */
  Long firstLive() {
    return firstLive;
  }

  void send(JsonObject frame) {
    write(null, frame.encode());
  }

  void error(String code, String message) {
    send(new JsonObject().put("type", "error").put("code", code).put("message", message));
  }

  /** Handles one text frame from the client. */
  void onText(String text) {
    lastHeard = System.currentTimeMillis();
    JsonObject op = frames.read(text);
    if (op == null) return;
    if (held != null) {
      if (deferred == null) deferred = new ArrayList<>();
      if (deferred.size() >= MAX_DEFERRED) {
        bad("busy", "at most " + MAX_DEFERRED + " operations may wait while the connection starts or resumes");
        return;
      }
      deferred.add(op);
      return;
    }
    handle(op);
  }

  void binary() {
    frames.binary();
  }

  private void handle(JsonObject op) {
    String s = op.getString("op");
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

  void bad(String code, String message) {
    frames.bad(code, message);
  }

  void close(short code, String reason) {
    if (closed) return;
    closed = true;
    out.clear();
    held = null;
    deferred = null;
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
