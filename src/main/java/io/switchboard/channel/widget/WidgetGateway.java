package io.switchboard.channel.widget;

import io.switchboard.socket.FrameReader;
import io.switchboard.socket.TokenBucket;
import io.switchboard.ingest.Ingest;
import io.switchboard.node.Node;
import io.switchboard.event.EventType;
import io.switchboard.event.Events;
import io.switchboard.event.Frames;
import io.switchboard.http.Rest;
import io.switchboard.common.ApiError;
import io.switchboard.inbox.Endpoints;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * {@code GET /widget/ws?key=<widget key>}: visitors' sockets, separate from the agents' live gateway. One per HTTP
 * verticle instance, confined to its event loop.
 *
 * <p>Routing: a visitor's sockets (every tab, on any node) listen on the event-bus address
 * {@code widget.<endpoint id>.<visitor>}, where the widget's sender publishes agents' replies and where a visitor's
 * own messages are echoed to their other tabs. Agents' typing, "read" and widget changes come from the inbox's
 * stream ({@code inbox.<id>}), filtered by header type before anything is parsed. What a visitor does is handled by
 * {@link VisitorOps}.
 */
public final class WidgetGateway {

  private static final Logger log = LoggerFactory.getLogger(WidgetGateway.class);

  static final short GOING_AWAY = 4100;
  static final short BAD_TOKEN = 4401;
  static final short IDENTITY = 4403;
  static final short GONE = 4404;
  static final short HEARTBEAT = 4408;
  static final short RATE_LIMITED = FrameReader.RATE_LIMITED;
  static final short DRAIN = 4503;

  private static final Pattern KEY = Pattern.compile("^k_[A-Za-z0-9_-]{8,64}$");
  private static final long HELLO_TIMEOUT_MS = 10_000;
  private static final AtomicInteger IDS = new AtomicInteger();

  /** Per node, across gateway instances: a visitor's open sockets and message budget. */
  static final class VisitorState {
    final AtomicInteger sockets = new AtomicInteger();
    final TokenBucket messages;

    VisitorState(int perMinute) {
      messages = new TokenBucket(perMinute, 60_000);
    }
  }

  static final Map<String, VisitorState> VISITORS = new ConcurrentHashMap<>();

  private final Node node;
  private final Vertx vertx;
  final WidgetStore store;
  private final VisitorOps ops;
  private final int framesPerSecond;
  private final int maxFrameBytes;
  final int messagesPerMinute;
  private final int socketsPerVisitor;
  private final long heartbeatMs;
  private final long timer;

  private final Set<VisitorSocket> all = new HashSet<>();
  private final Map<String, Sub> visitors = new HashMap<>();
  private final Map<Long, Sub> inboxes = new HashMap<>();
  private final Map<Long, Set<VisitorSocket>> conversations = new HashMap<>();

  private static final class Sub {
    final Set<VisitorSocket> sockets = new HashSet<>();
    MessageConsumer<String> consumer;
  }

  public WidgetGateway(Node node, Ingest ingest, Vertx vertx) {
    this.node = node;
    this.vertx = vertx;
    this.store = new WidgetStore(node.db());
    this.ops = new VisitorOps(node, ingest, this);
    var c = node.config();
    this.framesPerSecond = c.widget().framesPerSecond();
    this.maxFrameBytes = c.widget().maxFrameBytes();
    this.messagesPerMinute = c.widget().messagesPerMinute();
    this.socketsPerVisitor = c.widget().socketsPerVisitor();
    this.heartbeatMs = c.live().heartbeatSeconds() * 1000;
    this.timer = vertx.setPeriodic(Math.min(heartbeatMs, HELLO_TIMEOUT_MS / 2), id -> beat());
  }

  /** The event-bus address a visitor's sockets listen on. */
  static String address(long endpointId, String visitor) {
    return "widget." + endpointId + "." + visitor;
  }

  // ---- connecting ----

