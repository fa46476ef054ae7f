package io.switchboard.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.attachment.AttachmentStore;
import io.switchboard.conversation.Activities;
import io.switchboard.conversation.Conversations;
import io.switchboard.auth.Secrets;
import io.switchboard.db.Db;
import io.switchboard.event.EventType;
import io.switchboard.event.Events;
import io.switchboard.inbox.Endpoints;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The one write path for inbound messages, in one transaction: the inbox by (channel, endpoint address); the
 * contact by their identity (created on first contact); the conversation (one ongoing per contact and endpoint
 * for chat-like channels, a resolved one reopens; e-mail by thread); the activity, stored once per provider id;
 * the events. Callers acknowledge their sender only when the returned future succeeds, which is after the commit.
 */
public final class Ingest {

  private final Db db;
  private final AttachmentStore attachments;
  private final MeterRegistry metrics;

  public Ingest(Db db, AttachmentStore attachments, MeterRegistry metrics) {
    this.db = db;
    this.attachments = attachments;
    this.metrics = metrics;
  }

  /** Thrown inside the transaction when the provider id is already stored, to roll back what was written. */
  private static final class Duplicate extends RuntimeException {
    Duplicate() {
      super(null, null, false, false);
    }
  }

  private record Stored(InboundMessage.Attachment source, AttachmentStore.Stored stored) {
  }

  public Future<IngestResult> ingest(InboundMessage m) {
    Timer.Sample sample = Timer.start(metrics);
    return storeFiles(m)
        .compose(files -> db.tx(conn -> write(conn, m, files)))
        .recover(t -> t instanceof Duplicate ? existing(m) : Future.failedFuture(t))
        .onComplete(ar -> sample.stop(metrics.timer("switchboard.ingest", "channel", m.channel(),
            "outcome", ar.failed() ? "failed" : ar.result().duplicate() ? "duplicate" : "stored")));
  }

