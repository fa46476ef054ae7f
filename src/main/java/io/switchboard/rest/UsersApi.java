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
import io.switchboard.inbox.Inboxes;
import io.switchboard.auth.InviteMailer;
import io.switchboard.auth.Invites;
import io.switchboard.db.Tx;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * {@code /api/v1/users}: everyone in a workspace can list its users (to assign, to mention); only
 * {@code settings.manage} creates, edits and deactivates them. Users are never deleted: their name stays on
 * what they wrote, so DELETE deactivates, ends their sessions and tokens, and disconnects their sockets.
 * Creating and editing take the user's inboxes ({@code inbox_ids}, set exactly) and default inbox in the same call
 * and transaction; each membership granted or revoked is audited and told to the user's sockets, as through
 * {@code /inboxes/{id}/members}. A user created with {@code "invite": true} has no password: they set one through
 * an invite link (see {@link InviteApi}).
 */
public final class UsersApi {

  private static final String EMAIL_TAKEN = "a user with this e-mail already exists";
  private static final int MAX_INBOXES = 1000;

  private final Node node;
  private final Passwords passwords;
  private final Roles roles;
  private final InviteMailer mailer;

  private UsersApi(Node node, Passwords passwords, Roles roles, InviteMailer mailer) {
    this.node = node;
    this.passwords = passwords;
    this.roles = roles;
    this.mailer = mailer;
  }

  public static void mount(Router api, Node node, Passwords passwords, Roles roles, InviteMailer mailer) {
    UsersApi u = new UsersApi(node, passwords, roles, mailer);
    api.get("/users").handler(Rest.handle(u::list));
    api.post("/users").handler(Rest.handle(u::create));
    api.get("/users/:id").handler(Rest.handle(u::get));
    api.patch("/users/:id").handler(Rest.handle(u::update));
    api.delete("/users/:id").handler(Rest.handle(u::deactivate));
    api.post("/users/:id/invite").handler(Rest.handle(u::reinvite));
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
    if (name.isEmpty()) throw ApiError.validation("name", "name cannot be empty");
    String role = in.oneOf("role", roles.names());
    boolean invite = Boolean.TRUE.equals(in.optBool("invite"));
    String password = in.optText("password", 1024);
    if (invite && password != null) throw ApiError.validation("invite", "send either a password or \"invite\": true, not both");
    if (!invite && password == null) {
      throw ApiError.validation("password", "password is required (or \"invite\": true, to let the user choose one through an invite link)");
    }
    if (password != null) PasswordRules.check("password", password, email);
    List<Long> inboxIds = inboxIds(in);
    Long defaultInbox = in.optId("default_inbox_id");
    if (defaultInbox != null && (inboxIds == null || !inboxIds.contains(defaultInbox))) {
      throw ApiError.validation("default_inbox_id", "the default inbox must be one of the user's inboxes (inbox_ids)");
    }
    List<Long> granted = inboxIds == null ? List.of() : inboxIds;
    String phone = phone(node, in);
    Users.NewUser user = new Users.NewUser(email, name, role, null, phone);
    return (password == null ? Future.succeededFuture((String) null) : passwords.hash(password))
        .compose(hash -> node.db().tx(conn -> insert(conn, a, user.withPasswordHash(hash), granted, defaultInbox, invite)))
        .compose(created -> {
          for (long inbox : granted) UserSignals.granted(node.vertx(), created.user().getLong("id"), inbox);
          if (created.invite() == null) return Future.succeededFuture(created.user());
          return mailInvite(a, created.user(), created.invite()).map(link -> created.user().put("invite", link));
        })
        .map(Reply::created);
  }

  /** A user just created, and their invite link (null without one). */
  private record Created(JsonObject user, Invites.Issued invite) {
  }

  /** The new user with their memberships, default inbox and invite link, in the caller's transaction; audited. */
  private Future<Created> insert(Tx conn, Actor a, Users.NewUser user, List<Long> inboxes, Long defaultInbox, boolean invite) {
    JsonObject audit = new JsonObject().put("email", user.email()).put("role", user.role())
        .put("inbox_ids", new JsonArray(new ArrayList<>(inboxes))).put("default_inbox_id", defaultInbox).put("invited", invite);
    return checkInboxes(conn, a, inboxes)
        .compose(v -> Rest.orConflict(Users.create(conn, a.workspaceId(), user), "email", EMAIL_TAKEN))
        .compose(row -> {
          long id = row.getLong("id");
          return grantAll(conn, a, row, inboxes)
              .compose(v -> defaultInbox == null ? Future.succeededFuture() : Users.update(conn, id, Users.Change.defaultInbox(defaultInbox)).mapEmpty())
              .compose(v -> invite ? Invites.issue(conn, a.workspaceId(), id, a.userId(), inviteTtl()) : Future.succeededFuture((Invites.Issued) null))
              .compose(issued -> Audit.record(conn, a, "user.created", "user", id, audit)
                  .compose(v -> Users.get(conn, a.workspaceId(), id))
                  .map(u -> new Created(u, issued)));
        });
  }

