package io.switchboard.contact;

import io.switchboard.common.ApiError;
import io.switchboard.db.Db;
import io.switchboard.db.Tx;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.util.List;

/**
 * Contacts by the address they reach us from (an identity: channel and address, one contact each per workspace):
 * the one place a contact is found or created for an identity, by ingest and by outgoing calls alike.
 */
public final class Identities {

  private Identities() {
  }

  /** One address through which a contact reaches us. */
  public record Identity(String channel, String address) {
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
          return Contacts.deleteRow(tx, r.getLong("id"))
              .compose(v -> find(tx, workspaceId, channel, address))
              .map(ct -> new Found(ct, false));
        });
  }

  /**
   * Gives the contact an identity unless it has it; an address another contact already has is 409 naming
   * {@code field} (merge the two instead). It does not say which contact: that one may be invisible to the caller.
   */
  public static Future<Void> add(Tx conn, long workspaceId, long contactId, Identity id, String field) {
    return Db.one(conn, """
        INSERT INTO contact_identity (workspace_id, contact_id, channel, address) VALUES ($1, $2, $3, $4)
        ON CONFLICT (workspace_id, channel, address) DO NOTHING RETURNING id""", workspaceId, contactId, id.channel(), id.address())
        .compose(r -> r != null ? Future.succeededFuture() : Db.one(conn, """
            SELECT contact_id FROM contact_identity WHERE workspace_id = $1 AND channel = $2 AND address = $3""",
            workspaceId, id.channel(), id.address())
            .compose(owner -> owner != null && owner.getLong(0) == contactId ? Future.<Void>succeededFuture()
                : Future.failedFuture(ApiError.conflict(field, "another contact already has the " + id.channel()
                    + " address " + id.address() + "; merge the two contacts instead"))));
  }

  /** Removes the contact's identities other than these (the first step of replacing them all). */
  public static Future<Void> keepOnly(Tx conn, long contactId, List<Identity> ids) {
    String[] channels = ids.stream().map(Identity::channel).toArray(String[]::new);
    String[] addresses = ids.stream().map(Identity::address).toArray(String[]::new);
    return Db.query(conn, """
        DELETE FROM contact_identity WHERE contact_id = $1
          AND (channel, address) NOT IN (SELECT * FROM unnest($2::text[], $3::text[]))""", contactId, channels, addresses)
        .mapEmpty();
  }
}
