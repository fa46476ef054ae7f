package io.switchboard.channel.widget;

import io.switchboard.node.Node;
import io.switchboard.common.Failures;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.switchboard.ingest.InboundMessage;
import io.switchboard.ingest.Ingest;
import io.switchboard.ingest.IngestResult;
import io.switchboard.ingest.UnknownEndpoint;
import io.switchboard.review.Reviews;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a visitor's frames ask for: hello (who they are, their history), message (ingested like any channel,
 * acknowledged after the commit), history (older pages), typing, and receipts for agents' replies.
 */
final class VisitorOps {

  private static final Logger log = LoggerFactory.getLogger(VisitorOps.class);
  private static final Pattern CLIENT_ID = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]{1,190}$");
  static final int MAX_TEXT = 8000;
  private static final int PAGE = 50;

  private final Node node;
  private final WidgetGateway gateway;
  private final WidgetStore store;

  private final Ingest ingest;

  VisitorOps(Node node, Ingest ingest, WidgetGateway gateway) {
    this.ingest = ingest;
    this.node = node;
    this.gateway = gateway;
    this.store = gateway.store;
  }

  // ---- hello ----

  void hello(VisitorSocket s, JsonObject f) {
    String token = text(f, "token", 512);
    String identifier = text(f, "identifier", 200);
    String hash = text(f, "identifier_hash", 128);
    String name = text(f, "name", 100);
    String email = text(f, "email", 254);
    String page = text(f, "page_url", 1000);
    Endpoint ep = s.endpoint;
    boolean claimsIdentity = f.getValue("identifier") != null;
    if (claimsIdentity) {
      if (identifier == null || identifier.isBlank() || identifier.chars().anyMatch(Character::isISOControl)
          || !VisitorTokens.identityValid(ep, identifier, hash)) {
        log.info("widget {}: identity verification failed for a visitor (wrong or missing identifier_hash)", ep.id());
        s.error("identity_refused", "the identifier_hash does not match the identifier", null);
        s.close(WidgetGateway.IDENTITY, "identity verification failed");
        return;
      }
      s.visitor = identifier;
      s.identified = true;
      s.email = email != null && EMAIL.matcher(email).matches() ? email.toLowerCase() : null;
    } else if (token != null) {
      s.visitor = VisitorTokens.verify(ep, token);
      if (s.visitor == null) {
        s.error("invalid_token", "the visitor token is not valid for this widget; start again without it", null);
        s.close(WidgetGateway.BAD_TOKEN, "invalid visitor token");
        return;
      }
    } else {
      s.visitor = VisitorTokens.newVisitor();
    }
    s.name = name != null && !name.isBlank() ? name.trim()
        : s.identified ? null : "Visitor " + s.visitor.substring(2, 6).toUpperCase();
    s.pageUrl = page;
    if (!gateway.admit(s)) {
      s.error("rate_limited", "too many open chat windows for this visitor", null);
      s.close(WidgetGateway.RATE_LIMITED, "too many sockets");
      return;
    }
    // listen before reading, so a reply committed meanwhile is held rather than missed
    gateway.listen(s)
        .compose(v -> store.visitor(ep, s.visitor))
        .compose(v -> {
          if (v.contactId() != null) s.contactId = v.contactId();
          if (v.name() != null) s.name = v.name();
          if (v.conversationId() == null) return Future.succeededFuture(new Hello(v, new JsonObject().put("messages", new JsonArray()).put("more", false), null));
          gateway.follow(s, v.conversationId());
          return store.history(ep, v.conversationId(), Long.MAX_VALUE, PAGE)
              .compose(h -> Reviews.pendingForWidget(node.db().pool(), v.conversationId()).map(review -> new Hello(v, h, review)));
        })
        .onComplete(ar -> {
          if (s.closed()) return;
          if (ar.failed()) {
            log.warn("widget {}: hello failed: {}", ep.id(), ar.cause().toString());
            s.error("unavailable", "the chat is unavailable right now; reconnecting", null);
            s.close((short) 1011, "try again shortly");
            return;
          }
          Hello h = ar.result();
          JsonObject hello = new JsonObject().put("type", "hello")
              .put("visitor", new JsonObject().put("id", s.visitor).put("identified", s.identified).put("name", s.name))
              .put("token", s.identified ? null : VisitorTokens.issue(ep, s.visitor))
              .put("conversation", h.visitor.conversationId())
              .put("widget", widget(ep))
              .put("messages", h.history.getJsonArray("messages"))
              .put("more", h.history.getBoolean("more"))
              .put("agent_read_at", h.visitor.agentReadAt())
              .put("review", h.review);
          s.send(hello);
          Set<Long> shown = new HashSet<>();
          h.history.getJsonArray("messages").forEach(m -> shown.add(((JsonObject) m).getLong("id")));
          s.release(frame -> frame.startsWith("{\"type\":\"message\"") && shown.contains(messageId(frame)));
        });
  }

  private record Hello(WidgetStore.Visitor visitor, JsonObject history, JsonObject review) {
  }

  private static Long messageId(String frame) {
    JsonObject m = new JsonObject(frame).getJsonObject("message");
    return m == null ? null : m.getLong("id");
  }

  /** What the widget shows about itself: title, greeting, colour, and whether it takes messages. */
  static JsonObject widget(Endpoint ep) {
    JsonObject st = ep.settings();
    return new JsonObject()
        .put("name", ep.name())
        .put("title", st.getString("title", ep.name() == null ? "Chat with us" : ep.name()))
        .put("greeting", st.getString("greeting"))
        .put("color", st.getString("color"))
        .put("enabled", ep.enabled())
        .put("disabled_reason", ep.disabledReason());
  }

  // ---- messages ----

  void message(VisitorSocket s, JsonObject f) {
    Object rawId = f.getValue("id");
    if (!(rawId instanceof String clientId) || !CLIENT_ID.matcher(clientId).matches()) {
      s.bad("bad_message", "a message needs \"id\": your own id for it (1-64 letters, digits, - or _), the same on every retry");
      return;
    }
    if (!s.ready()) {
      s.error("not_ready", "wait for hello", clientId);
      return;
    }
    Object rawText = f.getValue("text");
    if (!(rawText instanceof String text) || text.isBlank()) {
      s.error("validation", "a message needs \"text\"", clientId);
      return;
    }
    if (text.length() > MAX_TEXT) {
      s.error("too_large", "messages are limited to " + MAX_TEXT + " characters", clientId);
      return;
    }
    Endpoint ep = s.endpoint;
    if (!ep.enabled()) {
      s.error("disabled", "this chat is not taking messages right now"
          + (ep.disabledReason() == null ? "" : ": " + ep.disabledReason()), clientId);
      return;
    }
    if (!gateway.state(s).messages.take()) {
      s.error("rate_limited", "you are sending messages too quickly; wait a moment and try again", clientId);
      return;
    }
    JsonObject data = new JsonObject().put("client_id", clientId).put("identified", s.identified);
    if (s.pageUrl != null) data.put("page_url", s.pageUrl);
    if (s.origin != null) data.put("origin", s.origin);
    InboundMessage m = InboundMessage.builder("widget", ep.address(), s.visitor)
        .senderName(s.name)
        // namespaced by visitor: one visitor's ids can never match (and so reveal) another's message
        .providerId(s.visitor + ":" + clientId)
        .text(text)
        .data(data)
        .build();
    ingest.ingest(m).compose(r -> acknowledged(s, r)).onComplete(ar -> {
      if (ar.succeeded()) {
        Stored stored = ar.result();
        // the visitor's other tabs show it too, even if this one has gone meanwhile
        gateway.toVisitor(s, stored.conversationId, new JsonObject().put("type", "message").put("conversation", stored.conversationId)
            .put("message", stored.message));
        s.send(new JsonObject().put("type", "ack").put("id", clientId).put("conversation", stored.conversationId)
            .put("message", stored.message));
        return;
      }
      if (s.closed()) return;
      Throwable t = ar.cause();
      if (t instanceof UnknownEndpoint) {
        s.error("gone", "this chat widget no longer exists", clientId);
        s.close(WidgetGateway.GONE, "widget deleted");
      } else if (Failures.isUnavailable(t)) {
        s.error("unavailable", "not stored; send it again shortly with the same id", clientId);
      } else {
        log.error("widget {}: storing a visitor message failed", ep.id(), t);
        s.error("internal", "not stored; send it again with the same id", clientId);
      }
    });
  }

  private record Stored(long conversationId, JsonObject message) {
  }

  private Future<Stored> acknowledged(VisitorSocket s, IngestResult r) {
    s.contactId = r.contactId();
    gateway.follow(s, r.conversationId());
    Future<Void> email = s.email == null ? Future.succeededFuture()
        : store.rememberEmail(r.contactId(), s.email).recover(t -> Future.succeededFuture());
    s.email = null;
    return email.compose(v -> store.message(s.endpoint, r.activityId()))
        .recover(t -> Future.succeededFuture(null))
        .map(view -> new Stored(r.conversationId(), view != null ? view : new JsonObject().put("id", r.activityId()).put("from", "visitor")));
  }

  // ---- the rest ----

  void history(VisitorSocket s, JsonObject f) {
    Object before = f.getValue("before");
    Object limit = f.getValue("limit");
    if ((before != null && !(before instanceof Number b && b.longValue() > 0))
        || (limit != null && !(limit instanceof Number l && l.intValue() >= 1 && l.intValue() <= 100))) {
      s.bad("bad_frame", "history takes \"before\" (a message id) and \"limit\" (1-100)");
      return;
    }
    long beforeId = before == null ? Long.MAX_VALUE : ((Number) before).longValue();
    int n = limit == null ? PAGE : ((Number) limit).intValue();
    Future<JsonObject> page = s.conversationId == null
        ? Future.succeededFuture(new JsonObject().put("messages", new JsonArray()).put("more", false))
        : store.history(s.endpoint, s.conversationId, beforeId, n);
    page.onComplete(ar -> {
      if (s.closed()) return;
      if (ar.failed()) s.error("unavailable", "could not load the history now; try again shortly", null);
      else s.send(ar.result().put("type", "history"));
    });
  }

  void typing(VisitorSocket s, boolean on) {
    if (!s.ready() || s.conversationId == null) return;
    gateway.publishTyping(s, on);
  }

  void receipt(VisitorSocket s, long upTo, boolean read) {
    if (!s.ready() || s.conversationId == null) return;
    // a receipt that moves nothing forward costs no transaction
    if (upTo <= (read ? s.lastRead : Math.max(s.lastRead, s.lastDelivered))) return;
    if (read) s.lastRead = upTo;
    else s.lastDelivered = upTo;
    store.receipt(s.conversationId, upTo, read)
        .onFailure(t -> log.debug("widget receipt failed: {}", t.toString()));
  }

  /** The visitor's answer to a rating request of their conversation: {@code rated}, or an error saying why not. */
  void rate(VisitorSocket s, JsonObject f) {
    if (!s.ready() || s.conversationId == null || s.contactId == null) {
      s.error("not_found", "there is no rating request in this chat", null);
      return;
    }
    if (!(f.getValue("review") instanceof Number id) || id.longValue() <= 0) {
      s.bad("bad_frame", "rate needs \"review\": the id of the rating request");
      return;
    }
    String problem = Reviews.problem(f.getValue("rating"), f.getValue("comment"));
    if (problem != null) {
      s.error("validation", problem, null);
      return;
    }
    long review = id.longValue();
    int rating = ((Number) f.getValue("rating")).intValue();
    node.db().tx(tx -> Reviews.answerFromWidget(tx, review, s.conversationId, s.contactId, rating, f.getString("comment")))
        .onComplete(ar -> {
          if (s.closed()) return;
          if (ar.failed()) {
            log.warn("widget {}: a rating failed: {}", s.endpoint.id(), ar.cause().toString());
            s.error("unavailable", "the rating was not stored; try again shortly", null);
            return;
          }
          switch (ar.result().state()) {
            case OPEN -> {
              JsonObject rated = new JsonObject().put("type", "rated").put("review", review).put("rating", rating);
              s.send(rated);
              gateway.toVisitor(s, s.conversationId, rated);
            }
            case ANSWERED -> s.send(new JsonObject().put("type", "rated").put("review", review).put("already", true));
            case EXPIRED -> s.error("expired", "this rating request has expired", null);
            default -> s.error("not_found", "there is no such rating request in this chat", null);
          }
        });
  }

  private static String text(JsonObject f, String field, int max) {
    Object v = f.getValue(field);
    if (!(v instanceof String s) || s.isEmpty()) return null;
    return s.length() > max ? null : s;
  }
}