  public void upgrade(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    String key = req.getParam("key");
    if (key == null || !KEY.matcher(key).matches()) {
      Rest.fail(ctx, ApiError.notFound("widget"));
      return;
    }
    if (!"websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
      Rest.fail(ctx, ApiError.validation(null, "this address takes a WebSocket upgrade"));
      return;
    }
    req.pause();
    Endpoints.byAddress(node.db().pool(), "widget", key).onComplete(ar -> {
      if (ar.failed()) {
        Rest.fail(ctx, ar.cause());
        return;
      }
      Endpoint ep = ar.result();
      if (ep == null) {
        Rest.fail(ctx, ApiError.notFound("widget"));
        return;
      }
      String origin = req.getHeader("Origin");
      if (!originAllowed(ep, origin)) {
        log.info("widget {}: refused a connection from origin {}", ep.id(), origin);
        Rest.fail(ctx, ApiError.forbidden("this site may not embed this chat widget (see the widget's allowed_origins)"));
        return;
      }
      req.toWebSocket().onComplete(ws -> {
        if (ws.failed()) log.debug("widget upgrade failed: {}", ws.cause().toString());
        else open(ws.result(), ep, origin);
      });
    });
  }

  /** An empty {@code allowed_origins} lets any site embed the widget; otherwise the page's origin must be listed. */
  static boolean originAllowed(Endpoint ep, String origin) {
    Object list = ep.settings().getValue("allowed_origins");
    if (!(list instanceof JsonArray allowed) || allowed.isEmpty()) return true;
    if (allowed.contains("*")) return true;
    if (origin == null) return false;
    String o = normalise(origin);
    for (Object a : allowed) if (a instanceof String s && normalise(s).equals(o)) return true;
    return false;
  }

  static String normalise(String url) {
    try {
      URI u = URI.create(url.trim());
      if (u.getScheme() == null || u.getHost() == null) return url.trim().toLowerCase();
      int port = u.getPort();
      boolean defaultPort = port == -1 || (port == 80 && u.getScheme().equalsIgnoreCase("http"))
          || (port == 443 && u.getScheme().equalsIgnoreCase("https"));
      return u.getScheme().toLowerCase() + "://" + u.getHost().toLowerCase() + (defaultPort ? "" : ":" + port);
    } catch (IllegalArgumentException e) {
      return url.trim().toLowerCase();
    }
  }

  private void open(ServerWebSocket ws, Endpoint ep, String origin) {
    VisitorSocket s = new VisitorSocket(IDS.incrementAndGet(), ws, ep, origin, this, framesPerSecond, maxFrameBytes);
    all.add(s);
    ws.textMessageHandler(s::onText);
    ws.binaryMessageHandler(b -> s.binary());
    ws.pongHandler(p -> s.lastHeard = System.currentTimeMillis());
    ws.exceptionHandler(t -> log.debug("widget socket {}: {}", s.id, t.toString()));
    ws.closeHandler(v -> closed(s));
  }

  /** Counts the socket against its visitor's limit; false when they have too many open. */
  boolean admit(VisitorSocket s) {
    String key = s.endpoint.id() + "\n" + s.visitor;
    boolean[] ok = {true};
    VISITORS.compute(key, (k, v) -> {
      VisitorState st = v == null ? new VisitorState(messagesPerMinute) : v;
      if (st.sockets.incrementAndGet() > socketsPerVisitor) {
        st.sockets.decrementAndGet();
        ok[0] = false;
      }
      return st;
    });
    s.admitted = ok[0];
    return ok[0];
  }

  VisitorState state(VisitorSocket s) {
    return VISITORS.computeIfAbsent(s.endpoint.id() + "\n" + s.visitor, k -> new VisitorState(messagesPerMinute));
  }

