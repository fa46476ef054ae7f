package io.switchboard.channel.email;

import io.switchboard.common.Times;
import io.switchboard.db.Db;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.util.List;

/**
 * Connected mailboxes as settings show them: how polling goes ({@code mailbox}, kept by {@link MailboxPoller}), the
 * position in each folder, and the mails that could not be imported; and which address a routing test goes to.
 */
final class Mailboxes {

  private Mailboxes() {
  }

  /** An email endpoint's mailbox: configured or not and, once it is, its status, folders and last failures. */
  static Future<JsonObject> status(SqlClient c, Endpoint ep) {
    JsonObject out = new JsonObject().put("endpoint_id", ep.id()).put("address", ep.address())
        .put("configured", EmailSettings.imap(ep) != null).put("enabled", ep.enabled());
    if (EmailSettings.imap(ep) == null) return Future.succeededFuture(out.put("status", "not_configured"));
    return Db.one(c, "SELECT * FROM mailbox WHERE endpoint_id = $1", ep.id()).compose(m -> Db.list(c,
            "SELECT * FROM mailbox_folder WHERE endpoint_id = $1 ORDER BY role, folder", ep.id())
        .compose(folders -> Db.list(c, """
            SELECT * FROM mailbox_failure WHERE endpoint_id = $1 ORDER BY id DESC LIMIT 50""", ep.id())
            .map(failures -> status(out, ep, m, folders, failures))));
  }

  private static JsonObject status(JsonObject out, Endpoint ep, Row m, List<Row> folders, List<Row> failures) {
    String status = !ep.enabled() ? "disabled" : m == null ? "pending" : m.getString("status");
    out.put("status", status)
        .put("error", m == null ? null : m.getString("error"))
        .put("idle", m != null && m.getBoolean("idle"))
        .put("last_poll_at", m == null ? null : Times.iso(m, "last_poll_at"))
        .put("last_success_at", m == null ? null : Times.iso(m, "last_success_at"))
        .put("failing_since", m == null ? null : Times.iso(m, "failing_since"))
        .put("imported_count", m == null ? 0 : m.getLong("imported_count"))
        .put("polled_by", m == null ? null : m.getString("claimed_by"));
    JsonArray f = new JsonArray();
    folders.forEach(r -> f.add(new JsonObject().put("folder", r.getString("folder")).put("role", r.getString("role"))
        .put("uidvalidity", r.getLong("uidvalidity")).put("last_uid", r.getLong("last_uid"))));
    JsonArray x = new JsonArray();
    failures.forEach(r -> x.add(new JsonObject().put("folder", r.getString("folder")).put("uid", r.getLong("uid"))
        .put("message_id", r.getString("message_id")).put("error", r.getString("error")).put("at", Times.iso(r, "at"))));
    return out.put("folders", f).put("failures", x);
  }

  /** The inbox's email address a routing test goes to: the endpoint named ({@code endpointId}), else its first; or null. */
  static Future<Endpoint> testAddress(SqlClient c, long inboxId, Long endpointId) {
    return Db.one(c, """
        SELECT * FROM endpoint WHERE inbox_id = $1 AND channel = 'email' AND ($2::bigint IS NULL OR id = $2)
        ORDER BY id LIMIT 1""", inboxId, endpointId).map(r -> r == null ? null : Endpoint.of(r));
  }
}
