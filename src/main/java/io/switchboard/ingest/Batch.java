package io.switchboard.ingest;

import io.switchboard.attachment.AttachmentStore;
import io.switchboard.contact.Identities;
import io.switchboard.conversation.Activities;
import io.switchboard.conversation.Conversations;
import io.switchboard.conversation.Timeline;
import io.switchboard.db.Db;
import io.switchboard.db.Tx;
import io.switchboard.event.EventLog;
import io.switchboard.event.EventType;
import io.switchboard.inbox.Endpoints;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One transaction for many inbound messages, set-based: a batch costs three round trips to PostgreSQL however many
 * messages it holds, when their senders and conversations are known (the common case):
 * <ol>
 *   <li>look-up: each message's endpoint, whether its provider id is stored already, the sender's contact, and
 *       on chat-like channels the contact's conversation, locked in id order (so batches running at once, on this
 *       node or others, always wait for each other in the same order and cannot deadlock);</li>
 *   <li>the rest, one message at a time in a fixed order: a first message (a new contact, a new conversation),
 *       e-mail threading, a blocked sender, a mailbox's own sent mail;</li>
 *   <li>write: every activity in one insert (a redelivery racing another inserts nothing), the conversations of
 *       those inserted touched and reopened, files, names, all in one statement;</li>
 * </ol>
 * then the events go with COMMIT ({@link EventLog}). Messages are acknowledged after it, by the {@link Batcher}.
 */
final class Batch {

  /** One message of a batch and what became of it. */
  static final class Item {
    final InboundMessage m;
    final List<Stored> files;
    final Promise<IngestResult> done = Promise.promise();
    final long queuedNanos = System.nanoTime();
    /** An earlier message of the same batch with the same provider id: this one is its redelivery. */
    Item sameAs;
    /** Its first delivery committed in another transaction while this one ran: nothing of it was written. */
    boolean raced;
    /** Already cut down once after PostgreSQL refused it as it was. */
    boolean degraded;
    // what the write found and did
    Endpoint ep;
    IngestResult result;
    Who who;
    long conversationId;
    boolean created;
    /** How the conversation is touched: reopen (an incoming message), bump (sent by the mailbox itself), none. */
    String touch;
    long activityId;
    Long[] fileIds;
    OffsetDateTime at;

    Item(InboundMessage m, List<Stored> files) {
      this.m = m;
      this.files = files;
    }

    /** Forgets what an earlier attempt found: a batch written again starts from nothing. */
    void reset() {
      sameAs = null;
      raced = false;
      ep = null;
      result = null;
      who = null;
      conversationId = 0;
      created = false;
      touch = null;
      activityId = 0;
      fileIds = null;
      at = null;
    }

    boolean writes() {
      return ep != null && result == null && sameAs == null;
    }
  }

  /** A file that came with a message, written to disk before the transaction. */
  record Stored(InboundMessage.Attachment source, AttachmentStore.Stored stored) {
  }

  /** Who sent a message: the contact behind their identity. */
  record Who(long id, String name, String email, String phone, String company, boolean blocked) {
    JsonObject json() {
      return new JsonObject().put("id", id).put("name", name).put("email", email).put("phone", phone)
          .put("company", company).put("blocked", blocked);
    }

    static Who of(Row r, String p) {
      return new Who(r.getLong(p + "id"), r.getString(p + "name"), r.getString(p + "email"), r.getString(p + "phone"),
          r.getString(p + "company"), r.getBoolean(p + "blocked"));
    }
  }

  private final List<Item> items;
  private final Tx tx;
  private final Map<String, Who> contacts = new HashMap<>();
  private final Map<String, Long> chats = new HashMap<>();

  private Batch(Tx tx, List<Item> items) {
    this.tx = tx;
    this.items = items;
  }

  /** Writes the messages in one transaction; on success each item holds its result (or its own failure). */
  static Future<Void> write(Db db, List<Item> items) {
    for (Item i : items) i.reset();
    markRedeliveries(items);
    return db.tx(tx -> new Batch(tx, items).run());
  }

