package io.switchboard.rest;

import io.switchboard.auth.Actor;
import io.switchboard.auth.web.Authenticator;
import io.switchboard.delivery.Retries;
import io.switchboard.http.Rest;
import io.switchboard.node.Node;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Sending failed replies again once the cause is put right: {@code POST /activities/{id}/retry} (a member of the
 * conversation's inbox, {@code inbox.use}; 409 unless the message failed) answers the activity queued again;
 * {@code POST /endpoints/{id}/retry_failed} (an admin, or a member of the endpoint's inbox) queues every recent
 * failure of the endpoint and answers {@code {"requeued": n}}.
 */
public final class RetryApi {

  private final Node node;

  private RetryApi(Node node) {
    this.node = node;
  }

  public static void mount(Router api, Node node) {
    RetryApi r = new RetryApi(node);
    api.post("/activities/:id/retry").handler(Rest.handle(r::retry));
    api.post("/endpoints/:id/retry_failed").handler(Rest.handle(r::retryFailed));
  }

  private Future<?> retry(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "activity");
    return node.db().tx(tx -> Retries.one(tx, node.vertx(), a, id));
  }

  private Future<?> retryFailed(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "endpoint");
    return node.db().tx(tx -> Retries.allOf(tx, node.vertx(), a, id))
        .map(n -> new JsonObject().put("requeued", n).put("within_days", Retries.RETRY_ALL_DAYS));
  }
}
