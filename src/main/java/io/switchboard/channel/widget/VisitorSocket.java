package io.switchboard.channel.widget;

import io.switchboard.socket.FrameReader;
import io.switchboard.socket.SocketWriter;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * One visitor's socket: who they are once their hello is accepted, the conversation it follows, and a bounded
 * write queue. Runs on its event loop only. Frames are parsed and checked here; what they ask for is done by the
 * {@link WidgetGateway}.
 */
final class VisitorSocket {

  private static final int QUEUE_LIMIT = 500;

  final long id;
  final ServerWebSocket ws;
  final String origin;
  Endpoint endpoint;
  /** Set by an accepted hello. */
  String visitor;
  boolean identified;
  String name;
  String email;
  String pageUrl;
  Long contactId;
  Long conversationId;
  long lastDelivered;
  long lastRead;
  /** Counted against the visitor's socket limit. */
  boolean admitted;
  long lastHeard = System.currentTimeMillis();
  final long openedAt = System.currentTimeMillis();

  private final WidgetGateway gateway;
  private final FrameReader frames;
  private final SocketWriter out;
  /** Live frames that arrive while the hello is being prepared wait here. */
  private List<String> held;
  private boolean helloSeen;
  private boolean closed;

  VisitorSocket(long id, ServerWebSocket ws, Endpoint endpoint, String origin, WidgetGateway gateway, int framesPerSecond,
                int maxFrameBytes) {
    this.id = id;
    this.ws = ws;
    this.endpoint = endpoint;
    this.origin = origin;
    this.gateway = gateway;
    this.frames = new FrameReader(new FrameReader.Peer() {
      @Override
      public void send(JsonObject frame) {
        VisitorSocket.this.send(frame);
      }

      @Override
      public void close(short code, String reason) {
        VisitorSocket.this.close(code, reason);
      }
    }, maxFrameBytes, framesPerSecond);
    this.out = new SocketWriter(ws, QUEUE_LIMIT, () -> close(WidgetGateway.GOING_AWAY, "too far behind; reconnect"));
  }

  boolean ready() {
    return visitor != null && held == null;
  }

  boolean closed() {
    return closed;
  }

  void onText(String text) {
    lastHeard = System.currentTimeMillis();
    JsonObject f = frames.read(text);
    if (f == null) return;
    String op = f.getString("op");
    if (!helloSeen && !op.equals("hello") && !op.equals("ping")) {
      bad("not_ready", "send hello first");
      return;
    }
    switch (op) {
      case "hello" -> {
        if (helloSeen) {
          bad("bad_frame", "hello is sent once per connection");
          return;
        }
        helloSeen = true;
        hold();
        gateway.hello(this, f);
      }
      case "message" -> gateway.message(this, f);
      case "history" -> gateway.history(this, f);
      case "typing" -> gateway.typing(this, !Boolean.FALSE.equals(f.getValue("typing")));
      case "received", "read" -> {
        if (!(f.getValue("up_to") instanceof Number n) || n.longValue() <= 0) {
          bad("bad_frame", op + " needs \"up_to\": the id of the newest agent message shown");
          return;
        }
        gateway.receipt(this, n.longValue(), op.equals("read"));
      }
      case "rate" -> gateway.rate(this, f);
      case "ping" -> send(new JsonObject().put("type", "pong"));
      default -> bad("unknown_op", "unknown op " + op + " (ops: hello, message, history, typing, received, read, rate, ping)");
    }
  }

  /** A frame from the bus (an agent's reply, typing, read, status), in order, after the hello. */
  void deliver(String frame) {
    if (closed) return;
    if (held != null) {
      if (held.size() >= QUEUE_LIMIT) {
        close(WidgetGateway.GOING_AWAY, "too far behind; reconnect");
        return;
      }
      held.add(frame);
      return;
    }
    write(frame);
  }

  void hold() {
    if (held == null) held = new ArrayList<>();
  }

  /** Writes what arrived during the hello; {@code skip} filters frames the hello already contained. */
  void release(java.util.function.Predicate<String> skip) {
    List<String> h = held;
    held = null;
    if (h != null) for (String frame : h) if (!skip.test(frame)) write(frame);
  }

  void send(JsonObject frame) {
    write(frame.encode());
  }

  void error(String code, String message, String clientId) {
    JsonObject e = new JsonObject().put("type", "error").put("code", code).put("message", message);
    if (clientId != null) e.put("id", clientId);
    send(e);
  }

  void bad(String code, String message) {
    frames.bad(code, message);
  }

  void binary() {
    frames.binary();
  }

  private void write(String frame) {
    if (closed) return;
    out.write(frame);
  }

  void close(short code, String reason) {
    if (closed) return;
    closed = true;
    out.clear();
    held = null;
    ws.close(code, reason);
  }
}