  private static void markRedeliveries(List<Item> items) {
    Map<String, Item> first = new HashMap<>();
    for (Item i : items) {
      if (i.m.providerId() == null) continue;
      Item earlier = first.putIfAbsent(i.m.channel() + "\n" + i.m.endpointAddress() + "\n" + i.m.providerId(), i);
      if (earlier != null) i.sameAs = earlier;
    }
  }

  /** Whether the write settled this message: stored, a redelivery, or its own failure (an unknown endpoint). */
  private Future<Void> run() {
    return lookup().compose(v -> slowPath()).compose(v -> store());
  }

  // ---- 1. look-up ----

  /**
   * One flat pass of index look-ups (no CTE joined back to itself, so a batch costs linear time), then the chat
   * conversations found locked in id order (the condition runs that once, before any row is returned); their status
   * before this batch is read by the write, under that lock.
   * A redelivery is not looked for here: the activity insert meets it (ON CONFLICT), and so does a concurrent one.
   */
  private static final String LOOKUP = """
      WITH l AS MATERIALIZED (
        SELECT m.i, m.files, e.id, e.workspace_id, e.inbox_id, e.channel, e.address, e.name, e.enabled, e.disabled_reason,
          c.id AS ct_id, c.name AS ct_name, c.email AS ct_email, c.phone AS ct_phone, c.company AS ct_company,
          c.blocked AS ct_blocked, x.id AS conv_id
        FROM unnest($1::text[], $2::text[], $3::text[], $4::bool[], $5::int[])
          WITH ORDINALITY AS m(channel, ep_address, sender, reopens, files, i)
        JOIN endpoint e ON e.channel = m.channel AND e.address = m.ep_address
        -- lateral and limited (so not flattened), so that every key of each look-up is an index condition, whatever
        -- the planner guesses of the arrays' sizes
        LEFT JOIN LATERAL (SELECT ci.contact_id FROM contact_identity ci
                           WHERE ci.workspace_id = e.workspace_id AND ci.channel = e.channel AND ci.address = m.sender
                           LIMIT 1) ci ON true
        LEFT JOIN contact c ON c.id = ci.contact_id
        LEFT JOIN LATERAL (SELECT y.id FROM conversation y WHERE y.endpoint_id = e.id AND y.contact_id = c.id LIMIT 1) x
          ON m.reopens AND NOT c.blocked),
      k AS MATERIALIZED (SELECT id FROM conversation WHERE id IN (SELECT conv_id FROM l) ORDER BY id FOR NO KEY UPDATE)
      SELECT l.*, now() AS tx_now, nextval('activity_id_seq') AS activity_id,
        ARRAY(SELECT nextval('attachment_id_seq') FROM generate_series(1, l.files)) AS file_ids
      FROM l WHERE (SELECT count(*) FROM k) >= 0""";

  private Future<Void> lookup() {
    int n = items.size();
    String[] channels = new String[n];
    String[] endpoints = new String[n];
    String[] senders = new String[n];
    Boolean[] reopens = new Boolean[n];
    Integer[] files = new Integer[n];
    for (int k = 0; k < n; k++) {
      InboundMessage m = items.get(k).m;
      channels[k] = m.channel();
      endpoints[k] = m.endpointAddress();
      senders[k] = m.senderAddress();
      reopens[k] = Endpoints.CHAT_LIKE.contains(m.channel()) && !m.outbound();
      files[k] = m.attachments().size();
    }
    return tx.preparedQuery(LOOKUP).execute(Tuple.of(channels, endpoints, senders, reopens, files)).map(rs -> {
      for (Row r : rs) {
        Item i = items.get(r.getInteger("i") - 1);
        i.ep = Endpoint.plain(r);
        if (i.sameAs != null) continue;
        i.activityId = r.getLong("activity_id");
        i.fileIds = r.getArrayOfLongs("file_ids");
        OffsetDateTime now = r.getOffsetDateTime("tx_now");
        OffsetDateTime sent = i.m.sentAt() == null ? null : i.m.sentAt().atOffset(ZoneOffset.UTC);
        // the provider's time when it is earlier than ours (a delayed delivery), never a time in the future
        i.at = sent != null && sent.isBefore(now) ? sent : now;
        if (r.getLong("ct_id") != null) i.who = Who.of(r, "ct_");
        if (r.getLong("conv_id") != null) {
          i.conversationId = r.getLong("conv_id");
          i.touch = "reopen";
        }
      }
      return null;
    });
  }

