package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.inbox.Access;
import io.switchboard.inbox.Endpoints;
import io.switchboard.inbox.BusinessHours;
import io.switchboard.inbox.CallRouting;
import io.switchboard.inbox.InboxSettings;
import io.switchboard.node.Node;
import io.switchboard.audit.Audit;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.db.Db;
import io.switchboard.event.EventType;
import io.switchboard.event.EventLog;
import io.switchboard.event.UserSignals;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.common.ApiError;
import io.switchboard.http.Input;
import io.switchboard.http.Page;
import io.switchboard.common.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.switchboard.db.Tx;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** {@code /api/v1/inboxes}: teams' destinations, with their colour, business hours and call routing. */
public final class InboxApi {

  private static final Pattern COLOR = Pattern.compile("^#[0-9a-fA-F]{6}$");
  static final Set<String> CHANNELS = Endpoints.CHANNELS;

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

  /** Inbox columns plus, for the asking user, membership, endpoints and counts. $1 = user id. */
  private static final String SELECT = """
      SELECT i.id, i.name, i.color, i.business_hours, i.call_routing, i.settings, i.created_at, lower(i.name) AS sort,
        (m.user_id IS NOT NULL) AS member,
        COALESCE((SELECT json_agg(json_build_object('id', e.id, 'channel', e.channel, 'address', e.address,
                   'name', e.name, 'primary', e.is_primary, 'enabled', e.enabled) ORDER BY e.id)
                  FROM endpoint e WHERE e.inbox_id = i.id), '[]') AS endpoints,
        CASE WHEN m.user_id IS NULL THEN NULL ELSE
          (SELECT count(*) FROM conversation c
           LEFT JOIN conversation_read r ON r.conversation_id = c.id AND r.user_id = $1
           WHERE c.inbox_id = i.id AND c.status <> 'resolved'
             AND c.last_incoming_at > COALESCE(r.last_read_at, '-infinity'::timestamptz)) END AS unread,
        CASE WHEN m.user_id IS NULL THEN NULL ELSE
          (SELECT count(*) FROM conversation c WHERE c.inbox_id = i.id AND c.status IN ('open', 'pending')) END AS open_count
      FROM inbox i LEFT JOIN membership m ON m.inbox_id = i.id AND m.user_id = $1
      """;

  static JsonObject json(Row r) {
    JsonObject o = new JsonObject()
        .put("id", r.getLong("id"))
        .put("name", r.getString("name"))
        .put("color", r.getString("color"))
        .put("business_hours", r.getJsonObject("business_hours"))
        .put("call_routing", r.getJsonObject("call_routing"))
        .put("settings", r.getJsonObject("settings"))
        .put("member", r.getBoolean("member"))
        .put("endpoints", r.getJsonArray("endpoints"))
        .put("created_at", Times.iso(r, "created_at"));
    if (r.getBoolean("member")) {
      o.put("unread", r.getLong("unread")).put("open_count", r.getLong("open_count"));
    }
    return o;
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
    return node.db().list(SELECT + """
        WHERE i.workspace_id = $2 AND (m.user_id IS NOT NULL OR $3)
          AND ($4::text IS NULL OR i.name ILIKE $4)
          AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM endpoint e WHERE e.inbox_id = i.id AND e.channel = $5))
          AND (lower(i.name), i.id) > ($6, $7)
        ORDER BY lower(i.name), i.id LIMIT $8""",
        a.userId(), a.workspaceId(), a.can(Permission.SETTINGS_MANAGE), Db.contains(ctx.queryParams().get("q")),
        channel, afterName, afterId, page.limit() + 1)
        .map(rows -> page.result(rows, InboxApi::json, r -> Page.cursor(r.getString("sort"), r.getLong("id"))));
  }

  private Future<JsonObject> load(SqlClient c, Actor a, long id) {
    return Db.one(c, SELECT + " WHERE i.id = $2 AND i.workspace_id = $3", a.userId(), id, a.workspaceId()).map(r -> {
      if (r == null) throw ApiError.notFound("inbox");
      return json(r);
    });
  }

