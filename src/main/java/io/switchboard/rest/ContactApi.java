package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.contact.Contacts;
import io.switchboard.contact.Lookup;
import io.switchboard.contact.Properties;
import io.switchboard.conversation.Timeline;
import io.switchboard.node.Node;
import io.switchboard.audit.Audit;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.conversation.Conversations;
import io.switchboard.db.Db;
import io.switchboard.event.EventType;
import io.switchboard.event.EventLog;
import io.switchboard.event.Events;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.common.ApiError;
import io.switchboard.http.Input;
import io.switchboard.http.Page;
import io.switchboard.common.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /contacts}: search, create, read, edit and delete contacts, and list the conversations of one. Reads need
 * the contact to be visible ({@link Contacts}); writes also need {@code contacts.manage}. Every change is a
 * {@code contact.updated} in each inbox where the contact has conversations.
 */
public final class ContactApi {

  private final Node node;
  private final String region;

  private ContactApi(Node node) {
    this.node = node;
    this.region = node.config().phone().defaultRegion();
  }

  public static void mount(Router api, Node node) {
    ContactApi c = new ContactApi(node);
    api.get("/contacts").handler(Rest.handle(c::list));
    api.post("/contacts").handler(Rest.handle(c::create));
    api.get("/contacts/:id").handler(Rest.handle(c::get));
    api.patch("/contacts/:id").handler(Rest.handle(c::update));
    api.delete("/contacts/:id").handler(Rest.handle(c::delete));
    api.get("/contacts/:id/conversations").handler(Rest.handle(c::conversations));
  }

  private Future<?> list(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    Page page = Page.of(ctx);
    Lookup q = Lookup.of(ctx.queryParams().get("q"));
    String blockedParam = ctx.queryParams().get("blocked");
    if (blockedParam != null && !blockedParam.equals("true") && !blockedParam.equals("false")) {
      throw ApiError.validation("blocked", "blocked must be true or false");
    }
    Boolean blocked = blockedParam == null ? null : Boolean.valueOf(blockedParam);
    long after = page.after() == null ? Long.MAX_VALUE : page.afterLong(0);
    return node.db().list("SELECT " + Contacts.COLUMNS + " FROM contact ct WHERE ct.workspace_id = $1 AND "
            + Contacts.visibleSql("ct", 2, 3)
            + " AND ($4::text[] IS NULL AND $5::text[] IS NULL OR " + Lookup.contactSql("ct", 4, 5) + ")"
            + " AND ($6::boolean IS NULL OR ct.blocked = $6) AND ct.id < $7 ORDER BY ct.id DESC LIMIT $8",
        a.workspaceId(), a.userId(), a.can(Permission.CONTACTS_MANAGE), q == null ? null : q.words(),
        q == null ? null : q.phonePatterns(), blocked, after, page.limit() + 1)
        .map(rows -> page.result(rows, Contacts::json, r -> Page.cursor(r.getLong("id"))));
  }