  // ---- 2. one at a time ----

  /** Messages the look-up could not settle, in one order for every batch: sender by sender. */
  private Future<Void> slowPath() {
    List<Item> slow = new ArrayList<>();
    for (Item i : items) if (i.writes() && i.touch == null) slow.add(i);
    if (slow.isEmpty()) return Future.succeededFuture();
    slow.sort(Comparator.comparing((Item i) -> i.m.channel()).thenComparing(i -> i.m.endpointAddress())
        .thenComparing(i -> i.m.senderAddress()));
    Future<Void> f = Future.succeededFuture();
    for (Item i : slow) f = f.compose(v -> settle(i));
    return f;
  }

  private Future<Void> settle(Item i) {
    return contact(i).compose(who -> {
      i.who = who;
      InboundMessage m = i.m;
      // mail the mailbox sent itself is history, not something to answer: it reopens nothing
      if (m.outbound()) return passive(i, "open", "bump");
      if (who.blocked()) return passive(i, "resolved", "none");
      if (Endpoints.CHAT_LIKE.contains(m.channel())) return chat(i);
      return Threads.find(tx, m, i.ep, who.id()).compose(found -> found != null ? join(i, found, "reopen") : start(i, "open"));
    });
  }

  /** The sender's contact: as the look-up found it (a new name fills an empty one), else found or made now. */
  private Future<Who> contact(Item i) {
    if (i.who != null) return Future.succeededFuture(i.who);
    InboundMessage m = i.m;
    String key = i.ep.workspaceId() + "\n" + m.channel() + "\n" + m.senderAddress();
    Who known = contacts.get(key);
    if (known != null) return Future.succeededFuture(known);
    String email = m.channel().equals("email") ? m.senderAddress() : null;
    String phone = m.channel().equals("phone") ? m.senderAddress()
        : m.channel().equals("whatsapp") && m.senderAddress().matches("\\d{6,15}") ? "+" + m.senderAddress() : null;
    return Identities.findOrCreate(tx, i.ep.workspaceId(), m.channel(), m.senderAddress(), m.senderName(), email, phone)
        .map(found -> {
          Who who = Who.of(found.contact(), "");
          contacts.put(key, who);
          return who;
        });
  }

  private Future<Void> chat(Item i) {
    String key = i.ep.id() + "\n" + i.who.id();
    Long known = chats.get(key);
    if (known != null) return join(i, known, "reopen");
    return Timeline.existing(tx, i.ep, i.who.id()).compose(found -> found != null ? join(i, found, "reopen") : start(i, "open"));
  }

  /** A message that must not reopen anything: the conversation it belongs to, or a new one in {@code newStatus}. */
  private Future<Void> passive(Item i, String newStatus, String touch) {
    Future<Long> existing = Endpoints.CHAT_LIKE.contains(i.m.channel()) ? Timeline.existing(tx, i.ep, i.who.id())
        : Threads.find(tx, i.m, i.ep, i.who.id());
    return existing.compose(found -> found != null ? join(i, found, touch) : start(i, newStatus));
  }

