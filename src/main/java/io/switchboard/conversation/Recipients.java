package io.switchboard.conversation;

import io.switchboard.db.Db;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.util.List;

/** Where to reach a contact on a channel: their identity there, else the matching contact field. */
public final class Recipients {

  private Recipients() {
  }

  /** The contact's address from one endpoint, or why there is none ({@code address} null, {@code reason} set). */
  public record Reach(String address, String reason) {
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

  /** As {@link #reach(Row, List, Endpoint, String)}, loading the identities and the conversation on the endpoint. */
  public static Future<Reach> reach(SqlClient c, Row contact, Endpoint ep) {
    return Db.list(c, "SELECT channel, address FROM contact_identity WHERE contact_id = $1 ORDER BY id DESC", contact.getLong("id"))
        .compose(ids -> Db.one(c, """
            SELECT contact_address FROM conversation WHERE endpoint_id = $1 AND contact_id = $2
            ORDER BY last_activity_at DESC LIMIT 1""", ep.id(), contact.getLong("id"))
            .map(conv -> reach(contact, ids, ep, conv == null ? null : conv.getString("contact_address"))));
  }

  /**
   * Where an endpoint can write to the contact. Messenger and Instagram ids are issued per page or account, and an
   * anonymous widget visitor exists only on their widget: those are reachable only where the person wrote first.
   * An identified widget visitor (the site's own user id) is reachable on every widget of the workspace.
   *
   * @param identities    the contact's identities (channel, address), newest first
   * @param onEndpoint    the contact address of an existing conversation on this endpoint, or null
   */
  public static Reach reach(Row contact, List<Row> identities, Endpoint ep, String onEndpoint) {
    String channel = ep.channel();
    String identity = null;
    for (Row r : identities) {
      if (channel.equals(r.getString("channel")) && !(channel.equals("widget") && r.getString("address").startsWith("v_"))) {
        identity = r.getString("address");
        break;
      }
    }
    String phone = contact.getString("phone");
    return switch (channel) {
      case "email" -> found(identity != null ? identity : contact.getString("email"), "the contact has no e-mail address");
      case "phone" -> found(identity != null ? identity : phone, "the contact has no phone number");
      case "whatsapp" -> found(identity != null ? identity : phone == null ? null : phone.replaceAll("\\D", ""),
          "the contact has no phone number to reach on WhatsApp");
      case "messenger", "instagram" -> found(onEndpoint, (channel.equals("messenger") ? "Messenger" : "Instagram")
          + " ids are issued per page: the contact has to write to " + (ep.name() != null ? ep.name() : ep.address()) + " first");
      case "widget" -> found(identity != null ? identity : onEndpoint,
          "the contact has not chatted on this widget, and only visitors the site identifies can be written to first");
      default -> found(identity != null ? identity : onEndpoint, "the contact has no " + channel + " address");
    };
  }

  private static Reach found(String address, String reason) {
    return address == null || address.isBlank() ? new Reach(null, reason) : new Reach(address, null);
  }
}
