package io.switchboard.channel.meta;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.node.Node;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.http.Rest;
import io.switchboard.common.ApiError;
import io.switchboard.inbox.Access;
import io.switchboard.inbox.Endpoints;
import io.switchboard.outbound.SendFailure;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /api/v1/endpoints/{id}/whatsapp/templates}: the approved message templates of a WhatsApp endpoint's
 * Business Account ({@code settings.waba_id}), read from the Graph API, so an agent can pick one to write first or
 * again after the 24-hour window. Members of the endpoint's inbox may list them.
 */
final class WhatsAppTemplates {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(\\d{1,2})}}");

  private final Node node;
  private final GraphClient graph;

  private WhatsAppTemplates(Node node, GraphClient graph) {
    this.node = node;
    this.graph = graph;
  }

  static void mount(Router api, Node node, GraphClient graph) {
    WhatsAppTemplates t = new WhatsAppTemplates(node, graph);
    api.get("/endpoints/:id/whatsapp/templates").handler(Rest.handle(t::list));
  }

  private Future<?> list(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.INBOX_USE);
    long id = Rest.pathId(ctx, "id", "endpoint");
    return Endpoints.byId(node.db().pool(), id)
        .compose(ep -> ep == null || ep.workspaceId() != a.workspaceId() || !ep.channel().equals("whatsapp")
            ? Future.failedFuture(ApiError.notFound("endpoint"))
            : Access.requireMember(node.db().pool(), a, ep.inboxId())
                .recover(t -> Future.failedFuture(ApiError.notFound("endpoint"))).map(ep))
        .compose(ep -> {
          String waba = ep.setting("waba_id");
          if (waba == null || waba.isBlank()) {
            return Future.failedFuture(ApiError.conflict("waba_id", "set settings.waba_id (the WhatsApp Business Account id) on "
                + ep.address() + " to list its templates; a template can still be sent by its name and language"));
          }
          if (ep.secret("access_token") == null) {
            return Future.failedFuture(ApiError.conflict("access_token", "the endpoint has no access_token setting"));
          }
          return graph.get("/" + waba + "/message_templates?fields=name,language,status,category,components&limit=200",
                  ep.secret("access_token"))
              .recover(t -> Future.failedFuture(new ApiError(502, "provider_error",
                  "the Graph API did not list the templates: " + (t instanceof SendFailure f ? f.getMessage() : t.toString()), null, 0)))
              .map(WhatsAppTemplates::approved);
        });
  }

  /** The approved templates as the composer needs them: name, language, texts and how many values the body takes. */
  static JsonObject approved(JsonObject graphAnswer) {
    JsonArray items = new JsonArray();
    for (Object o : graphAnswer.getJsonArray("data", new JsonArray())) {
      if (!(o instanceof JsonObject t) || !"APPROVED".equals(t.getString("status"))) continue;
      JsonObject item = new JsonObject().put("name", t.getString("name")).put("language", t.getString("language"))
          .put("category", t.getString("category"));
      for (Object c : t.getJsonArray("components", new JsonArray())) {
        if (!(c instanceof JsonObject part) || part.getString("text") == null) continue;
        String type = part.getString("type", "").toLowerCase();
        if (type.equals("header") || type.equals("body") || type.equals("footer")) item.put(type, part.getString("text"));
      }
      TreeSet<Integer> slots = new TreeSet<>();
      Matcher m = PLACEHOLDER.matcher(item.getString("body", ""));
      while (m.find()) slots.add(Integer.parseInt(m.group(1)));
      items.add(item.put("parameters", slots.isEmpty() ? 0 : slots.last()));
    }
    return new JsonObject().put("items", items);
  }
}
