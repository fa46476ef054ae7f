package io.switchboard.ingest;

import io.switchboard.auth.Secrets;
import io.switchboard.db.Db;
import io.switchboard.inbox.Endpoints;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;

/**
 * Which conversation a message joins. Chat-like channels: the contact's one conversation on the endpoint,
 * reopened if it was resolved, pending or snoozed. E-mail: the conversation of the thread (by the token of a
 * {@code reply+<token>@} address, else by a Message-ID it references that we stored on this endpoint for the same
 * contact), else a new one. Each returns the conversation as it is after this message, with the status it had.
 */
final class Threads {

  private Threads() {
  }

  /**
   * The conversation row (c.* plus assignee_name, tags, its columns named with {@code prefix}), whether it was
   * created now, and its status before.
   */
  record Conv(Row row, String prefix, boolean created, String previousStatus) {
    Conv(Row row, boolean created, String previousStatus) {
      this(row, "", created, previousStatus);
    }

    long id() {
      return row.getLong(prefix + "id");
    }
  }

  private static final String EXTRA = """
      (SELECT u.name FROM app_user u WHERE u.id = c.assignee_id) AS assignee_name,
      ARRAY(SELECT t.name FROM conversation_tag x JOIN tag t ON t.id = x.tag_id WHERE x.conversation_id = c.id ORDER BY t.name) AS tags""";

  /** Reopens and touches a conversation picked by {@code where} (on the locked row o), returning it. */
  private static String touch(String where) {
    return """
        UPDATE conversation c SET last_activity_at = greatest(c.last_activity_at, now()), last_incoming_at = now(),
          status = 'open', snoozed_until = NULL, updated_at = now()
        FROM (SELECT id, status FROM conversation WHERE\s""" + where + """
         FOR UPDATE) o
        WHERE c.id = o.id
        RETURNING c.*, o.status AS previous_status,\s""" + EXTRA;
  }

  private static final String TOUCH_CHAT = touch("endpoint_id = $1 AND contact_id = $2");
  private static final String TOUCH_ID = touch("id = $1");

  private static final String INSERT = """
      INSERT INTO conversation AS c (workspace_id, inbox_id, endpoint_id, contact_id, channel, contact_address, subject,
        thread_token, status, last_incoming_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CASE WHEN $9 = 'open' THEN now() END)
      """;

  private static final String INSERT_CHAT = INSERT + """
      ON CONFLICT (endpoint_id, contact_id) WHERE channel IN ('phone', 'whatsapp', 'messenger', 'instagram', 'widget', 'api')
      DO NOTHING RETURNING c.*, NULL::text AS previous_status,\s""" + EXTRA;

  private static final String INSERT_THREAD = INSERT + "RETURNING c.*, NULL::text AS previous_status, " + EXTRA;

  /**
   * The message's conversation, found, reopened or created. {@code touchTried}: the ingest look-up already tried to
   * touch the contact's chat conversation and found none, so a chat message goes straight to creating it.
   */
  static Future<Conv> resolve(SqlConnection conn, InboundMessage m, Endpoint ep, Contacts.Who who, boolean touchTried) {
    // mail the mailbox sent itself is history, not something to answer: it reopens nothing
    if (m.outbound()) return passive(conn, m, ep, who, "open", true);
    if (who.blocked()) return passive(conn, m, ep, who, "resolved", false);
    if (Endpoints.CHAT_LIKE.contains(m.channel())) return chat(conn, m, ep, who, true, touchTried);
    return threaded(conn, m, ep, who.id()).compose(found -> found == null
        ? Db.one(conn, INSERT_THREAD, params(m, ep, who, "open")).map(r -> new Conv(r, true, null))
        : Db.one(conn, TOUCH_ID, found).map(r -> new Conv(r, false, r.getString("previous_status"))));
  }

  private static Future<Conv> chat(SqlConnection conn, InboundMessage m, Endpoint ep, Contacts.Who who, boolean firstTry,
                                   boolean touchTried) {
    Future<Row> touch = touchTried ? Future.succeededFuture() : Db.one(conn, TOUCH_CHAT, ep.id(), who.id());
    return touch.compose(touched -> {
      if (touched != null) return Future.succeededFuture(new Conv(touched, false, touched.getString("previous_status")));
      return Db.one(conn, INSERT_CHAT, params(m, ep, who, "open")).compose(created -> {
        if (created != null) return Future.succeededFuture(new Conv(created, true, null));
        // another message of this contact opened it meanwhile: join it
        if (!firstTry) return Future.failedFuture(new IllegalStateException("conversation vanished while being joined"));
        return chat(conn, m, ep, who, false, false);
      });
    });
  }

  /**
   * A message that must not reopen anything: a blocked sender's (kept for the record; a new conversation starts
   * resolved so it stays out of agents' queues), or one the endpoint sent itself (its conversation moves up the
   * list: {@code touch}).
   */
  private static Future<Conv> passive(SqlConnection conn, InboundMessage m, Endpoint ep, Contacts.Who who, String newStatus,
                                      boolean touch) {
    Future<Long> existing = Endpoints.CHAT_LIKE.contains(m.channel())
        ? Db.one(conn, "SELECT id FROM conversation WHERE endpoint_id = $1 AND contact_id = $2", ep.id(), who.id())
            .map(r -> r == null ? null : r.getLong(0))
        : threaded(conn, m, ep, who.id());
    String select = touch
        ? "UPDATE conversation c SET last_activity_at = greatest(c.last_activity_at, now()), updated_at = now() WHERE c.id = $1 "
            + "RETURNING c.*, c.status AS previous_status, " + EXTRA
        : "SELECT c.*, c.status AS previous_status, " + EXTRA + " FROM conversation c WHERE c.id = $1";
    return existing.compose(id -> id != null
        ? Db.one(conn, select, id).map(r -> new Conv(r, false, r.getString("previous_status")))
        : Db.one(conn, Endpoints.CHAT_LIKE.contains(m.channel()) ? INSERT_CHAT : INSERT_THREAD, params(m, ep, who, newStatus))
            .map(r -> new Conv(r, true, null)));
  }

  private static Object[] params(InboundMessage m, Endpoint ep, Contacts.Who who, String status) {
    return new Object[] {ep.workspaceId(), ep.inboxId(), ep.id(), who.id(), m.channel(), m.senderAddress(), m.subject(),
        Secrets.token(12), status};
  }

  /** The id of the conversation an e-mail answers, or null. */
  private static Future<Long> threaded(SqlConnection conn, InboundMessage m, Endpoint ep, long contactId) {
    InboundMessage.Thread t = m.thread();
    if (t == null) return Future.succeededFuture(null);
    Future<Row> byToken = t.token() == null ? Future.succeededFuture(null)
        // compared without case: some mail systems lower-case addresses
        : Db.one(conn, "SELECT id FROM conversation WHERE lower(thread_token) = lower($1) AND inbox_id = $2", t.token(), ep.inboxId());
    return byToken.compose(found -> {
      if (found != null || t.references() == null || t.references().isEmpty()) {
        return Future.succeededFuture(found == null ? null : found.getLong(0));
      }
      // different people answering one mail get conversations of their own
      return Db.one(conn, """
          SELECT a.conversation_id FROM activity a JOIN conversation c ON c.id = a.conversation_id
          WHERE a.endpoint_id = $1 AND a.provider_id = ANY($2) AND c.contact_id = $3
          ORDER BY a.id DESC LIMIT 1""", ep.id(), t.references().toArray(String[]::new), contactId)
          .map(r -> r == null ? null : r.getLong(0));
    });
  }
}