  /** Joins an existing conversation, locked now (in a batch's fixed order of senders). */
  private Future<Void> join(Item i, long conversationId, String touch) {
    return Db.query(tx, "SELECT 1 FROM conversation WHERE id = $1 FOR NO KEY UPDATE", conversationId).map(r -> {
      i.conversationId = conversationId;
      i.touch = touch;
      if (Endpoints.CHAT_LIKE.contains(i.m.channel())) chats.put(i.ep.id() + "\n" + i.who.id(), conversationId);
      return null;
    });
  }

  private Future<Void> start(Item i, String status) {
    return Timeline.startOrJoin(tx, new Timeline.Start(i.ep.workspaceId(), i.ep, i.who.id(), i.m.senderAddress(), i.m.subject(),
            null, status, status.equals("open")), false)
        .compose(s -> {
          if (!s.created()) return join(i, s.id(), i.m.outbound() ? "bump" : i.who.blocked() ? "none" : "reopen");
          i.conversationId = s.id();
          i.created = true;
          i.touch = "none";
          if (Endpoints.CHAT_LIKE.contains(i.m.channel())) chats.put(i.ep.id() + "\n" + i.who.id(), s.id());
          return Future.succeededFuture();
        });
  }

  // ---- 3. write ----

  private static final String STORE = """
      WITH a AS (
        INSERT INTO activity (id, workspace_id, inbox_id, conversation_id, endpoint_id, kind, direction, status, sender_type,
          sender_id, sender_name, subject, text, html, provider_id, data, created_at, updated_at)
        SELECT x.id, x.ws, x.inbox, x.conv, x.ep, x.kind, x.dir, x.status, x.stype, x.sid, x.sname, x.subject, x.text,
          x.html, x.pid, x.data::jsonb, x.at, x.at
        FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::text[],
                    $9::text[], $10::bigint[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[],
                    $17::timestamptz[])
          AS x(id, ws, inbox, conv, ep, kind, dir, status, stype, sid, sname, subject, text, html, pid, data, at)
        ON CONFLICT (endpoint_id, provider_id) WHERE provider_id IS NOT NULL DO NOTHING
        RETURNING id, conversation_id),
      t AS (
        UPDATE conversation c SET last_activity_at = greatest(c.last_activity_at, now()),
          last_incoming_at = CASE WHEN u.reopen THEN now() ELSE c.last_incoming_at END,
          status = CASE WHEN u.reopen THEN 'open' ELSE c.status END,
          snoozed_until = CASE WHEN u.reopen THEN NULL ELSE c.snoozed_until END,
          updated_at = now()
        FROM unnest($18::bigint[], $19::bool[]) AS u(id, reopen), conversation o
        WHERE c.id = u.id AND o.id = u.id AND u.id IN (SELECT conversation_id FROM a)
        RETURNING c.*, o.status AS previous_status),
      f AS (
        INSERT INTO attachment (id, workspace_id, activity_id, sha256, size, content_type, filename, content_id, inline,
          status, source_url, error)
        SELECT * FROM unnest($20::bigint[], $21::bigint[], $22::bigint[], $23::text[], $24::bigint[], $25::text[], $26::text[],
                             $27::text[], $28::bool[], $29::text[], $30::text[], $31::text[])
          AS f(id, ws, activity, sha256, size, ctype, filename, cid, inline, status, source, error)
        WHERE f.activity IN (SELECT id FROM a)),
      n AS (
        UPDATE contact ct SET name = u.name, updated_at = now()
        FROM unnest($32::bigint[], $33::text[]) AS u(id, name) WHERE ct.id = u.id AND ct.name IS NULL),
      g AS (DELETE FROM conversation WHERE id = ANY($34) AND id NOT IN (SELECT conversation_id FROM a)),
      v AS (SELECT * FROM t
            UNION ALL SELECT c.*, c.status AS previous_status FROM conversation c
            WHERE c.id IN (SELECT conversation_id FROM a) AND c.id NOT IN (SELECT id FROM t))
      SELECT v.*, (SELECT u.name FROM app_user u WHERE u.id = v.assignee_id) AS assignee_name,
        ARRAY(SELECT g.name FROM conversation_tag y JOIN tag g ON g.id = y.tag_id WHERE y.conversation_id = v.id
              ORDER BY g.name) AS tags,
        ARRAY(SELECT a.id FROM a WHERE a.conversation_id = v.id) AS inserted
      FROM v""";

