package io.switchboard.channel.widget;

import io.switchboard.node.Node;
import io.switchboard.db.Db;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.switchboard.outbound.ChannelSender;
import io.switchboard.outbound.Outgoing;
import io.switchboard.outbound.SendFailure;
import io.switchboard.outbound.SendResult;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * Delivers agents' replies to a visitor: published on the visitor's event-bus address, so every open tab on any
 * node shows it at once. The reply counts as {@code sent} whether or not a tab is open: it is stored, and the
 * visitor's history shows it when they come back. {@code delivered} and {@code read} come later from the visitor's
 * browser (see {@link WidgetStore#receipt}). A rating request (data {@code review_id}) is followed by a
 * {@code review_request} frame, for the widget's inline rating prompt.
 */
final class WidgetSender implements ChannelSender {

  private final Node node;

  WidgetSender(Node node) {
    this.node = node;
  }

  @Override
  public Future<SendResult> send(Outgoing m) {
    // the visitor talks to the conversation's widget, which may differ from the endpoint the reply names
    return Db.one(node.db().pool(), "SELECT e.* FROM conversation c JOIN endpoint e ON e.id = c.endpoint_id WHERE c.id = $1",
        m.conversationId()).compose(row -> {
          if (row == null) return Future.failedFuture(SendFailure.permanent(SendFailure.Cause.GONE, "gone", "the conversation no longer exists"));
          Endpoint widget = Endpoint.of(row);
          JsonArray files = new JsonArray();
          for (Outgoing.File f : m.attachments()) {
            if (f.path() != null) files.add(WidgetStore.file(widget, f.id(), f.filename(), f.contentType(), f.size()));
          }
          JsonObject message = new JsonObject()
              .put("id", m.activityId())
              .put("from", "agent")
              .put("text", m.text())
              .put("name", m.senderName())
              .put("status", "sent")
              .put("created_at", Instant.now().toString())
              .put("attachments", files);
          JsonObject frame = new JsonObject().put("type", "message").put("conversation", m.conversationId()).put("message", message);
          DeliveryOptions opts = new DeliveryOptions().addHeader("conversation", String.valueOf(m.conversationId()));
          node.vertx().eventBus().publish(WidgetGateway.address(widget.id(), m.to()), frame.encode(), opts);
          Long review = m.data() == null ? null : m.data().getLong("review_id");
          if (review != null) {
            // a rating request: the widget shows its inline rating prompt under the message
            JsonObject ask = new JsonObject().put("type", "review_request").put("conversation", m.conversationId())
                .put("review", new JsonObject().put("id", review).put("message", m.text()));
            node.vertx().eventBus().publish(WidgetGateway.address(widget.id(), m.to()), ask.encode(), opts);
          }
          return Future.succeededFuture(new SendResult(null, "sent", new JsonObject()));
        });
  }
}
