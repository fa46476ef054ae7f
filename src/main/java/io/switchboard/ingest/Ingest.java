package io.switchboard.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.attachment.AttachmentStore;
import io.switchboard.conversation.Activities;
import io.switchboard.conversation.Conversations;
import io.switchboard.db.Db;
import io.switchboard.event.EventType;
import io.switchboard.inbox.Endpoints;
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
        .compose(files -> inTransaction(m, files))
        .recover(t -> t instanceof Duplicate ? existing(m) : Future.failedFuture(t))
        .onComplete(ar -> sample.stop(metrics.timer("switchboard.ingest", "channel", m.channel(),
            "outcome", ar.failed() ? "failed" : ar.result().duplicate() ? "duplicate" : "stored")));
  }

  /**
   * BEGIN and COMMIT are sent by hand rather than through the client's transaction object, which waits for each
   * statement's answer before COMMIT: here BEGIN travels with the look-up and COMMIT with the last write, so a
   * message costs three round trips to PostgreSQL. Should any statement fail, PostgreSQL turns that COMMIT into a
   * rollback; a failure before it sends an explicit ROLLBACK. Either way the connection goes back clean.
   */
  private Future<IngestResult> inTransaction(InboundMessage m, List<Stored> files) {
    return db.pool().getConnection().compose(conn -> {
      conn.query("BEGIN").execute();
      return write(conn, m, files)
          .transform(ar -> ar.succeeded() ? Future.succeededFuture(ar.result())
              : conn.query("ROLLBACK").execute().transform(x -> Future.<IngestResult>failedFuture(ar.cause())))
          .onComplete(ar -> conn.close());
    }).onSuccess(r -> db.committed());
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
   * One statement for what most messages need before the write: the endpoint; whether the provider id is already
   * stored there; the sender's contact if known; ids for the activity and its attachments; and, on a chat-like
   * channel where the contact already has their conversation, that conversation touched and reopened (prefixed
   * {@code t_}). The key-share lock makes a message wait for a merge of its contact in progress; afterwards the
   * merged-away contact is gone, the identity is found on the kept one (as for a concurrent first message), and
   * nothing is lost. $6: whether this message may reopen a chat conversation (chat-like and not the endpoint's own).
   */
  private static final String LOOKUP = """
      WITH e AS (SELECT * FROM endpoint WHERE channel = $1 AND address = $2),
      ct AS (SELECT c.* FROM e JOIN contact_identity i ON i.workspace_id = e.workspace_id AND i.channel = e.channel
               AND i.address = $4 JOIN contact c ON c.id = i.contact_id FOR KEY SHARE OF c),
      d AS (SELECT EXISTS (SELECT 1 FROM activity a JOIN e ON a.endpoint_id = e.id WHERE a.provider_id = $3) AS duplicate),
      t AS (UPDATE conversation c SET last_activity_at = greatest(c.last_activity_at, now()), last_incoming_at = now(),
              status = 'open', snoozed_until = NULL, updated_at = now()
            FROM (SELECT x.id, x.status FROM conversation x, e, ct
                  WHERE $6 AND x.endpoint_id = e.id AND x.contact_id = ct.id AND NOT ct.blocked
                    AND NOT (SELECT duplicate FROM d) FOR UPDATE OF x) o
            WHERE c.id = o.id
            RETURNING c.*, o.status AS previous_status,
              (SELECT u.name FROM app_user u WHERE u.id = c.assignee_id) AS assignee_name,
              ARRAY(SELECT g.name FROM conversation_tag y JOIN tag g ON g.id = y.tag_id
                    WHERE y.conversation_id = c.id ORDER BY g.name) AS tags)
      SELECT e.*, (SELECT duplicate FROM d) AS duplicate,
        now() AS tx_now, nextval('activity_id_seq') AS activity_id,
        ARRAY(SELECT nextval('attachment_id_seq') FROM generate_series(1, $5::int)) AS attachment_ids,
        ct.id AS ct_id, ct.name AS ct_name, ct.email AS ct_email, ct.phone AS ct_phone, ct.company AS ct_company,
        ct.blocked AS ct_blocked,
        t.id AS t_id, t.inbox_id AS t_inbox_id, t.endpoint_id AS t_endpoint_id, t.contact_id AS t_contact_id,
        t.channel AS t_channel, t.contact_address AS t_contact_address, t.subject AS t_subject, t.status AS t_status,
        t.priority AS t_priority, t.assignee_id AS t_assignee_id, t.assignee_name AS t_assignee_name,
        t.snoozed_until AS t_snoozed_until, t.tags AS t_tags, t.last_activity_at AS t_last_activity_at,
        t.last_incoming_at AS t_last_incoming_at, t.created_at AS t_created_at, t.updated_at AS t_updated_at,
        t.previous_status AS t_previous_status
      FROM e LEFT JOIN ct ON true LEFT JOIN t ON true""";

  private Future<IngestResult> write(SqlConnection conn, InboundMessage m, List<Stored> files) {
    boolean reopens = Endpoints.CHAT_LIKE.contains(m.channel()) && !m.outbound();
    return Db.one(conn, LOOKUP, m.channel(), m.endpointAddress(), m.providerId(), m.senderAddress(), files.size(), reopens)
        .compose(r -> {
      if (r == null) return Future.failedFuture(new UnknownEndpoint(m.channel(), m.endpointAddress()));
      // the common redelivery is caught here without writing; a concurrent one by the unique index below
      if (r.getBoolean("duplicate")) return Future.failedFuture(new Duplicate());
      Endpoint ep = Endpoint.of(r);
      Future<Contacts.Who> who = r.getLong("ct_id") != null ? Contacts.known(conn, r, m) : Contacts.create(conn, m, ep);
      // the look-up already touched the contact's chat conversation: the common case, done
      Future<Threads.Conv> touched = r.getLong("t_id") == null ? null
          : Future.succeededFuture(new Threads.Conv(r, "t_", false, r.getString("t_previous_status")));
      return who.compose(contact -> (touched != null ? touched : Threads.resolve(conn, m, ep, contact, r.getLong("ct_id") != null))
          .compose(conv -> store(conn, m, ep, contact, conv, files, r.getLong("activity_id"), r.getArrayOfLongs("attachment_ids"),
              r.getOffsetDateTime("tx_now"))));
    });
  }

  /**
   * The activity and its events in one statement: the events are written only if the activity was (a concurrent
   * redelivery inserts nothing). Answers how many activities were inserted.
   */
  private static final String INSERT = """
      WITH a AS (
        INSERT INTO activity (id, workspace_id, inbox_id, conversation_id, endpoint_id, kind, direction, status, sender_type,
          sender_id, sender_name, subject, text, html, provider_id, data, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)
        ON CONFLICT (endpoint_id, provider_id) WHERE provider_id IS NOT NULL DO NOTHING RETURNING id),
      e AS (
        INSERT INTO event (workspace_id, inbox_id, conversation_id, type, data)
        SELECT $2, $3, $4, x.t, x.d FROM (VALUES ($18::text, $19::jsonb), ($20::text, $21::jsonb)) AS x(t, d)
        WHERE x.t IS NOT NULL AND EXISTS (SELECT 1 FROM a))
      SELECT count(*) AS inserted FROM a""";

  private Future<IngestResult> store(SqlConnection conn, InboundMessage m, Endpoint ep, Contacts.Who who, Threads.Conv conv,
                                     List<Stored> files, long activityId, Long[] fileIds, OffsetDateTime txNow) {
    long conversationId = conv.id();
    boolean out = m.outbound();
    boolean blocked = !out && who.blocked();
    JsonObject data = m.data().copy();
    if (blocked) data.put("blocked_sender", true);
    String senderName = out ? m.author() : m.senderName() != null ? m.senderName() : who.name();
    OffsetDateTime sent = m.sentAt() == null ? null : m.sentAt().atOffset(ZoneOffset.UTC);
    // the provider's time when it is earlier than ours (a delayed delivery), never a time in the future
    OffsetDateTime at = sent != null && sent.isBefore(txNow) ? sent : txNow;
    Long senderId = out ? null : who.id();
    String direction = out ? "out" : "in";
    String status = out ? "sent" : "received";
    String senderType = out ? "user" : "contact";
    JsonArray attachmentsJson = attachmentJson(files, fileIds);
    JsonObject activity = Activities.json(new Activities.Fields(activityId, conversationId, ep.inboxId(), ep.id(), m.kind(),
        direction, status, senderType, senderId, senderName, m.subject(), m.text(), m.html(), m.providerId(), null, null,
        attachmentsJson, data, at, at));
    List<String> types = new ArrayList<>();
    List<JsonObject> payloads = new ArrayList<>();
    // a blocked sender's message is kept for the record but raises no notification
    if (!blocked) {
      JsonObject conversation = Conversations.json(conv.row(), conv.prefix(), who.json(), endpointJson(ep), lastMessage(activity));
      if (conv.created()) {
        types.add(EventType.CONVERSATION_CREATED);
        payloads.add(new JsonObject().put("conversation", conversation));
      } else if (!out && conv.previousStatus() != null && !"open".equals(conv.previousStatus())) {
        types.add(EventType.CONVERSATION_UPDATED);
        payloads.add(new JsonObject().put("conversation", conversation).put("changes", new JsonArray().add("status")));
      }
      types.add(EventType.MESSAGE_CREATED);
      payloads.add(new JsonObject().put("activity", activity).put("conversation", conversation));
    }
    while (types.size() < 2) {
      types.add(null);
      payloads.add(null);
    }
    Future<Row> inserted = Db.one(conn, INSERT, activityId, ep.workspaceId(), ep.inboxId(), conversationId, ep.id(), m.kind(),
        direction, status, senderType, senderId, senderName, m.subject(), m.text(), m.html(), m.providerId(), data, at,
        types.get(0), payloads.get(0), types.get(1), payloads.get(1));
    Future<Void> attached = attach(conn, ep.workspaceId(), activityId, files, fileIds, attachmentsJson);
    Future<?> committed = conn.query("COMMIT").execute();
    return Future.all(inserted, attached, committed).transform(ar -> {
      // a concurrent delivery of the same message inserted nothing (and its attachments failed with it)
      if (inserted.succeeded() && inserted.result().getLong("inserted") == 0) return Future.failedFuture(new Duplicate());
      if (ar.failed()) return Future.failedFuture(ar.cause());
      return Future.succeededFuture(new IngestResult(ep.workspaceId(), ep.inboxId(), ep.id(), conversationId, who.id(),
          activityId, false, conv.created()));
    });
  }

  /** The attachments as the API shows them, with ids taken now so the events can carry them. */
  private static JsonArray attachmentJson(List<Stored> files, Long[] ids) {
    JsonArray out = new JsonArray();
    for (int i = 0; i < files.size(); i++) {
      Stored s = files.get(i);
      InboundMessage.Attachment a = s.source();
      out.add(new JsonObject().put("id", ids[i]).put("filename", a.filename())
          .put("content_type", a.contentType() == null ? "application/octet-stream" : a.contentType())
          .put("size", s.stored() == null ? 0L : s.stored().size()).put("inline", a.inline()).put("content_id", a.contentId())
          .put("status", s.stored() == null ? "failed" : "stored").put("error", s.stored() == null ? a.error() : null));
    }
    return out;
  }

  /** Inserts the attachment rows, pipelined behind the activity they belong to. */
  private static Future<Void> attach(SqlConnection conn, long workspaceId, long activityId, List<Stored> files, Long[] ids,
                                     JsonArray json) {
    if (files.isEmpty()) return Future.succeededFuture();
    List<Future<?>> rows = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      Stored s = files.get(i);
      JsonObject j = json.getJsonObject(i);
      rows.add(Db.query(conn, """
          INSERT INTO attachment (id, workspace_id, activity_id, sha256, size, content_type, filename, content_id, inline,
            status, source_url, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)""",
          ids[i], workspaceId, activityId, s.stored() == null ? null : s.stored().sha256(), j.getLong("size"),
          j.getString("content_type"), j.getString("filename"), j.getString("content_id"), j.getBoolean("inline"),
          j.getString("status"), s.source().sourceUrl(), j.getString("error")));
    }
    return Future.all(rows).mapEmpty();
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
