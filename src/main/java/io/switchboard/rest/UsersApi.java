package io.switchboard.rest;

import io.switchboard.auth.Actor;
import io.switchboard.auth.web.Authenticator;
import io.switchboard.auth.PasswordRules;
import io.switchboard.auth.Permission;
import io.switchboard.auth.Users;
import io.switchboard.node.Node;
import io.switchboard.auth.Roles;
import io.switchboard.auth.Passwords;
import io.switchboard.auth.Sessions;
import io.switchboard.audit.Audit;
import io.switchboard.event.UserSignals;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.common.ApiError;
import io.switchboard.http.Input;
import io.switchboard.http.Page;
import io.switchboard.inbox.Addresses;
import io.switchboard.inbox.Members;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code /api/v1/users}: everyone in a workspace can list its users (to assign, to mention); only
 * {@code settings.manage} creates, edits and deactivates them. Users are never deleted: their name stays on
 * what they wrote, so DELETE deactivates, ends their sessions and tokens, and disconnects their sockets.
 */
public final class UsersApi {

  private static final String EMAIL_TAKEN = "a user with this e-mail already exists";

  private final Node node;
  private final Passwords passwords;
  private final Roles roles;

  private UsersApi(Node node, Passwords passwords, Roles roles) {
    this.node = node;
    this.passwords = passwords;
    this.roles = roles;
  }

  public static void mount(Router api, Node node, Passwords passwords, Roles roles) {
    UsersApi u = new UsersApi(node, passwords, roles);
    api.get("/users").handler(Rest.handle(u::list));
    api.post("/users").handler(Rest.handle(u::create));
    api.get("/users/:id").handler(Rest.handle(u::get));
    api.patch("/users/:id").handler(Rest.handle(u::update));
    api.delete("/users/:id").handler(Rest.handle(u::deactivate));
  }

  private Future<?> list(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    Page page = Page.of(ctx);
    String q = ctx.queryParams().get("q");
    String role = ctx.queryParams().get("role");
    String afterName = page.after() == null ? "" : page.afterString(0);
    long afterId = page.after() == null ? 0 : page.afterLong(1);
    return Users.list(node.db().pool(), a.workspaceId(), new Users.Search(q, blankToNull(role), afterName, afterId, page.limit() + 1))
        .map(users -> page.result(users, Users.Listed::user, u -> Page.cursor(u.sortName(), u.user().getLong("id"))));
  }

