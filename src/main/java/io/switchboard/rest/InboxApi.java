package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.inbox.Access;
import io.switchboard.inbox.Endpoints;
import io.switchboard.inbox.BusinessHours;
import io.switchboard.inbox.CallRouting;
import io.switchboard.inbox.InboxSettings;
import io.switchboard.inbox.Inboxes;
import io.switchboard.delivery.EndpointHealth;
import io.switchboard.inbox.Members;
import io.switchboard.node.Node;
import io.switchboard.audit.Audit;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.event.EventType;
import io.switchboard.event.EventLog;
import io.switchboard.event.UserSignals;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.common.ApiError;
import io.switchboard.http.Input;
import io.switchboard.http.Page;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** {@code /api/v1/inboxes}: teams' destinations, with their colour, business hours and call routing. */
public final class InboxApi {

  private static final Pattern COLOR = Pattern.compile("^#[0-9a-fA-F]{6}$");
  static final Set<String> CHANNELS = Endpoints.CHANNELS;
  private static final String NAME_TAKEN = "an inbox with this name already exists";

  private final Node node;

  private InboxApi(Node node) {
    this.node = node;
  }

  public static void mount(Router api, Node node) {
    InboxApi i = new InboxApi(node);
    api.get("/inboxes").handler(Rest.handle(i::list));
    api.post("/inboxes").handler(Rest.handle(i::create));
    api.get("/inboxes/:id").handler(Rest.handle(i::get));
    api.patch("/inboxes/:id").handler(Rest.handle(i::update));
    api.delete("/inboxes/:id").handler(Rest.handle(i::delete));
  }

  private Future<?> list(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    Page page = Page.of(ctx);
    String channel = ctx.queryParams().get("channel");
    if (channel != null && !CHANNELS.contains(channel)) {
      throw ApiError.validation("channel", "channel must be one of " + String.join(", ", CHANNELS.stream().sorted().toList()));
    }
    String afterName = page.after() == null ? "" : page.afterString(0);
    long afterId = page.after() == null ? 0 : page.afterLong(1);
    return Inboxes.list(node.db().pool(), a, new Inboxes.Search(ctx.queryParams().get("q"), channel, afterName, afterId, page.limit() + 1))
        .compose(this::withHealth)
        .map(inboxes -> page.result(inboxes, Inboxes.Listed::inbox, i -> Page.cursor(i.sortName(), i.inbox().getLong("id"))));
  }

  /** Each endpoint says whether its sends keep failing (the composer's From picker shows it). */
  private Future<List<Inboxes.Listed>> withHealth(List<Inboxes.Listed> inboxes) {
    JsonArray all = new JsonArray();
    for (Inboxes.Listed i : inboxes) {
      JsonArray eps = i.inbox().getJsonArray("endpoints");
      if (eps != null) eps.forEach(all::add);
    }
    return EndpointHealth.annotate(node.db().pool(), all).map(inboxes);
  }

  private Future<?> get(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "inbox");
    return Access.settingsVisible(node.db().pool(), a, id).compose(r -> Inboxes.load(node.db().pool(), a, id));
  }

  private Future<?> create(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.SETTINGS_MANAGE);
    Input in = Input.of(ctx);
    String name = in.text("name", 100).trim();
    String color = color(in);
    JsonObject hours = BusinessHours.validate(in.optObject("business_hours"));
    JsonObject routing = CallRouting.validate(in.optObject("call_routing"), node.config().phone().defaultRegion());
    JsonObject settings = InboxSettings.validate(in.optObject("settings"));
    Inboxes.Fields inbox = new Inboxes.Fields(name, color, true, hours, true, routing, settings);
    return node.db().tx(conn -> CallRouting.checkRingUsers(conn, a.workspaceId(), routing)
        .compose(v -> InboxSettings.checkReferences(conn, a.workspaceId(), settings))
        .compose(v -> Rest.orConflict(Inboxes.create(conn, a.workspaceId(), inbox), "name", NAME_TAKEN))
        // whoever creates an inbox is its first member
        .compose(id -> Members.add(conn, a, id, a.userId())
            .compose(v -> Audit.record(conn, a, "inbox.created", "inbox", id, new JsonObject().put("name", name)))
            .compose(v -> Audit.record(conn, a, "membership.granted", "inbox", id, new JsonObject().put("user_id", a.userId())))
            .compose(v -> Inboxes.load(conn, a, id))))
        .map(j -> {
          UserSignals.granted(node.vertx(), a.userId(), j.getLong("id"));
          return Reply.created(j);
        });
  }

  private Future<?> update(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "inbox");
    Input in = Input.of(ctx);
    String name = in.has("name") ? in.text("name", 100).trim() : null;
    String color = color(in);
    JsonObject hours = BusinessHours.validate(in.optObject("business_hours"));
    JsonObject routing = CallRouting.validate(in.optObject("call_routing"), node.config().phone().defaultRegion());
    // settings change key by key: a key sent as null is removed
    JsonObject settings = InboxSettings.validate(in.optObject("settings"));
    Inboxes.Fields change = new Inboxes.Fields(name, color, in.has("business_hours"), hours, in.has("call_routing"), routing, settings);
    return node.db().tx(conn -> Access.settingsEditable(conn, a, id)
        .compose(v -> CallRouting.checkRingUsers(conn, a.workspaceId(), routing))
        .compose(v -> InboxSettings.checkReferences(conn, a.workspaceId(), settings))
        .compose(v -> Rest.orConflict(Inboxes.update(conn, id, change), "name", NAME_TAKEN))
        .compose(v -> Audit.record(conn, a, "inbox.updated", "inbox", id, in.json().copy()))
        .compose(v -> Inboxes.load(conn, a, id))
        .compose(j -> EventLog.append(conn, a.workspaceId(), id, null, EventType.INBOX_UPDATED,
            new JsonObject().put("inbox", new JsonObject().put("id", id).put("name", j.getString("name")).put("color", j.getString("color"))))
            .map(j)));
  }

  private Future<?> delete(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "inbox");
    return node.db().tx(conn -> Access.settingsEditable(conn, a, id)
        .compose(inbox -> Members.userIds(conn, id)
            .compose(members -> Audit.record(conn, a, "inbox.deleted", "inbox", id, new JsonObject().put("name", inbox.getString("name")))
                .compose(v -> Inboxes.delete(conn, id))
                .map(members))))
        .map(members -> {
          // the inbox and everything in it is gone: live streams of it end now
          for (Long user : members) {
            UserSignals.revoked(node.vertx(), user, id);
          }
          return null;
        });
  }

  private static String color(Input in) {
    String color = in.optText("color", 7);
    if (color != null && !COLOR.matcher(color).matches()) throw ApiError.validation("color", "color must look like #1a2b3c");
    return color;
  }
}
