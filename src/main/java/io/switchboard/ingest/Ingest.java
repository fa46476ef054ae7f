package io.switchboard.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.attachment.AttachmentStore;
import io.switchboard.conversation.Activities;
import io.switchboard.conversation.Conversations;
import io.switchboard.db.Db;
import io.switchboard.event.EventType;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The one write path for inbound messages, in one transaction: the inbox by (channel, endpoint address); the
 * contact by their identity (created on first contact); the conversation (one ongoing per contact and endpoint
 * for chat-like channels, a resolved one reopens; e-mail by thread); the activity, stored once per provider id;
 * the events. Callers acknowledge their sender only when the returned future succeeds, which is after the commit.
 *
 * <p>Every round trip inside the transaction holds a connection and, at the end, a commit: the common path is
 * five statements (look-up, conversation, activity, events, commit), with the JSON of the events built here
 * from what those statements return rather than read back.
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

  record Stored(InboundMessage.Attachment source, AttachmentStore.Stored stored) {
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
    if (m.attachments().isEmpty()) return Future.succeededFuture(List.of());
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

  /**
   * The endpoint, whether the provider id is already stored there, and the sender's contact if known: one query.
   * The key-share lock makes a message wait for a merge of its contact in progress; afterwards the merged-away
   * contact is gone, the identity is found on the kept one (as for a concurrent first message), and nothing is lost.
   */
  private static final String LOOKUP = """
      SELECT e.*, EXISTS (SELECT 1 FROM activity a WHERE a.endpoint_id = e.id AND a.provider_id = $3) AS duplicate,
        ct.id AS ct_id, ct.name AS ct_name, ct.email AS ct_email, ct.phone AS ct_phone, ct.company AS ct_company,
        ct.blocked AS ct_blocked
      FROM endpoint e
      LEFT JOIN LATERAL (SELECT c.* FROM contact_identity i JOIN contact c ON c.id = i.contact_id
                         WHERE i.workspace_id = e.workspace_id AND i.channel = e.channel AND i.address = $4
                         FOR KEY SHARE OF c) ct ON true
      WHERE e.channel = $1 AND e.address = $2""";

  private Future<IngestResult> write(SqlConnection conn, InboundMessage m, List<Stored> files) {
    return Db.one(conn, LOOKUP, m.channel(), m.endpointAddress(), m.providerId(), m.senderAddress()).compose(r -> {
      if (r == null) return Future.failedFuture(new UnknownEndpoint(m.channel(), m.endpointAddress()));
      // the common redelivery is caught here without writing; a concurrent one by the unique index below
      if (r.getBoolean("duplicate")) return Future.failedFuture(new Duplicate());
      Endpoint ep = Endpoint.of(r);
      Future<Contacts.Who> who = r.getLong("ct_id") != null ? Contacts.known(conn, r, m) : Contacts.create(conn, m, ep);
      return who.compose(contact -> Threads.resolve(conn, m, ep, contact)
          .compose(conv -> store(conn, m, ep, contact, conv, files)));
    });
  }

  private static final String INSERT_ACTIVITY = """
      INSERT INTO activity (workspace_id, inbox_id, conversation_id, endpoint_id, kind, direction, status, sender_type,
        sender_id, sender_name, subject, text, html, provider_id, data, created_at)
      VALUES ($1, $2, $3, $4, $5, $14, $15, $16, $6, $7, $8, $9, $10, $11, $12, COALESCE(LEAST($13, now()), now()))
      ON CONFLICT (endpoint_id, provider_id) WHERE provider_id IS NOT NULL DO NOTHING
      RETURNING id, workspace_id, inbox_id, conversation_id, endpoint_id, kind, direction, status, sender_type, sender_id,
        sender_name, subject, text, html, provider_id, error_code, error_message, data, created_at, updated_at,
        '[]'::json AS attachments""";

  private Future<IngestResult> store(SqlConnection conn, InboundMessage m, Endpoint ep, Contacts.Who who, Threads.Conv conv,
                                     List<Stored> files) {
    long conversationId = conv.row().getLong("id");
    OffsetDateTime at = m.sentAt() == null ? null : m.sentAt().atOffset(ZoneOffset.UTC);
    boolean out = m.outbound();
    boolean blocked = !out && who.blocked();
    JsonObject data = m.data().copy();
    if (blocked) data.put("blocked_sender", true);
    String senderName = out ? m.author() : m.senderName() != null ? m.senderName() : who.name();
    return Db.one(conn, INSERT_ACTIVITY, ep.workspaceId(), ep.inboxId(), conversationId, ep.id(), m.kind(), out ? null : who.id(),
            senderName, m.subject(), m.text(), m.html(), m.providerId(), data, at, out ? "out" : "in",
            out ? "sent" : "received", out ? "user" : "contact")
        .compose(row -> {
          if (row == null) return Future.failedFuture(new Duplicate());
          long activityId = row.getLong("id");
          IngestResult result = new IngestResult(ep.workspaceId(), ep.inboxId(), ep.id(), conversationId, who.id(), activityId,
              false, conv.created());
          return attach(conn, ep.workspaceId(), activityId, files).compose(files2 -> {
            // a blocked sender's message is kept for the record but raises no notification
            if (blocked) return Future.succeededFuture(result);
            JsonObject activity = Activities.json(row).put("attachments", files2);
            JsonObject conversation = Conversations.json(conv.row(), who.json(), endpointJson(ep), lastMessage(activity));
            List<String> types = new ArrayList<>();
            List<JsonObject> payloads = new ArrayList<>();
            if (conv.created()) {
              types.add(EventType.CONVERSATION_CREATED);
              payloads.add(new JsonObject().put("conversation", conversation));
            } else if (conv.previousStatus() != null && !"open".equals(conv.previousStatus())) {
              types.add(EventType.CONVERSATION_UPDATED);
              payloads.add(new JsonObject().put("conversation", conversation).put("changes", new JsonArray().add("status")));
            }
            types.add(EventType.MESSAGE_CREATED);
            payloads.add(new JsonObject().put("activity", activity).put("conversation", conversation));
            return events(conn, ep, conversationId, types, payloads).map(result);
          });
        });
  }

  /** Appends the events of one message in a single statement. */
  private static Future<Void> events(SqlConnection conn, Endpoint ep, long conversationId, List<String> types, List<JsonObject> data) {
    StringBuilder sql = new StringBuilder("INSERT INTO event (workspace_id, inbox_id, conversation_id, type, data) VALUES ");
    Tuple params = Tuple.of(ep.workspaceId(), ep.inboxId(), conversationId);
    for (int i = 0; i < types.size(); i++) {
      if (i > 0) sql.append(", ");
      sql.append("($1, $2, $3, $").append(4 + 2 * i).append(", $").append(5 + 2 * i).append(")");
      params.addValue(types.get(i)).addValue(data.get(i));
    }
    return conn.preparedQuery(sql.toString()).execute(params).mapEmpty();
  }

  /** Inserts the attachment rows (pipelined on the connection) and returns them as the API shows them. */
  private static Future<JsonArray> attach(SqlConnection conn, long workspaceId, long activityId, List<Stored> files) {
    if (files.isEmpty()) return Future.succeededFuture(new JsonArray());
    List<Future<Row>> rows = new ArrayList<>();
    for (Stored s : files) {
      InboundMessage.Attachment a = s.source();
      rows.add(Db.one(conn, """
          INSERT INTO attachment (workspace_id, activity_id, sha256, size, content_type, filename, content_id, inline,
            status, source_url, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
          RETURNING id, filename, content_type, size, inline, content_id, status, error""",
          workspaceId, activityId, s.stored() == null ? null : s.stored().sha256(), s.stored() == null ? 0L : s.stored().size(),
          a.contentType() == null ? "application/octet-stream" : a.contentType(), a.filename(), a.contentId(), a.inline(),
          s.stored() == null ? "failed" : "stored", a.sourceUrl(), s.stored() == null ? a.error() : null));
    }
    return Future.all(rows).map(cf -> {
      JsonArray out = new JsonArray();
      for (int i = 0; i < rows.size(); i++) {
        Row r = cf.resultAt(i);
        out.add(new JsonObject().put("id", r.getLong("id")).put("filename", r.getString("filename"))
            .put("content_type", r.getString("content_type")).put("size", r.getLong("size")).put("inline", r.getBoolean("inline"))
            .put("content_id", r.getString("content_id")).put("status", r.getString("status")).put("error", r.getString("error"))
            .put("url", "/api/v1/attachments/" + r.getLong("id")));
      }
      return out;
    });
  }

  private static JsonObject endpointJson(Endpoint ep) {
    return new JsonObject().put("id", ep.id()).put("address", ep.address()).put("name", ep.name()).put("enabled", ep.enabled())
        .put("disabled_reason", ep.disabledReason());
  }

  private static JsonObject lastMessage(JsonObject activity) {
    String text = activity.getString("text");
    return new JsonObject().put("id", activity.getLong("id")).put("kind", activity.getString("kind"))
        .put("direction", activity.getString("direction")).put("status", activity.getString("status"))
        .put("text", text == null ? null : text.substring(0, Math.min(200, text.length())))
        .put("created_at", activity.getString("created_at"));
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
