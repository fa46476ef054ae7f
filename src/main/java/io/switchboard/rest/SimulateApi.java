package io.switchboard.rest;

import io.switchboard.audit.Audit;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.auth.web.Authenticator;
import io.switchboard.common.ApiError;
import io.switchboard.http.Input;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.inbox.Endpoints;
import io.switchboard.inbox.InboxEndpoints;
import io.switchboard.node.Node;
import io.switchboard.sandbox.Sandbox;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /api/v1/endpoints/{id}/simulate {"from","name","text","subject"}}: a customer's message, delivered
 * through the endpoint's real inbound path (signed webhook or SMTP listener) as if the customer had written. Open to
 * who may see the endpoint's inbox settings (members of the inbox, {@code settings.manage}); 404 for anyone else.
 * Works on every endpoint but the website chat's. On a real (not sandbox) endpoint it needs {@code settings.manage}
 * and is audited: the message lands among real customers' messages, looking like one of theirs.
 */
public final class SimulateApi {

  /** Longest test message text: the shortest limit of the channels' inbound paths with room to spare. */
  static final int MAX_TEXT = 4096;

  private final Node node;
  private final Sandbox sandbox;

  private SimulateApi(Node node, Sandbox sandbox) {
    this.node = node;
    this.sandbox = sandbox;
  }

  public static void mount(Router api, Node node, Sandbox sandbox) {
    SimulateApi s = new SimulateApi(node, sandbox);
    api.post("/endpoints/:id/simulate").handler(Rest.handle(s::simulate));
  }

  private Future<?> simulate(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "endpoint");
    Input in = Input.of(ctx);
    String rawFrom = in.text("from", 254);
    String name = in.optText("name", 200);
    String text = in.text("text", MAX_TEXT);
    if (text.isBlank()) throw ApiError.validation("text", "text is required");
    String subject = in.optText("subject", 500);
    return InboxEndpoints.get(node.db().pool(), a, id)
        .compose(visible -> Endpoints.byId(node.db().pool(), id))
        .compose(ep -> {
          if (ep == null) return Future.failedFuture(ApiError.notFound("endpoint"));
          if (subject != null && !ep.channel().equals("email") && !ep.channel().equals("api")) {
            throw ApiError.validation("subject", "only e-mail and API messages have a subject");
          }
          String from = sandbox.from(ep.channel(), rawFrom);
          String sender = name == null || name.isBlank() ? null : name.strip();
          if (ep.sandbox()) return sandbox.simulate(ep, from, sender, text, subject);
          a.require(Permission.SETTINGS_MANAGE);
          return node.db().tx(tx -> Audit.record(tx, a, "endpoint.test_message", "endpoint", ep.id(),
                  new JsonObject().put("from", from)))
              .compose(v -> sandbox.simulate(ep, from, sender, text, subject));
        })
        .map(Reply::created);
  }
}