  /** Files are written before the transaction: content-addressed, so a rolled-back or repeated write is harmless. */
  private Future<List<Stored>> storeFiles(InboundMessage m) {
    List<Future<Stored>> all = new ArrayList<>();
    for (InboundMessage.Attachment a : m.attachments()) {
      all.add(a.content() == null ? Future.succeededFuture(new Stored(a, null))
          : attachments.put(a.content()).map(s -> new Stored(a, s)));
    }
    return Future.all(all).map(cf -> {
      List<Stored> out = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) out.add(cf.resultAt(i));
      return out;
    });
  }

  private Future<IngestResult> write(SqlConnection conn, InboundMessage m, List<Stored> files) {
    return Endpoints.byAddress(conn, m.channel(), m.endpointAddress()).compose(ep -> {
      if (ep == null) return Future.failedFuture(new UnknownEndpoint(m.channel(), m.endpointAddress()));
      if (m.providerId() != null) {
        // the common redelivery is caught here without writing; a concurrent one by the unique index below
        return Db.one(conn, "SELECT 1 FROM activity WHERE endpoint_id = $1 AND provider_id = $2", ep.id(), m.providerId())
            .compose(r -> r != null ? Future.failedFuture(new Duplicate()) : write(conn, m, ep, files));
      }
      return write(conn, m, ep, files);
    });
  }

  private Future<IngestResult> write(SqlConnection conn, InboundMessage m, Endpoint ep, List<Stored> files) {
    return contact(conn, m, ep).compose(contact -> conversation(conn, m, ep, contact).compose(conv -> {
      long conversationId = conv.row.getLong("id");
      boolean out = m.outbound();
      boolean blocked = !out && contact.getBoolean("blocked");
      OffsetDateTime at = m.sentAt() == null ? null : m.sentAt().atOffset(ZoneOffset.UTC);
      JsonObject data = m.data().copy();
      if (blocked) data.put("blocked_sender", true);
      String senderName = out ? m.author() : m.senderName() != null ? m.senderName() : contact.getString("name");
      return Db.one(conn, """
          INSERT INTO activity (workspace_id, inbox_id, conversation_id, endpoint_id, kind, direction, status, sender_type,
            sender_id, sender_name, subject, text, html, provider_id, data, created_at)
          VALUES ($1, $2, $3, $4, $5, $14, $15, $16, $6, $7, $8, $9, $10, $11, $12, COALESCE(LEAST($13, now()), now()))
          ON CONFLICT (endpoint_id, provider_id) WHERE provider_id IS NOT NULL DO NOTHING RETURNING id""",
          ep.workspaceId(), ep.inboxId(), conversationId, ep.id(), m.kind(), out ? null : contact.getLong("id"),
          senderName, m.subject(), m.text(), m.html(), m.providerId(), data, at, out ? "out" : "in",
          out ? "sent" : "received", out ? "user" : "contact")
          .compose(r -> {
            if (r == null) return Future.failedFuture(new Duplicate());
            long activityId = r.getLong("id");
            Future<Void> f = attach(conn, ep.workspaceId(), activityId, files);
            if (out) {
              // sent from the mailbox itself: part of the history, but nothing to answer, so nothing reopens
              f = f.compose(v -> Db.query(conn, """
                  UPDATE conversation SET last_activity_at = greatest(last_activity_at, now()), updated_at = now()
                  WHERE id = $1""", conversationId).mapEmpty());
              if (conv.created) {
                f = f.compose(v -> Conversations.view(conn, conversationId)).compose(view ->
                    Events.append(conn, ep.workspaceId(), ep.inboxId(), conversationId, EventType.CONVERSATION_CREATED,
                        new JsonObject().put("conversation", view)));
              }
              return f.compose(v -> Activities.created(conn, ep.workspaceId(), ep.inboxId(), conversationId, activityId))
                  .map(v -> result(ep, conv, contact, activityId));
            }
            if (blocked) {
              // stored for the record, but a blocked sender raises no notification and reopens nothing
              return f.map(v -> result(ep, conv, contact, activityId));
            }
            f = f.compose(v -> Db.query(conn, """
                UPDATE conversation SET last_activity_at = greatest(last_activity_at, now()), last_incoming_at = now(),
                  status = 'open', snoozed_until = NULL, updated_at = now()
                WHERE id = $1""", conversationId).mapEmpty());
            if (conv.created) {
              f = f.compose(v -> Conversations.view(conn, conversationId)).compose(view ->
                  Events.append(conn, ep.workspaceId(), ep.inboxId(), conversationId, EventType.CONVERSATION_CREATED,
                      new JsonObject().put("conversation", view)));
            } else if (!"open".equals(conv.row.getString("status"))) {
              f = f.compose(v -> Conversations.view(conn, conversationId)).compose(view ->
                  Events.append(conn, ep.workspaceId(), ep.inboxId(), conversationId, EventType.CONVERSATION_UPDATED,
                      new JsonObject().put("conversation", view).put("changes", new JsonArray().add("status"))));
            }
            return f.compose(v -> Activities.created(conn, ep.workspaceId(), ep.inboxId(), conversationId, activityId))
                .map(v -> result(ep, conv, contact, activityId));
          });
    }));
  }

  private static IngestResult result(Endpoint ep, Conv conv, Row contact, long activityId) {
    return new IngestResult(ep.workspaceId(), ep.inboxId(), ep.id(), conv.row.getLong("id"), contact.getLong("id"),
        activityId, false, conv.created);
  }

  private static Future<Void> attach(SqlConnection conn, long workspaceId, long activityId, List<Stored> files) {
    Future<Void> f = Future.succeededFuture();
    for (Stored s : files) {
      InboundMessage.Attachment a = s.source();
      f = f.compose(v -> Db.query(conn, """
          INSERT INTO attachment (workspace_id, activity_id, sha256, size, content_type, filename, content_id, inline,
            status, source_url, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)""",
          workspaceId, activityId, s.stored() == null ? null : s.stored().sha256(), s.stored() == null ? 0L : s.stored().size(),
          a.contentType() == null ? "application/octet-stream" : a.contentType(), a.filename(), a.contentId(), a.inline(),
          s.stored() == null ? "failed" : "stored", a.sourceUrl(), s.stored() == null ? a.error() : null).mapEmpty());
    }
    return f;
  }

  /** Finds the contact by identity or creates both; two first messages at once resolve to one contact. */
  private Future<Row> contact(SqlConnection conn, InboundMessage m, Endpoint ep) {
    String find = """
        SELECT ct.* FROM contact_identity i JOIN contact ct ON ct.id = i.contact_id
        WHERE i.workspace_id = $1 AND i.channel = $2 AND i.address = $3""";
    return Db.one(conn, find, ep.workspaceId(), m.channel(), m.senderAddress()).compose(found -> {
      if (found != null) {
        if (found.getString("name") == null && m.senderName() != null) {
          return Db.one(conn, "UPDATE contact SET name = $2, updated_at = now() WHERE id = $1 RETURNING *",
              found.getLong("id"), m.senderName());
        }
        return Future.succeededFuture(found);
      }
      String email = m.channel().equals("email") ? m.senderAddress() : null;
      String phone = m.channel().equals("phone") ? m.senderAddress()
          : m.channel().equals("whatsapp") && m.senderAddress().matches("\\d{6,15}") ? "+" + m.senderAddress() : null;
      return Db.one(conn, "INSERT INTO contact (workspace_id, name, email, phone) VALUES ($1, $2, $3, $4) RETURNING *",
              ep.workspaceId(), m.senderName(), email, phone)
          .compose(created -> Db.one(conn, """
              INSERT INTO contact_identity (workspace_id, contact_id, channel, address) VALUES ($1, $2, $3, $4)
              ON CONFLICT (workspace_id, channel, address) DO NOTHING RETURNING id""",
              ep.workspaceId(), created.getLong("id"), m.channel(), m.senderAddress())
              .compose(identity -> {
                if (identity != null) return Future.succeededFuture(created);
                // someone else created this identity meanwhile: use theirs and drop ours
                return Db.query(conn, "DELETE FROM contact WHERE id = $1", created.getLong("id"))
                    .compose(v -> Db.one(conn, find, ep.workspaceId(), m.channel(), m.senderAddress()));
              }));
    });
  }

  private record Conv(Row row, boolean created) {
  }

  private Future<Conv> conversation(SqlConnection conn, InboundMessage m, Endpoint ep, Row contact) {
    long contactId = contact.getLong("id");
    if (Endpoints.CHAT_LIKE.contains(m.channel())) {
      String find = "SELECT * FROM conversation WHERE endpoint_id = $1 AND contact_id = $2 FOR UPDATE";
      return Db.one(conn, find, ep.id(), contactId).compose(found -> {
        if (found != null) return Future.succeededFuture(new Conv(found, false));
        return Db.one(conn, """
            INSERT INTO conversation (workspace_id, inbox_id, endpoint_id, contact_id, channel, contact_address, subject, thread_token)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (endpoint_id, contact_id) WHERE channel IN ('phone', 'whatsapp', 'messenger', 'instagram', 'widget', 'api')
            DO NOTHING RETURNING *""", ep.workspaceId(), ep.inboxId(), ep.id(), contactId, m.channel(), m.senderAddress(),
            m.subject(), Secrets.token(12))
            .compose(created -> created != null ? Future.succeededFuture(new Conv(created, true))
                : Db.one(conn, find, ep.id(), contactId).map(r -> new Conv(r, false)));
      });
    }
    return threaded(conn, m, ep, contactId).compose(found -> found != null ? Future.succeededFuture(new Conv(found, false))
        : Db.one(conn, """
            INSERT INTO conversation (workspace_id, inbox_id, endpoint_id, contact_id, channel, contact_address, subject, thread_token)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *""", ep.workspaceId(), ep.inboxId(), ep.id(), contactId,
            m.channel(), m.senderAddress(), m.subject(), Secrets.token(12)).map(r -> new Conv(r, true)));
  }

  /**
   * The conversation an e-mail answers: by the token of a {@code reply+<token>@} address (compared without case: some
   * mail systems lower-case addresses), else by any Message-ID it
   * references that we stored on this endpoint, for the same contact (different people answering one mail get
   * their own conversations).
   */
  private Future<Row> threaded(SqlConnection conn, InboundMessage m, Endpoint ep, long contactId) {
    InboundMessage.Thread t = m.thread();
    if (t == null) return Future.succeededFuture(null);
    Future<Row> byToken = t.token() == null ? Future.succeededFuture(null)
        : Db.one(conn, "SELECT * FROM conversation WHERE lower(thread_token) = lower($1) AND inbox_id = $2 FOR UPDATE",
            t.token(), ep.inboxId());
    return byToken.compose(found -> {
      if (found != null || t.references() == null || t.references().isEmpty()) return Future.succeededFuture(found);
      return Db.one(conn, """
          SELECT c.* FROM activity a JOIN conversation c ON c.id = a.conversation_id
          WHERE a.endpoint_id = $1 AND a.provider_id = ANY($2) AND c.contact_id = $3
          ORDER BY a.id DESC LIMIT 1 FOR UPDATE OF c""", ep.id(), t.references().toArray(String[]::new), contactId);
    });
  }

  /** A redelivery: what the first delivery stored. */
  private Future<IngestResult> existing(InboundMessage m) {
    return db.one("""
        SELECT a.id, a.conversation_id, a.inbox_id, a.workspace_id, a.endpoint_id, c.contact_id
        FROM activity a JOIN endpoint e ON e.id = a.endpoint_id JOIN conversation c ON c.id = a.conversation_id
        WHERE e.channel = $1 AND e.address = $2 AND a.provider_id = $3""", m.channel(), m.endpointAddress(), m.providerId())
        .map(r -> new IngestResult(r.getLong("workspace_id"), r.getLong("inbox_id"), r.getLong("endpoint_id"),
            r.getLong("conversation_id"), r.getLong("contact_id"), r.getLong("id"), true, false));
  }
}