  private Future<Void> store() {
    List<Item> writing = new ArrayList<>();
    for (Item i : items) if (i.writes()) writing.add(i);
    if (writing.isEmpty()) return Future.succeededFuture();
    // one order for the unique index, so two batches inserting the same ids wait for each other, never in a circle
    writing.sort(Comparator.comparing((Item i) -> i.ep.id())
        .thenComparing(i -> i.m.providerId(), Comparator.nullsLast(Comparator.naturalOrder())));
    int n = writing.size();
    Object[][] cols = new Object[17][];
    cols[0] = new Long[n];
    cols[1] = new Long[n];
    cols[2] = new Long[n];
    cols[3] = new Long[n];
    cols[4] = new Long[n];
    for (int c = 5; c < 9; c++) cols[c] = new String[n];
    cols[9] = new Long[n];
    for (int c = 10; c < 16; c++) cols[c] = new String[n];
    cols[16] = new OffsetDateTime[n];
    Map<Long, Boolean> touches = new LinkedHashMap<>();
    List<Long> created = new ArrayList<>();
    List<Long> namedIds = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<Object[]> fileRows = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      Item i = writing.get(k);
      InboundMessage m = i.m;
      boolean out = m.outbound();
      boolean blocked = !out && i.who.blocked();
      cols[0][k] = i.activityId;
      cols[1][k] = i.ep.workspaceId();
      cols[2][k] = i.ep.inboxId();
      cols[3][k] = i.conversationId;
      cols[4][k] = i.ep.id();
      cols[5][k] = m.kind();
      cols[6][k] = out ? "out" : "in";
      cols[7][k] = out ? "sent" : "received";
      cols[8][k] = out ? "user" : "contact";
      cols[9][k] = out ? null : i.who.id();
      cols[10][k] = senderName(i);
      cols[11][k] = m.subject();
      cols[12][k] = m.text();
      cols[13][k] = m.html();
      cols[14][k] = m.providerId();
      cols[15][k] = data(i, blocked).encode();
      cols[16][k] = i.at;
      if (i.created) created.add(i.conversationId);
      else if (!"none".equals(i.touch)) touches.merge(i.conversationId, "reopen".equals(i.touch), Boolean::logicalOr);
      if (i.who.name() == null && m.senderName() != null && !namedIds.contains(i.who.id())) {
        namedIds.add(i.who.id());
        names.add(m.senderName());
      }
      for (int f = 0; f < i.files.size(); f++) fileRows.add(fileRow(i, f));
    }
    Object[] params = new Object[34];
    System.arraycopy(cols, 0, params, 0, 17);
    params[17] = touches.keySet().toArray(Long[]::new);
    params[18] = touches.values().toArray(Boolean[]::new);
    String[] fileTypes = {"L", "L", "L", "S", "L", "S", "S", "S", "B", "S", "S", "S"};
    for (int c = 0; c < 12; c++) {
      Object[] col = switch (fileTypes[c]) {
        case "L" -> new Long[fileRows.size()];
        case "B" -> new Boolean[fileRows.size()];
        default -> new String[fileRows.size()];
      };
      for (int r = 0; r < fileRows.size(); r++) col[r] = fileRows.get(r)[c];
      params[19 + c] = col;
    }
    params[31] = namedIds.toArray(Long[]::new);
    params[32] = names.toArray(String[]::new);
    params[33] = created.toArray(Long[]::new);
    return tx.preparedQuery(STORE).execute(Tuple.wrap(params)).map(rs -> {
      Map<Long, Row> conversations = new HashMap<>();
      java.util.Set<Long> inserted = new java.util.HashSet<>();
      for (Row r : rs) {
        conversations.put(r.getLong("id"), r);
        for (Long id : r.getArrayOfLongs("inserted")) inserted.add(id);
      }
      events(conversations, inserted);
      return null;
    });
  }

  private static String senderName(Item i) {
    if (i.m.outbound()) return i.m.author();
    return i.m.senderName() != null ? i.m.senderName() : i.who.name();
  }

  private static JsonObject data(Item i, boolean blocked) {
    if (!blocked) return i.m.data();
    return i.m.data().copy().put("blocked_sender", true);
  }

  private static Object[] fileRow(Item i, int f) {
    Stored s = i.files.get(f);
    InboundMessage.Attachment a = s.source();
    return new Object[] {i.fileIds[f], i.ep.workspaceId(), i.activityId, s.stored() == null ? null : s.stored().sha256(),
        s.stored() == null ? 0L : s.stored().size(), a.contentType() == null ? "application/octet-stream" : a.contentType(),
        a.filename(), a.contentId(), a.inline(), s.stored() == null ? "failed" : "stored", a.sourceUrl(),
        s.stored() == null ? a.error() : null};
  }

  /**
   * The events of what was written, in the order the messages came: a new conversation or a reopened one, then the
   * message. A blocked sender's message is kept for the record but raises nothing. A message whose activity was not
   * inserted was a redelivery racing its first delivery: it is answered as a duplicate.
   */
  private void events(Map<Long, Row> conversations, java.util.Set<Long> inserted) {
    java.util.Set<Long> reopenTold = new java.util.HashSet<>();
    for (Item i : items) {
      if (!i.writes()) continue;
      if (!inserted.contains(i.activityId)) {
        i.raced = true;
        continue;
      }
      i.result = new IngestResult(i.ep.workspaceId(), i.ep.inboxId(), i.ep.id(), i.conversationId, i.who.id(), i.activityId,
          false, i.created);
      InboundMessage m = i.m;
      boolean out = m.outbound();
      if (!out && i.who.blocked()) continue;
      JsonObject activity = Activities.json(new Activities.Fields(i.activityId, i.conversationId, i.ep.inboxId(), i.ep.id(),
          m.kind(), out ? "out" : "in", out ? "sent" : "received", out ? "user" : "contact", out ? null : i.who.id(),
          senderName(i), m.subject(), m.text(), m.html(), m.providerId(), null, null, attachments(i), m.data(), i.at, i.at));
      Row row = conversations.get(i.conversationId);
      JsonObject conversation = Conversations.json(row, i.who.json(), endpointJson(i.ep), lastMessage(activity));
      // its status before this batch, read under the batch's lock
      String previous = i.created ? null : row.getString("previous_status");
      long ws = i.ep.workspaceId();
      long inbox = i.ep.inboxId();
      if (i.created) {
        EventLog.append(tx, ws, inbox, i.conversationId, EventType.CONVERSATION_CREATED, new JsonObject().put("conversation", conversation));
      } else if (!out && previous != null && !"open".equals(previous) && reopenTold.add(i.conversationId)) {
        EventLog.append(tx, ws, inbox, i.conversationId, EventType.CONVERSATION_UPDATED,
            new JsonObject().put("conversation", conversation).put("changes", new JsonArray().add("status")));
      }
      EventLog.append(tx, ws, inbox, i.conversationId, EventType.MESSAGE_CREATED,
          new JsonObject().put("activity", activity).put("conversation", conversation));
    }
  }

  /** The attachments as the API shows them. */
  private static JsonArray attachments(Item i) {
    JsonArray out = new JsonArray();
    for (int f = 0; f < i.files.size(); f++) {
      Object[] r = fileRow(i, f);
      out.add(new JsonObject().put("id", r[0]).put("filename", r[6]).put("content_type", r[5]).put("size", r[4])
          .put("inline", r[8]).put("content_id", r[7]).put("status", r[9]).put("error", r[11]));
    }
    return out;
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
}