  private Future<?> get(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "user");
    return load(a, id);
  }

  private Future<JsonObject> load(Actor a, long id) {
    return Users.get(node.db().pool(), a.workspaceId(), id);
  }

  private Future<?> create(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.SETTINGS_MANAGE);
    Input in = Input.of(ctx);
    String email = Addresses.email("email", in.text("email", 254));
    String name = in.text("name", 200).trim();
    String role = in.oneOf("role", roles.names());
    String password = in.text("password", 1024);
    PasswordRules.check("password", password, email);
    Long defaultInbox = in.optId("default_inbox_id");
    if (defaultInbox != null) {
      throw ApiError.validation("default_inbox_id", "a new user is not a member of any inbox yet; add memberships first");
    }
    String phone = phone(node, in);
    return passwords.hash(password).compose(hash -> node.db().tx(conn ->
        Rest.orConflict(Users.create(conn, a.workspaceId(), new Users.NewUser(email, name, role, hash, phone)), "email", EMAIL_TAKEN)
            .compose(u -> Audit.record(conn, a, "user.created", "user", u.getLong("id"),
                new JsonObject().put("email", email).put("role", role)).map(u))))
        .map(Reply::created);
  }

  private Future<?> update(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "user");
    Input in = Input.of(ctx);
    boolean self = id == a.userId();
    boolean admin = a.can(Permission.SETTINGS_MANAGE);
    for (String f : new String[] {"email", "role", "password", "active"}) {
      if (in.has(f) && !admin) throw ApiError.forbidden("your role does not allow changing " + f + " (needs settings.manage)");
    }
    if (!self && !admin) throw ApiError.forbidden("you can only change your own profile");
    String email = in.has("email") ? Addresses.email("email", in.text("email", 254)) : null;
    String name = in.has("name") ? in.text("name", 200).trim() : null;
    String role = in.optOneOf("role", roles.names());
    String password = in.optText("password", 1024);
    // without a new e-mail, the stored one is what the password is held against (below, once loaded)
    if (password != null) PasswordRules.check("password", password, email);
    Boolean active = in.optBool("active");
    if (self && Boolean.FALSE.equals(active)) throw ApiError.validation("active", "you cannot deactivate yourself");
    Long defaultInbox = in.optId("default_inbox_id");
    String phone = phone(node, in);
    // who changes their own password stays signed in with what they sent it with; everything else of theirs ends
    byte[] keep = self ? Authenticator.credentialKey(ctx.request(), a) : null;
    List<String> endedSessions = new ArrayList<>();
    return load(a, id)
        .map(before -> {
          if (password != null && email == null) PasswordRules.check("password", password, before.getString("email"));
          return before;
        })
        .compose(before -> Members.checkDefaultInbox(node.db().pool(), id, defaultInbox).map(before))
        .compose(before -> (password == null ? Future.succeededFuture((String) null) : passwords.hash(password))
            .compose(hash -> node.db().tx(conn -> Users.keepAnAdmin(conn, a.workspaceId(), id, role, active)
                .compose(v -> Rest.orConflict(Users.update(conn, id, new Users.Change(email, name, role, hash, active,
                    in.has("default_inbox_id"), defaultInbox, in.has("phone"), phone)), "email", EMAIL_TAKEN))
                .compose(u -> Sessions.afterAccessChange(conn, id, u.getBoolean("active"), password != null, keep)
                    .compose(ended -> {
                      endedSessions.addAll(ended);
                      return Audit.record(conn, a, "user.updated", "user", id, changes(before, u, password != null));
                    })
                    .map(u)))))
        .map(u -> {
          if (!u.getBoolean("active")) UserSignals.deactivated(node.vertx(), id);
          else UserSignals.sessionsEnded(node.vertx(), id, endedSessions);
          return u;
        });
  }

  private Future<?> deactivate(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.SETTINGS_MANAGE);
    long id = Rest.pathId(ctx, "id", "user");
    if (id == a.userId()) throw ApiError.validation(null, "you cannot deactivate yourself");
    return load(a, id).compose(before -> node.db().tx(conn -> Users.keepAnAdmin(conn, a.workspaceId(), id, null, false)
            .compose(v -> Users.update(conn, id, Users.Change.deactivation()))
            .compose(u -> Sessions.afterAccessChange(conn, id, false, false, null)
                .compose(v -> Audit.record(conn, a, "user.deactivated", "user", id, new JsonObject().put("email", u.getString("email"))))
                .map(u))))
        .map(r -> {
          UserSignals.deactivated(node.vertx(), id);
          return null;
        });
  }

  /**
   * The user's own phone number (E.164), rung for their inbound calls and click-to-call; null clears it. Read in the
   * hub's default region when typed without a country code.
   */
  static String phone(Node node, Input in) {
    String raw = in.optText("phone", 40);
    return raw == null || raw.isBlank() ? null : Addresses.phone("phone", raw, node.config().phone().defaultRegion());
  }

  /** What an audit row keeps of a change: the fields that differ, and that the password changed (never what to). */
  private static JsonObject changes(JsonObject before, JsonObject after, boolean passwordChanged) {
    JsonObject c = new JsonObject();
    for (String f : new String[] {"email", "name", "role", "phone"}) {
      if (!Objects.equals(before.getString(f), after.getString(f))) c.put(f, after.getString(f));
    }
    if (!before.getBoolean("active").equals(after.getBoolean("active"))) c.put("active", after.getBoolean("active"));
    if (!Objects.equals(before.getLong("default_inbox_id"), after.getLong("default_inbox_id"))) {
      c.put("default_inbox_id", after.getLong("default_inbox_id"));
    }
    if (passwordChanged) c.put("password", "changed");
    return c;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
