package io.switchboard.live;

import io.switchboard.node.Node;
import io.switchboard.auth.Actor;
import io.switchboard.auth.web.Authenticator;
import io.switchboard.auth.Secrets;
import io.switchboard.event.EventType;
import io.switchboard.event.Events;
import io.switchboard.event.UserSignals;
import io.switchboard.event.Frames;
import io.switchboard.http.Rest;
import io.switchboard.common.ApiError;
import io.switchboard.common.Times;
import io.switchboard.inbox.Access;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /live}: agents' sockets. One gateway per HTTP verticle instance, confined to its event loop.
 *
 * <p>Fan-out: one event-bus consumer per inbox (address {@code inbox.<id>}) for all of this instance's sockets
 * that may see it, so the same code serves a clustered bus. Access: a socket receives an inbox's frames only
 * while that inbox is in its access list, loaded from memberships after it subscribes to its user's control
 * address (so no grant or revoke falls in between), and changed the moment a grant or revoke arrives there.
 */
public final class LiveGateway {

  private static final Logger log = LoggerFactory.getLogger(LiveGateway.class);
  /** Node-wide, across gateway instances, for the sockets-per-user limit. */
  private static final Map<Long, AtomicInteger> PER_USER = new ConcurrentHashMap<>();
  private static final AtomicInteger OPEN = new AtomicInteger();
  private static final AtomicInteger IDS = new AtomicInteger();

  private final Node node;
  private final Authenticator auth;
  private final Vertx vertx;
  private final Presence presence;
  private final int queueLimit;
  private final int maxFrameBytes;
  private final int framesPerSecond;
  private final int socketsPerUser;
  private final int resumeLimit;
  private final long heartbeatMs;
  private final Set<String> allowedOrigins = new HashSet<>();

