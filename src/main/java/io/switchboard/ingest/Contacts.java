package io.switchboard.ingest;

import io.switchboard.db.Db;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;

/** Who sent a message: the contact behind their identity, created on first contact. */
final class Contacts {

  private Contacts() {
  }

  record Who(long id, String name, String email, String phone, String company, boolean blocked) {
    JsonObject json() {
      return new JsonObject().put("id", id).put("name", name).put("email", email).put("phone", phone)
          .put("company", company).put("blocked", blocked);
    }
  }

  /** The contact found by the look-up; a name the channel now gives fills an empty one. */
  static Future<Who> known(SqlConnection conn, Row r, InboundMessage m) {
    Who who = new Who(r.getLong("ct_id"), r.getString("ct_name"), r.getString("ct_email"), r.getString("ct_phone"),
        r.getString("ct_company"), r.getBoolean("ct_blocked"));
    if (who.name() != null || m.senderName() == null) return Future.succeededFuture(who);
    return Db.query(conn, "UPDATE contact SET name = $2, updated_at = now() WHERE id = $1 AND name IS NULL", who.id(), m.senderName())
        .map(v -> new Who(who.id(), m.senderName(), who.email(), who.phone(), who.company(), who.blocked()));
  }

  /**
   * Creates the contact and its identity in one statement. When another transaction created the same identity
   * first (two first messages at once), the identity insert does nothing: ours is dropped and theirs used.
   */
  static Future<Who> create(SqlConnection conn, InboundMessage m, Endpoint ep) {
    String email = m.channel().equals("email") ? m.senderAddress() : null;
    String phone = m.channel().equals("phone") ? m.senderAddress()
        : m.channel().equals("whatsapp") && m.senderAddress().matches("\\d{6,15}") ? "+" + m.senderAddress() : null;
    return Db.one(conn, """
        WITH c AS (INSERT INTO contact (workspace_id, name, email, phone) VALUES ($1, $2, $3, $4) RETURNING *),
             i AS (INSERT INTO contact_identity (workspace_id, contact_id, channel, address)
                   SELECT $1, c.id, $5, $6 FROM c
                   ON CONFLICT (workspace_id, channel, address) DO NOTHING RETURNING contact_id)
        SELECT c.*, EXISTS (SELECT 1 FROM i) AS won FROM c""",
        ep.workspaceId(), m.senderName(), email, phone, m.channel(), m.senderAddress())
        .compose(r -> {
          if (r.getBoolean("won")) {
            return Future.succeededFuture(new Who(r.getLong("id"), r.getString("name"), email, phone, null, false));
          }
          return Db.query(conn, "DELETE FROM contact WHERE id = $1", r.getLong("id"))
              .compose(v -> Db.one(conn, """
                  SELECT ct.* FROM contact_identity i JOIN contact ct ON ct.id = i.contact_id
                  WHERE i.workspace_id = $1 AND i.channel = $2 AND i.address = $3""", ep.workspaceId(), m.channel(), m.senderAddress()))
              .map(ct -> new Who(ct.getLong("id"), ct.getString("name"), ct.getString("email"), ct.getString("phone"),
                  ct.getString("company"), ct.getBoolean("blocked")));
        });
  }
}
