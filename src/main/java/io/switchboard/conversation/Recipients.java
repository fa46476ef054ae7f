package io.switchboard.conversation;

import io.switchboard.db.Db;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

/** Where to reach a contact on a channel: their identity there, else the matching contact field. */
public final class Recipients {

  private Recipients() {
  }

  public static Future<String> address(SqlClient c, Row contact, String channel) {
    return Db.one(c, "SELECT address FROM contact_identity WHERE contact_id = $1 AND channel = $2 ORDER BY id DESC LIMIT 1",
        contact.getLong("id"), channel).map(r -> {
          if (r != null) return r.getString("address");
          String phone = contact.getString("phone");
          return switch (channel) {
            case "email" -> contact.getString("email");
            case "phone" -> phone;
            case "whatsapp" -> phone == null ? null : phone.replaceAll("\\D", "");
            default -> null;
          };
        });
  }
}
