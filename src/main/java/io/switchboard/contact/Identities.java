package io.switchboard.contact;

import io.switchboard.db.Db;
import io.switchboard.db.Tx;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

/**
 * Contacts by the address they reach us from (an identity: channel and address, one contact each per workspace):
 * the one place a contact is found or created for an identity, by ingest and by outgoing calls alike.
 */
public final class Identities {

  private Identities() {
  }

  private static final String FIND = """
      SELECT ct.* FROM contact_identity i JOIN contact ct ON ct.id = i.contact_id
      WHERE i.workspace_id = $1 AND i.channel = $2 AND i.address = $3""";

  /** The contact ({@code ct.*}) behind an identity, or null. */
  public static Future<Row> find(SqlClient c, long workspaceId, String channel, String address) {
    return Db.one(c, FIND, workspaceId, channel, address);
  }

  /** A contact found or made: its row ({@code ct.*}) and whether this transaction made it. */
  public record Found(Row contact, boolean created) {
  }

  /**
   * The contact behind the identity, created with it when there is none. Creating is one statement for contact and
   * identity; when another transaction created the same identity first (two first messages at once), ours is
   * dropped and theirs returned.
   */
  public static Future<Found> findOrCreate(Tx tx, long workspaceId, String channel, String address, String name,
                                           String email, String phone) {
    return find(tx, workspaceId, channel, address).compose(found -> found != null ? Future.succeededFuture(new Found(found, false))
        : create(tx, workspaceId, channel, address, name, email, phone, true));
  }

  /**
   * A new contact for an address, holding its identity unless another contact already does: for a call to a number
   * whose contact the caller may not see, which must not be opened to them by the call.
   */
  public static Future<Row> createSeparate(Tx tx, long workspaceId, String channel, String address, String name,
                                           String email, String phone) {
    return create(tx, workspaceId, channel, address, name, email, phone, false).map(Found::contact);
  }

  private static Future<Found> create(Tx tx, long workspaceId, String channel, String address, String name, String email,
                                      String phone, boolean joinExisting) {
    return Db.one(tx, """
        WITH c AS (INSERT INTO contact (workspace_id, name, email, phone) VALUES ($1, $2, $3, $4) RETURNING *),
             i AS (INSERT INTO contact_identity (workspace_id, contact_id, channel, address)
                   SELECT $1, c.id, $5, $6 FROM c
                   ON CONFLICT (workspace_id, channel, address) DO NOTHING RETURNING contact_id)
        SELECT c.*, EXISTS (SELECT 1 FROM i) AS won FROM c""", workspaceId, name, email, phone, channel, address)
        .compose(r -> {
          if (r.getBoolean("won") || !joinExisting) return Future.succeededFuture(new Found(r, true));
          return Db.query(tx, "DELETE FROM contact WHERE id = $1", r.getLong("id"))
              .compose(v -> find(tx, workspaceId, channel, address))
              .map(ct -> new Found(ct, false));
        });
  }
}