  private Future<?> update(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "user");
    Input in = Input.of(ctx);
    boolean self = id == a.userId();
    boolean admin = a.can(Permission.SETTINGS_MANAGE);
    for (String f : new String[] {"email", "role", "password", "active", "inbox_ids"}) {
      if (in.has(f) && !admin) throw ApiError.forbidden("your role does not allow changing " + f + " (needs settings.manage)");
    }
    if (!self && !admin) throw ApiError.forbidden("you can only change your own profile");
    String email = in.has("email") ? Addresses.email("email", in.text("email", 254)) : null;
    String name = in.has("name") ? in.text("name", 200).trim() : null;
    if (name != null && name.isEmpty()) throw ApiError.validation("name", "name cannot be empty");
    String role = in.optOneOf("role", roles.names());
    String password = in.optText("password", 1024);
    // without a new e-mail, the stored one is what the password is held against (below, once loaded)
    if (password != null) PasswordRules.check("password", password, email);
    Boolean active = in.optBool("active");
    if (self && Boolean.FALSE.equals(active)) throw ApiError.validation("active", "you cannot deactivate yourself");
    Long defaultInbox = in.optId("default_inbox_id");
    List<Long> inboxIds = inboxIds(in);
    boolean confirmed = Memberships.confirmed(ctx);
    String phone = phone(node, in);
    // who changes their own password stays signed in with what they sent it with; everything else of theirs ends
    byte[] keep = self ? Authenticator.credentialKey(ctx.request(), a) : null;
    return load(a, id)
        .map(before -> {
          if (password != null && email == null) PasswordRules.check("password", password, before.getString("email"));
          return before;
        })
        .compose(before -> password == null ? Future.succeededFuture((String) null) : passwords.hash(password))
        .compose(hash -> node.db().tx(conn -> apply(conn, a, new Edit(id, new Users.Change(email, name, role, hash, active,
            in.has("default_inbox_id"), defaultInbox, in.has("phone"), phone), inboxIds, confirmed, keep))))
        .map(done -> {
          for (long inbox : done.removed()) UserSignals.revoked(node.vertx(), id, inbox);
          for (long inbox : done.added()) UserSignals.granted(node.vertx(), id, inbox);
          if (!done.user().getBoolean("active")) UserSignals.deactivated(node.vertx(), id);
          else UserSignals.sessionsEnded(node.vertx(), id, done.endedSessions());
          return done.user();
        });
  }

  /**
   * A change of a user: the fields ({@code change}), the memberships set exactly ({@code inboxIds}; null leaves them),
   * whether emptying an inbox was confirmed, and the credential that stays signed in (null for none).
   */
  private record Edit(long userId, Users.Change change, List<Long> inboxIds, boolean confirmed, byte[] keep) {
  }

  /** A change applied: the user as it is now, the inboxes granted and revoked, and the sessions it ended. */
  private record Applied(JsonObject user, List<Long> added, List<Long> removed, List<String> endedSessions) {
  }

  /** Applies the change in the caller's transaction, the user locked: memberships first, then the fields; audited. */
  private Future<Applied> apply(Tx conn, Actor a, Edit e) {
    long id = e.userId();
    Users.Change c = e.change();
    return Users.lock(conn, a.workspaceId(), id).compose(locked -> {
      List<Long> now = ids(locked.getJsonArray("inbox_ids"));
      List<Long> after = e.inboxIds() == null ? now : e.inboxIds();
      if (c.defaultInboxId() != null && !after.contains(c.defaultInboxId())) {
        return Future.failedFuture(ApiError.validation("default_inbox_id", e.inboxIds() == null
            ? "the default inbox must be an inbox the user is a member of"
            : "the default inbox must be one of the user's inboxes (inbox_ids)"));
      }
      List<Long> added = after.stream().filter(i -> !now.contains(i)).toList();
      List<Long> removed = now.stream().filter(i -> !after.contains(i)).toList();
      boolean activeAfter = c.active() != null ? c.active() : locked.getBoolean("active");
      if (!added.isEmpty() && !activeAfter) {
        return Future.failedFuture(ApiError.validation("inbox_ids", "the user is deactivated: they cannot be added to inboxes"));
      }
      boolean passwordChanged = c.passwordHash() != null;
      return Users.keepAnAdmin(conn, a.workspaceId(), id, c.role(), c.active())
          .compose(v -> checkInboxes(conn, a, added))
          .compose(v -> revokeAll(conn, a, id, removed, e.confirmed()))
          .compose(v -> grantAll(conn, a, locked, added))
          .compose(v -> Rest.orConflict(Users.update(conn, id, c), "email", EMAIL_TAKEN))
          .compose(u -> Sessions.afterAccessChange(conn, id, u.getBoolean("active"), passwordChanged, e.keep()))
          .compose(ended -> Users.get(conn, a.workspaceId(), id)
              .compose(u -> Audit.record(conn, a, "user.updated", "user", id, changes(locked, u, passwordChanged))
                  .map(new Applied(u, added, removed, ended))));
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
   * {@code POST /users/{id}/invite}: a new invite link for a user who has not set a password yet (the earlier link
   * stops working); 409 once they have one, or when they are deactivated.
   */
  private Future<?> reinvite(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.SETTINGS_MANAGE);
    long id = Rest.pathId(ctx, "id", "user");
    return node.db().tx(conn -> Users.lock(conn, a.workspaceId(), id).compose(u -> {
      if (!u.getBoolean("active")) return Future.failedFuture(ApiError.conflict(null, "the user is deactivated"));
      if (!"invited".equals(u.getString("status"))) {
        return Future.failedFuture(ApiError.conflict(null, "the user has set a password already; an invite link is for users who have none"));
      }
      return Invites.issue(conn, a.workspaceId(), id, a.userId(), inviteTtl())
          .compose(issued -> Audit.record(conn, a, "user.invited", "user", id, new JsonObject().put("email", u.getString("email")))
              .map(v -> new Object[] {u, issued}));
    }))
        .compose(r -> mailInvite(a, (JsonObject) r[0], (Invites.Issued) r[1]))
        .map(inv -> Reply.created(new JsonObject().put("invite", inv)));
  }

  /** The link of an invite, e-mailed when the workspace has an outgoing mail server: {@code {url, expires_at, emailed}}. */
  private Future<JsonObject> mailInvite(Actor a, JsonObject user, Invites.Issued issued) {
    String base = node.config().http().publicUrl().replaceAll("/+$", "");
    String link = base + "/#/invite/" + issued.token();
    return Invites.find(node.db().pool(), issued.token(), false)
        .compose(found -> mailer.send(new InviteMailer.Invite(a.workspaceId(), user.getString("email"), user.getString("name"),
            link, a.name(), found == null ? null : found.workspaceName(), issued.expiresAt())))
        .recover(t -> Future.succeededFuture(false))
        .map(emailed -> new JsonObject().put("url", link).put("expires_at", issued.expiresAt()).put("emailed", emailed));
  }

  private Duration inviteTtl() {
    return Duration.ofHours(node.config().auth().inviteTtlHours());
  }

  /** {@code inbox_ids}: the user's inboxes, set exactly (sorted, each once); null when not sent. */
  private static List<Long> inboxIds(Input in) {
    JsonArray raw = in.optArray("inbox_ids", MAX_INBOXES);
    if (raw == null) return null;
    TreeSet<Long> ids = new TreeSet<>();
    for (Object o : raw) {
      if (!(o instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() <= 0) {
        throw ApiError.validation("inbox_ids", "inbox_ids must be a list of inbox ids");
      }
      ids.add(n.longValue());
    }
    return new ArrayList<>(ids);
  }

  private static List<Long> ids(JsonArray a) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) out.add(a.getLong(i));
    return out;
  }

  /** 400 naming {@code inbox_ids} unless every id is an inbox of the workspace (another workspace's is no inbox here). */
  private static Future<Void> checkInboxes(Tx conn, Actor a, List<Long> ids) {
    if (ids.isEmpty()) return Future.succeededFuture();
    return Inboxes.names(conn, a.workspaceId(), ids).compose(names -> {
      List<String> missing = ids.stream().filter(i -> !names.containsKey(i)).map(String::valueOf).toList();
      return missing.isEmpty() ? Future.succeededFuture()
          : Future.failedFuture(ApiError.validation("inbox_ids", "no inbox with id " + String.join(", ", missing)));
    });
  }

  private static Future<Void> grantAll(Tx conn, Actor a, JsonObject user, List<Long> inboxes) {
    Future<Void> f = Future.succeededFuture();
    for (long inbox : inboxes) f = f.compose(v -> Memberships.grant(conn, a, inbox, user).mapEmpty());
    return f;
  }

  /** Revokes in id order (the order inbox rows are locked in), each refused when it would leave the inbox empty. */
  private static Future<Void> revokeAll(Tx conn, Actor a, long user, List<Long> inboxes, boolean confirmed) {
    if (inboxes.isEmpty()) return Future.succeededFuture();
    return Inboxes.names(conn, a.workspaceId(), inboxes).compose(names -> {
      Future<Void> f = Future.succeededFuture();
      for (long inbox : inboxes) {
        f = f.compose(v -> Memberships.keepAMember(conn, inbox, names.get(inbox), user, confirmed, "inbox_ids"))
            .compose(v -> Memberships.revoke(conn, a, inbox, user).mapEmpty());
      }
      return f;
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
    if (!before.getJsonArray("inbox_ids").equals(after.getJsonArray("inbox_ids"))) c.put("inbox_ids", after.getJsonArray("inbox_ids"));
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