  private final Map<Long, Set<LiveSocket>> byUser = new HashMap<>();
  private final Map<Long, UserSub> users = new HashMap<>();
  private final Map<Long, InboxSub> inboxes = new HashMap<>();
  /** conversation → inbox, for typing; small and bounded. */
  private final Map<Long, Long> conversationInbox = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, Long> e) {
      return size() > 10_000;
    }
  };
  private long heartbeat;

  private static final class InboxSub {
    final Set<LiveSocket> sockets = new HashSet<>();
    MessageConsumer<String> consumer;
  }

  private static final class UserSub {
    MessageConsumer<String> consumer;
    Future<Void> ready;
  }

  public LiveGateway(Node node, Authenticator auth, Presence presence, Vertx vertx) {
    this.auth = auth;
    this.node = node;
    this.vertx = vertx;
    this.presence = presence;
    var c = node.config();
    this.queueLimit = c.live().queueLimit();
    this.maxFrameBytes = c.live().maxFrameBytes();
    this.framesPerSecond = c.live().framesPerSecond();
    this.socketsPerUser = c.live().socketsPerUser();
    this.resumeLimit = c.live().resumeLimit();
    this.heartbeatMs = c.live().heartbeatSeconds() * 1000;
    allowedOrigins.add(origin(c.http().publicUrl()));
    c.http().allowedOrigins().forEach(o -> allowedOrigins.add(origin(o)));
    heartbeat = vertx.setPeriodic(heartbeatMs, id -> beat());
  }

  public static int openSockets() {
    return OPEN.get();
  }

  // ---- connecting ----

  public void upgrade(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    Long after;
    try {
      after = after(req.getParam("after"));
    } catch (ApiError e) {
      Rest.fail(ctx, e);
      return;
    }
    // authentication is asynchronous: keep the upgrade request unread until we decide
    req.pause();
    auth.authenticate(req, true).onComplete(ar -> {
      if (ar.failed()) {
        Rest.fail(ctx, ar.cause());
        return;
      }
      Actor a = ar.result();
      if (a == null) {
        Rest.fail(ctx, ApiError.unauthorized("sign in, or pass ?access_token="));
        return;
      }
      // a cookie rides along on any page's request: only our own pages may open a socket with it
      if (!a.viaToken() && !originAllowed(req)) {
        Rest.fail(ctx, ApiError.forbidden("this origin may not open a live connection"));
        return;
      }
      AtomicInteger mine = PER_USER.computeIfAbsent(a.userId(), k -> new AtomicInteger());
      if (mine.incrementAndGet() > socketsPerUser) {
        mine.decrementAndGet();
        Rest.fail(ctx, new ApiError(429, "rate_limited", "at most " + socketsPerUser + " live connections per user", null, 5));
        return;
      }
      // the key of the session or personal token it came with: ending either closes the socket
      String sessionKey = Secrets.key(Authenticator.credentialKey(req, a, true));
      req.toWebSocket().onComplete(ws -> {
        if (ws.failed()) {
          mine.decrementAndGet();
          log.debug("live upgrade failed: {}", ws.cause().toString());
          return;
        }
        open(ws.result(), a, sessionKey, after);
      });
    });
  }

  private boolean originAllowed(HttpServerRequest req) {
    String origin = req.getHeader("Origin");
    if (origin == null) return true; // not a browser: no ambient-credential attack to stop
    String o = origin(origin);
    if (allowedOrigins.contains(o) || allowedOrigins.contains("*")) return true;
    String host = req.getHeader("Host");
    try {
      return host != null && host.equalsIgnoreCase(URI.create(origin).getRawAuthority());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String origin(String url) {
    try {
      URI u = URI.create(url.trim());
      if (u.getScheme() == null || u.getHost() == null) return url.trim();
      int port = u.getPort();
      boolean defaultPort = port == -1 || (port == 80 && u.getScheme().equals("http")) || (port == 443 && u.getScheme().equals("https"));
      return u.getScheme().toLowerCase() + "://" + u.getHost().toLowerCase() + (defaultPort ? "" : ":" + port);
    } catch (IllegalArgumentException e) {
      return url.trim();
    }
  }

  /** {@code ?after=N}: resume from seq N as soon as the socket is ready; null when not asked. */
  private static Long after(String raw) {
    if (raw == null) return null;
    try {
      long n = Long.parseLong(raw.trim());
      if (n >= 0) return n;
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw ApiError.validation("after", "after must be the last seq you received (0 or more)");
  }

  private void open(ServerWebSocket ws, Actor a, String sessionKey, Long after) {
    OPEN.incrementAndGet();
    LiveSocket s = new LiveSocket(IDS.incrementAndGet(), ws, a, sessionKey, this, queueLimit, framesPerSecond, maxFrameBytes);
    s.hold();
    byUser.computeIfAbsent(a.userId(), k -> new HashSet<>()).add(s);
    ws.textMessageHandler(s::onText);
    ws.binaryMessageHandler(b -> s.binary());
    ws.pongHandler(p -> s.lastHeard = System.currentTimeMillis());
    ws.exceptionHandler(t -> log.debug("live socket {}: {}", s.id, t.toString()));
    ws.closeHandler(v -> closed(s));
    userSub(a.userId()).compose(v -> loadInboxes(s)).onComplete(ar -> {
      if (s.closed()) return;
      if (ar.failed()) {
        s.close((short) 1011, "try again shortly");
        return;
      }
      String status = presence.update(a.userId(), s.id, s.presence);
      if (status != null) publishPresence(a, status, s.inboxesOrEmpty());
      node.db().one("SELECT last_seq FROM event_counter WHERE id = 1").onComplete(c -> {
        if (s.closed()) return;
        JsonObject hello = new JsonObject().put("type", "hello")
            .put("user", new JsonObject().put("id", a.userId()).put("name", a.name()))
            .put("inboxes", new io.vertx.core.json.JsonArray(new ArrayList<>(s.inboxesOrEmpty())))
            .put("seq", c.succeeded() ? c.result().getLong(0) : null)
            .put("heartbeat_seconds", heartbeatMs / 1000);
        s.send(hello);
        if (after != null) replay(s, after);
        else s.release();
      });
    });
  }

  /** Loads the socket's access list; reloads if a grant or revoke came in meanwhile. */
  private Future<Void> loadInboxes(LiveSocket s) {
    s.inboxes = null;
    return Access.memberInboxes(node.db().pool(), s.actor.userId()).compose(ids -> {
      if (s.closed()) return Future.succeededFuture();
      s.inboxes = new HashSet<>(ids);
      List<Future<Void>> subs = new ArrayList<>();
      for (Long inbox : ids) subs.add(subscribe(s, inbox));
      return Future.all(subs).mapEmpty();
    });
  }

  private Future<Void> userSub(long userId) {
    UserSub sub = users.get(userId);
    if (sub != null) return sub.ready;
    UserSub created = new UserSub();
    created.consumer = vertx.eventBus().consumer(Events.userAddress(userId), m -> control(userId, m));
    created.ready = created.consumer.completion();
    users.put(userId, created);
    return created.ready;
  }

  private Future<Void> subscribe(LiveSocket s, long inbox) {
    InboxSub sub = inboxes.get(inbox);
    if (sub == null) {
      sub = new InboxSub();
      inboxes.put(inbox, sub);
      sub.consumer = vertx.eventBus().consumer(Events.inboxAddress(inbox), m -> fanOut(inbox, m));
    }
    sub.sockets.add(s);
    return sub.consumer.completion();
  }

  private void unsubscribe(LiveSocket s, long inbox) {
    InboxSub sub = inboxes.get(inbox);
    if (sub == null) return;
    sub.sockets.remove(s);
    if (sub.sockets.isEmpty()) {
      inboxes.remove(inbox);
      sub.consumer.unregister();
    }
  }

  private void closed(LiveSocket s) {
    if (!s.closed()) s.close((short) 1000, "closed");
    OPEN.decrementAndGet();
    long user = s.actor.userId();
    AtomicInteger mine = PER_USER.get(user);
    if (mine != null && mine.decrementAndGet() <= 0) PER_USER.remove(user, mine);
    for (Long inbox : s.copyInboxes()) unsubscribe(s, inbox);
    Set<LiveSocket> set = byUser.get(user);
    if (set != null) {
      set.remove(s);
      if (set.isEmpty()) {
        byUser.remove(user);
        UserSub sub = users.remove(user);
        if (sub != null) sub.consumer.unregister();
      }
    }
    String status = presence.update(user, s.id, null);
    if (status != null) publishPresence(s.actor, status, s.inboxesOrEmpty());
  }

  // ---- delivering ----

  private void fanOut(long inbox, Message<String> m) {
    InboxSub sub = inboxes.get(inbox);
    if (sub == null) return;
    String type = m.headers().get("type");
    String seqHeader = m.headers().get("seq");
    Long seq = seqHeader == null ? null : Long.valueOf(seqHeader);
    String userHeader = m.headers().get("user");
    Long about = userHeader == null ? null : Long.valueOf(userHeader);
    if (EventType.MEMBERSHIP_REMOVED.equals(type) && about != null) {
      Set<LiveSocket> theirs = byUser.get(about);
      if (theirs != null) for (LiveSocket s : new ArrayList<>(theirs)) revoke(s, inbox);
    }
    String from = m.headers().get("from");
    for (LiveSocket s : new ArrayList<>(sub.sockets)) {
      if (!s.inboxesOrEmpty().contains(inbox)) continue;
      // an agent's own typing is not echoed to their tabs
      if (from != null && EventType.TYPING.equals(type) && String.valueOf(s.actor.userId()).equals(from)) continue;
      s.deliver(seq, m.body());
    }
  }

  /** Signals for one user: access granted or revoked, deactivation, ended sessions. */
  private void control(long userId, Message<String> m) {
    Set<LiveSocket> theirs = byUser.get(userId);
    if (theirs == null) return;
    for (LiveSocket s : new ArrayList<>(theirs)) {
      UserSignals.dispatch(m.body(), new UserSignals.Receiver() {
        @Override
        public void granted(long inbox) {
          grant(s, inbox);
        }

        @Override
        public void revoked(long inbox) {
          revoke(s, inbox);
        }

        @Override
        public void sessionEnded(String sessionKey) {
          if (sessionKey.equals(s.sessionKey)) s.close(CloseCodes.SESSION_ENDED, "signed out");
        }

        @Override
        public void deactivated() {
          s.close(CloseCodes.DEACTIVATED, "user deactivated");
        }
      });
    }
  }

  private void grant(LiveSocket s, long inbox) {
    if (s.inboxes == null) {
      // still loading: load again once done, so the grant is seen
      vertx.setTimer(50, id -> { if (!s.closed() && s.inboxes != null) grant(s, inbox); });
      return;
    }
    if (!s.inboxes.add(inbox)) return;
    subscribe(s, inbox).onComplete(ar -> s.send(new JsonObject().put("type", EventType.INBOX_ACCESS_GRANTED)
        .put("inbox", inbox).put("at", Instant.now().toString())));
  }

  private void revoke(LiveSocket s, long inbox) {
    if (s.inboxes == null) {
      vertx.setTimer(50, id -> { if (!s.closed() && s.inboxes != null) revoke(s, inbox); });
      return;
    }
    if (!s.inboxes.remove(inbox)) return;
    unsubscribe(s, inbox);
    s.send(new JsonObject().put("type", EventType.INBOX_ACCESS_REVOKED).put("inbox", inbox).put("at", Instant.now().toString()));
  }

  // ---- client ops ----

  /** The {@code resume} op: sends the events after {@code after} that the socket may see, then lets live frames through. */
  void resume(LiveSocket s, long after) {
    if (s.inboxes == null || s.holding()) {
      // the socket defers operations while it starts or resumes, so this is never reached from a client's frame
      s.error("busy", "the connection is still starting or resuming; try again");
      return;
    }
    s.hold();
    replay(s, after);
  }

  /** Replays what the held socket missed after {@code after}, in order, then releases it. */
  private void replay(LiveSocket s, long after) {
    Long[] ids = s.inboxes.toArray(Long[]::new);
    node.db().one("SELECT (SELECT last_seq FROM event_counter WHERE id = 1) AS last, (SELECT min(seq) FROM event) AS first")
        .compose(bounds -> {
          long last = bounds.getLong("last");
          Long first = bounds.getLong("first");
          if (after > last) return Future.succeededFuture(new Resumed(last, null, "ahead of this hub's log"));
          boolean gap = first == null ? after < last : after + 1 < first;
          if (gap) return Future.succeededFuture(new Resumed(last, null, "older than the retention window"));
          // what came live since connecting is not replayed: only what is older than the first live event
          long upTo = s.firstLive() == null ? last : Math.min(last, s.firstLive() - 1);
          return node.db().list("""
              SELECT seq, type, inbox_id, conversation_id, at, data FROM event
              WHERE seq > $1 AND seq <= $2 AND inbox_id = ANY($3) ORDER BY seq LIMIT $4""", after, upTo, ids, resumeLimit + 1)
              .map(rows -> rows.size() > resumeLimit ? new Resumed(last, null, "more than " + resumeLimit + " events missed")
                  : new Resumed(last, rows, null));
        })
        .onComplete(ar -> {
          if (s.closed()) return;
          if (ar.failed()) {
            s.error("unavailable", "could not resume now; try again shortly");
          } else if (ar.result().rows == null) {
            s.send(new JsonObject().put("type", "resync").put("reason", ar.result().reason).put("seq", ar.result().last));
          } else {
            for (Row r : ar.result().rows) {
              s.replay(r.getLong("seq"), Frames.of(r.getLong("seq"), r.getString("type"), r.getLong("inbox_id"),
                  r.getLong("conversation_id"), Times.iso(r, "at"), r.getJsonObject("data")));
            }
            s.send(new JsonObject().put("type", "resumed").put("after", after).put("count", ar.result().rows.size())
                .put("seq", ar.result().last));
          }
          s.release();
        });
  }

  private record Resumed(long last, List<Row> rows, String reason) {
  }

  void typing(LiveSocket s, long conversation, boolean on) {
    Long known = conversationInbox.get(conversation);
    Future<Long> inbox = known != null ? Future.succeededFuture(known)
        : node.db().one("SELECT inbox_id FROM conversation WHERE id = $1 AND workspace_id = $2", conversation, s.actor.workspaceId())
            .map(r -> {
              if (r == null) return null;
              conversationInbox.put(conversation, r.getLong(0));
              return r.getLong(0);
            });
    inbox.onComplete(ar -> {
      if (s.closed()) return;
      if (ar.failed()) return;
      Long id = ar.result();
      if (id == null || !s.inboxesOrEmpty().contains(id)) {
        s.error("not_found", "conversation " + conversation + " not found");
        return;
      }
      String frame = Frames.of(null, EventType.TYPING, id, conversation, Instant.now().toString(),
          new JsonObject().put("user", new JsonObject().put("id", s.actor.userId()).put("name", s.actor.name())).put("typing", on));
      vertx.eventBus().publish(Events.inboxAddress(id), frame,
          new DeliveryOptions().addHeader("type", EventType.TYPING).addHeader("from", String.valueOf(s.actor.userId())));
    });
  }

  void presenceChanged(LiveSocket s) {
    String status = presence.update(s.actor.userId(), s.id, s.presence);
    if (status != null) publishPresence(s.actor, status, s.inboxesOrEmpty());
  }

  private void publishPresence(Actor a, String status, Set<Long> inboxIds) {
    String at = Instant.now().toString();
    for (Long inbox : inboxIds) {
      String frame = Frames.of(null, EventType.PRESENCE, inbox, null, at,
          new JsonObject().put("user", new JsonObject().put("id", a.userId()).put("name", a.name())).put("status", status));
      vertx.eventBus().publish(Events.inboxAddress(inbox), frame, new DeliveryOptions().addHeader("type", EventType.PRESENCE));
    }
  }

  // ---- upkeep ----

  private void beat() {
    long now = System.currentTimeMillis();
    Buffer ping = Buffer.buffer("hb");
    for (Set<LiveSocket> set : byUser.values()) {
      for (LiveSocket s : new ArrayList<>(set)) {
        if (now - s.lastHeard > heartbeatMs * 5 / 2) s.close(CloseCodes.HEARTBEAT, "no heartbeat");
        else if (!s.closed()) s.ws.writePing(ping);
      }
    }
  }

  /** Closes every socket with a code that tells clients to reconnect (to any node) and resume. */
  public void drain() {
    vertx.cancelTimer(heartbeat);
    for (Set<LiveSocket> set : new ArrayList<>(byUser.values())) {
      for (LiveSocket s : new ArrayList<>(set)) s.close(CloseCodes.DRAIN, "server shutting down; reconnect and resume");
    }
  }
}