  private void closed(VisitorSocket s) {
    if (!s.closed()) s.close((short) 1000, "closed");
    if (!all.remove(s)) return;
    if (s.admitted) {
      VisitorState st = VISITORS.get(s.endpoint.id() + "\n" + s.visitor);
      if (st != null) st.sockets.decrementAndGet();
    }
    if (s.visitor != null) leave(visitors, address(s.endpoint.id(), s.visitor), s);
    leave(inboxes, s.endpoint.inboxId(), s);
    if (s.conversationId != null) {
      Set<VisitorSocket> set = conversations.get(s.conversationId);
      if (set != null && set.remove(s) && set.isEmpty()) conversations.remove(s.conversationId);
    }
  }

  private static <K> void leave(Map<K, Sub> subs, K key, VisitorSocket s) {
    Sub sub = subs.get(key);
    if (sub == null || !sub.sockets.remove(s)) return;
    if (sub.sockets.isEmpty()) {
      subs.remove(key);
      sub.consumer.unregister();
    }
  }

  /** Listens for the visitor's own address and their widget's inbox; completes when both are registered. */
  Future<Void> listen(VisitorSocket s) {
    String address = address(s.endpoint.id(), s.visitor);
    Sub v = visitors.get(address);
    if (v == null) {
      Sub created = new Sub();
      created.consumer = vertx.eventBus().consumer(address, m -> fromVisitorAddress(created, m));
      visitors.put(address, created);
      v = created;
    }
    v.sockets.add(s);
    long inbox = s.endpoint.inboxId();
    Sub i = inboxes.get(inbox);
    if (i == null) {
      Sub created = new Sub();
      created.consumer = vertx.eventBus().consumer(Events.inboxAddress(inbox), m -> fromInbox(created, m));
      inboxes.put(inbox, created);
      i = created;
    }
    i.sockets.add(s);
    return Future.all(v.consumer.completion(), i.consumer.completion()).mapEmpty();
  }

  /** From now on the socket receives typing and read state of this conversation. */
  void follow(VisitorSocket s, long conversationId) {
    // a socket that closed while its hello or message was in flight must not be registered again
    if (s.conversationId != null || s.closed()) return;
    s.conversationId = conversationId;
    conversations.computeIfAbsent(conversationId, k -> new HashSet<>()).add(s);
  }

  // ---- delivering ----

  private void fromVisitorAddress(Sub sub, Message<String> m) {
    String from = m.headers().get("from");
    String conversation = m.headers().get("conversation");
    for (VisitorSocket s : new ArrayList<>(sub.sockets)) {
      if (s.closed() || String.valueOf(s.id).equals(from) && node.nodeId().equals(m.headers().get("node"))) continue;
      if (conversation != null && s.conversationId == null) follow(s, Long.parseLong(conversation));
      s.deliver(m.body());
    }
  }

  /** Publishes a frame to every socket of a visitor, on any node, except the one it came from. */
  void toVisitor(VisitorSocket origin, long conversationId, JsonObject frame) {
    vertx.eventBus().publish(address(origin.endpoint.id(), origin.visitor), frame.encode(), new DeliveryOptions()
        .addHeader("from", String.valueOf(origin.id)).addHeader("node", node.nodeId())
        .addHeader("conversation", String.valueOf(conversationId)));
  }

  private void fromInbox(Sub sub, Message<String> m) {
    String type = m.headers().get("type");
    if (!EventType.TYPING.equals(type) && !EventType.CONVERSATION_READ.equals(type) && !EventType.INBOX_UPDATED.equals(type)) return;
    JsonObject f = new JsonObject(m.body());
    JsonObject data = f.getJsonObject("data", new JsonObject());
    if (EventType.INBOX_UPDATED.equals(type)) {
      endpointChanged(sub, data.getJsonObject("endpoint"));
      return;
    }
    Long conversation = f.getLong("conversation");
    JsonObject user = data.getJsonObject("user");
    Set<VisitorSocket> targets = conversation == null ? null : conversations.get(conversation);
    // typing frames from visitors carry a contact, not a user: only agents' typing goes to the visitor
    if (targets == null || user == null) return;
    JsonObject agent = new JsonObject().put("name", user.getString("name"));
    JsonObject out = EventType.TYPING.equals(type)
        ? new JsonObject().put("type", "typing").put("typing", data.getBoolean("typing", true)).put("agent", agent)
        : new JsonObject().put("type", "read").put("at", data.getString("read_at", f.getString("at"))).put("agent", agent);
    for (VisitorSocket s : new ArrayList<>(targets)) s.deliver(out.encode());
  }