  private Future<?> get(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "contact");
    return Contacts.visible(node.db().pool(), a, id).compose(r -> Contacts.view(node.db().pool(), id));
  }

  private Future<?> create(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.CONTACTS_MANAGE);
    ContactFields f = ContactFields.read(Input.of(ctx), region);
    return node.db().tx(conn -> Properties.definitions(conn, a.workspaceId(), "contact").compose(defs -> {
      Map<Long, String> values = f.properties() == null ? Map.of() : Properties.check(f.properties(), defs);
      return Db.one(conn, """
              INSERT INTO contact (workspace_id, name, email, phone, company, blocked)
              VALUES ($1, $2, $3, $4, $5, COALESCE($6, false)) RETURNING id""",
              a.workspaceId(), f.name(), f.email(), f.phone(), f.company(), f.blocked())
          .map(r -> r.getLong(0))
          .compose(id -> (f.identities() == null ? Future.<Void>succeededFuture()
                  : ContactFields.replaceIdentities(conn, a.workspaceId(), id, f.identities()))
              .compose(v -> f.addImplied(conn, a.workspaceId(), id))
              .compose(v -> Properties.write(conn, "contact_property", "contact_id", id, values))
              .compose(v -> Contacts.view(conn, id)));
    })).map(Reply::created);
  }

  private Future<?> update(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "contact");
    ContactFields f = ContactFields.read(Input.of(ctx), region);
    JsonArray changes = new JsonArray();
    for (String field : List.of("name", "email", "phone", "company", "blocked", "properties", "identities")) {
      if (f.has(field)) changes.add(field);
    }
    if (f.has("blocked") && f.blocked() == null) throw ApiError.validation("blocked", "blocked must be true or false");
    return node.db().tx(conn -> Contacts.editable(conn, a, id)
        .compose(before -> Properties.definitions(conn, a.workspaceId(), "contact"))
        .compose(defs -> {
          Map<Long, String> values = f.properties() == null ? Map.of() : Properties.check(f.properties(), defs);
          return Db.query(conn, """
                  UPDATE contact SET
                    name = CASE WHEN $2 THEN $3 ELSE name END,
                    email = CASE WHEN $4 THEN $5 ELSE email END,
                    phone = CASE WHEN $6 THEN $7 ELSE phone END,
                    company = CASE WHEN $8 THEN $9 ELSE company END,
                    blocked = COALESCE($10, blocked),
                    updated_at = now()
                  WHERE id = $1""", id, f.has("name"), f.name(), f.has("email"), f.email(), f.has("phone"), f.phone(),
                  f.has("company"), f.company(), f.blocked())
              .compose(v -> f.identities() == null ? Future.<Void>succeededFuture()
                  : ContactFields.replaceIdentities(conn, a.workspaceId(), id, f.identities()))
              .compose(v -> f.addImplied(conn, a.workspaceId(), id))
              .compose(v -> Properties.write(conn, "contact_property", "contact_id", id, values))
              .compose(v -> changes.isEmpty() ? Contacts.view(conn, id) : Contacts.announce(conn, a.workspaceId(), id, changes));
        }));
  }

  /**
   * Deleting a contact deletes its conversations, so it is refused (409) while any of them is in an inbox the user
   * is not a member of: nobody destroys what they cannot see. Audited; each inbox hears of the deletion.
   */
  private Future<?> delete(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "contact");
    return node.db().tx(conn -> Contacts.removable(conn, a, id).compose(contact -> Contacts.allConversationsSeen(conn, a, id,
        ApiError.conflict(null, "this contact has conversations in inboxes you are not a member of; ask someone who sees them all"))
        .compose(convs -> {
      Map<Long, JsonArray> byInbox = new LinkedHashMap<>();
      convs.forEach(r -> byInbox.computeIfAbsent(r.getLong("inbox_id"), k -> new JsonArray()).add(r.getLong("id")));
      Future<Void> f = Future.succeededFuture();
      for (Map.Entry<Long, JsonArray> e : byInbox.entrySet()) {
        for (Object conv : e.getValue()) {
          f = f.compose(v -> Timeline.deleted(conn, a.workspaceId(), e.getKey(), (Long) conv, new JsonObject().put("contact_id", id)));
        }
        f = f.compose(v -> EventLog.append(conn, a.workspaceId(), e.getKey(), null, EventType.CONTACT_DELETED,
            new JsonObject().put("contact_id", id).put("conversation_ids", e.getValue())));
      }
      return f.compose(v -> Audit.record(conn, a, "contact.deleted", "contact", id, new JsonObject()
              .put("name", contact.getString("name")).put("email", contact.getString("email"))
              .put("phone", contact.getString("phone")).put("conversations", convs.size())))
          .compose(v -> Db.query(conn, "DELETE FROM contact WHERE id = $1", id)).mapEmpty();
    })));
  }

  /** The contact's conversations in inboxes the user is a member of, most recent activity first. */
  private Future<?> conversations(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "contact");
    Page page = Page.of(ctx);
    OffsetDateTime afterAt = page.after() == null ? OffsetDateTime.parse("9999-12-31T00:00:00Z") : Times.parse("cursor", page.afterString(0));
    long afterId = page.after() == null ? Long.MAX_VALUE : page.afterLong(1);
    return Contacts.visible(node.db().pool(), a, id).compose(r -> node.db().list(Conversations.VIEW + """
        JOIN membership m ON m.inbox_id = c.inbox_id AND m.user_id = $2
        WHERE c.contact_id = $1 AND (c.last_activity_at, c.id) < ($3, $4)
        ORDER BY c.last_activity_at DESC, c.id DESC LIMIT $5""", id, a.userId(), afterAt, afterId, page.limit() + 1))
        .map(rows -> page.result(rows, Conversations::json, c -> Page.cursor(Times.iso(c, "last_activity_at"), c.getLong("id"))));
  }
}