  private Future<?> get(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "inbox");
    return Access.settingsVisible(node.db().pool(), a, id).compose(r -> load(node.db().pool(), a, id));
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
    return node.db().tx(conn -> checkRingUsers(conn, a, routing)
        .compose(v -> InboxSettings.checkReferences(conn, a.workspaceId(), settings))
        .compose(v -> Rest.orConflict(Db.one(conn, """
            INSERT INTO inbox (workspace_id, name, color, business_hours, call_routing, settings)
            VALUES ($1, $2, $3, $4, $5, jsonb_strip_nulls($6::jsonb))
            RETURNING id""", a.workspaceId(), name, color == null ? "#4f46e5" : color, hours, routing,
            settings == null ? new JsonObject() : settings),
            "name", "an inbox with this name already exists"))
        .compose(r -> {
          long id = r.getLong("id");
          // whoever creates an inbox is its first member
          return Db.query(conn, "INSERT INTO membership (workspace_id, inbox_id, user_id, created_by) VALUES ($1, $2, $3, $3)",
                  a.workspaceId(), id, a.userId())
              .compose(v -> Audit.record(conn, a, "inbox.created", "inbox", id, new JsonObject().put("name", name)))
              .compose(v -> Audit.record(conn, a, "membership.granted", "inbox", id, new JsonObject().put("user_id", a.userId())))
              .compose(v -> load(conn, a, id));
        }))
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
    return node.db().tx(conn -> Access.settingsEditable(conn, a, id)
        .compose(v -> checkRingUsers(conn, a, routing))
        .compose(v -> InboxSettings.checkReferences(conn, a.workspaceId(), settings))
        .compose(v -> Rest.orConflict(Db.query(conn, """
            UPDATE inbox SET name = COALESCE($2, name), color = COALESCE($3, color),
              business_hours = CASE WHEN $4 THEN $5 ELSE business_hours END,
              call_routing = CASE WHEN $6 THEN $7 ELSE call_routing END,
              settings = jsonb_strip_nulls(settings || COALESCE($8::jsonb, '{}'::jsonb)), updated_at = now()
            WHERE id = $1""", id, name, color, in.has("business_hours"), hours, in.has("call_routing"), routing, settings),
            "name", "an inbox with this name already exists"))
        .compose(v -> Audit.record(conn, a, "inbox.updated", "inbox", id, in.json().copy()))
        .compose(v -> load(conn, a, id))
        .compose(j -> EventLog.append(conn, a.workspaceId(), id, null, EventType.INBOX_UPDATED,
            new JsonObject().put("inbox", new JsonObject().put("id", id).put("name", j.getString("name")).put("color", j.getString("color"))))
            .map(j)));
  }

  private Future<?> delete(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "inbox");
    return node.db().tx(conn -> Access.settingsEditable(conn, a, id)
        .compose(r -> Db.list(conn, "SELECT user_id FROM membership WHERE inbox_id = $1", id)
            .compose(members -> Audit.record(conn, a, "inbox.deleted", "inbox", id, new JsonObject().put("name", r.getString("name")))
                .compose(v -> Db.query(conn, "DELETE FROM inbox WHERE id = $1", id))
                .map(members.stream().map(m -> m.getLong(0)).toList()))))
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

  /** Users rung by call routing must be active users of the workspace. */
  private static Future<Void> checkRingUsers(Tx conn, Actor a, JsonObject routing) {
    List<Long> ids = CallRouting.userIds(routing);
    if (ids.isEmpty()) return Future.succeededFuture();
    return Db.one(conn, "SELECT count(*) FROM app_user WHERE workspace_id = $1 AND active AND id = ANY($2)",
        a.workspaceId(), ids.toArray(Long[]::new)).compose(r -> r.getLong(0) == ids.stream().distinct().count()
        ? Future.succeededFuture()
        : Future.failedFuture(ApiError.validation("call_routing", "call_routing.ring names a user who does not exist or is inactive")));
  }
}