  private void endpointChanged(Sub sub, JsonObject e) {
    if (e == null || e.getLong("id") == null) return;
    long id = e.getLong("id");
    for (VisitorSocket s : new ArrayList<>(sub.sockets)) {
      if (s.endpoint.id() != id) continue;
      if (Boolean.TRUE.equals(e.getBoolean("deleted"))) {
        s.error("gone", "this chat widget no longer exists", null);
        s.close(GONE, "widget deleted");
        continue;
      }
      boolean enabled = e.getBoolean("enabled", true);
      String reason = e.getString("disabled_reason");
      Endpoint ep = s.endpoint;
      s.endpoint = new Endpoint(ep.id(), ep.workspaceId(), ep.inboxId(), ep.channel(), ep.address(), e.getString("name", ep.name()),
          ep.primary(), enabled, reason, ep.settings(), ep.sealed(), ep.sandbox());
      s.deliver(new JsonObject().put("type", "status").put("enabled", enabled).put("disabled_reason", reason).encode());
    }
  }

  /** A visitor's typing, to the agents of the inbox (the agents' gateway delivers inbox frames to members). */
  void publishTyping(VisitorSocket s, boolean on) {
    long inbox = s.endpoint.inboxId();
    String frame = Frames.of(null, EventType.TYPING, inbox, s.conversationId, Instant.now().toString(),
        new JsonObject().put("contact", new JsonObject().put("id", s.contactId).put("name", s.name)).put("typing", on));
    vertx.eventBus().publish(Events.inboxAddress(inbox), frame, new DeliveryOptions().addHeader("type", EventType.TYPING));
  }

  // ---- ops, handed on ----

  void hello(VisitorSocket s, JsonObject f) {
    ops.hello(s, f);
  }

  void message(VisitorSocket s, JsonObject f) {
    ops.message(s, f);
  }

  void history(VisitorSocket s, JsonObject f) {
    ops.history(s, f);
  }

  void typing(VisitorSocket s, boolean on) {
    ops.typing(s, on);
  }

  void receipt(VisitorSocket s, long upTo, boolean read) {
    ops.receipt(s, upTo, read);
  }

  void rate(VisitorSocket s, JsonObject f) {
    ops.rate(s, f);
  }

  // ---- upkeep ----

  private void beat() {
    long now = System.currentTimeMillis();
    Buffer ping = Buffer.buffer("hb");
    for (VisitorSocket s : new ArrayList<>(all)) {
      if (s.closed()) continue;
      if (s.visitor == null && now - s.openedAt > HELLO_TIMEOUT_MS) s.close(HEARTBEAT, "no hello");
      else if (now - s.lastHeard > heartbeatMs * 5 / 2) s.close(HEARTBEAT, "no heartbeat");
      else if (now - s.lastHeard > heartbeatMs / 2) s.ws.writePing(ping);
    }
    // budgets of visitors gone for two minutes are dropped (kept that long so reconnecting does not refill them)
    for (String key : VISITORS.keySet()) {
      VISITORS.computeIfPresent(key, (k, v) -> v.sockets.get() <= 0 && now - v.messages.touched > 120_000 ? null : v);
    }
  }

  /** Closes every socket with a code that tells the widget to reconnect (to any node). */
  public void drain() {
    vertx.cancelTimer(timer);
    for (VisitorSocket s : new ArrayList<>(all)) s.close(DRAIN, "server shutting down; reconnect");
  }
}
