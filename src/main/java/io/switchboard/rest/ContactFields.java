package io.switchboard.rest;

import io.switchboard.common.ApiError;
import io.switchboard.contact.Contacts;
import io.switchboard.contact.Identities;
import io.switchboard.contact.Identities.Identity;
import io.switchboard.http.Input;
import io.switchboard.inbox.Addresses;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.switchboard.db.Tx;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A contact's fields as a client sends them, checked and in normal form (e-mail lower-case, phone E.164), and the
 * identities that go with them. Absent fields are left alone on PATCH; null clears them.
 */
public record ContactFields(Input in, String name, String email, String phone, String company, Boolean blocked,
                     JsonObject properties, List<Identity> identities) {

  static final int MAX_NAME = 200;
  static final Set<String> CHANNELS = Set.of("email", "phone", "whatsapp", "messenger", "instagram", "widget", "api");

  public static ContactFields read(Input in, String region) {
    String name = trimmed(in.optText("name", MAX_NAME));
    String email = blank(in.optText("email", 254)) == null ? null : Addresses.email("email", in.optText("email", 254));
    String phone = blank(in.optText("phone", 40)) == null ? null : Addresses.phone("phone", in.optText("phone", 40), region);
    String company = trimmed(in.optText("company", MAX_NAME));
    Boolean blocked = in.optBool("blocked");
    JsonObject properties = in.optObject("properties");
    JsonArray raw = in.optArray("identities", 50);
    List<Identity> identities = raw == null ? null : identities(raw, region);
    if (in.has("identities") && raw == null) throw ApiError.validation("identities", "identities must be a list (empty to remove all)");
    return new ContactFields(in, name, email, phone, company, blocked, properties, identities);
  }

  public boolean has(String field) {
    return in.has(field);
  }

  /** The contact's own fields, for the store. */
  public Contacts.Fields fields() {
    Set<String> sent = Stream.of("name", "email", "phone", "company", "blocked").filter(in::has).collect(Collectors.toSet());
    return new Contacts.Fields(name, email, phone, company, blocked, sent);
  }

  private static List<Identity> identities(JsonArray raw, String region) {
    Set<Identity> out = new LinkedHashSet<>();
    for (int i = 0; i < raw.size(); i++) {
      String field = "identities[" + i + "]";
      if (!(raw.getValue(i) instanceof JsonObject o)) throw ApiError.validation(field, field + " must be an object {channel, address}");
      Input item = new Input(o);
      String channel;
      String address;
      try {
        channel = item.oneOf("channel", CHANNELS);
        address = item.text("address", 254);
      } catch (ApiError e) {
        throw ApiError.validation(field + "." + e.field, e.getMessage());
      }
      out.add(new Identity(channel, address(field + ".address", channel, address, region)));
    }
    return new ArrayList<>(out);
  }

  /** An address in the form ingest stores for its channel. */
  static String address(String field, String channel, String raw, String region) {
    return switch (channel) {
      case "email" -> Addresses.email(field, raw);
      case "phone" -> Addresses.phone(field, raw, region);
      // WhatsApp names senders by their number's digits (wa_id)
      case "whatsapp" -> Addresses.phone(field, raw, region).substring(1);
      default -> {
        String a = raw.trim();
        if (a.isEmpty() || a.length() > 200) throw ApiError.validation(field, field + " must be 1–200 characters");
        yield a;
      }
    };
  }

  /**
   * Stores the identities sent, replacing all the contact had (PATCH identities), then those its e-mail and phone
   * imply, so the person's next message finds this contact. An address another contact has is a 409 naming the field.
   */
  public Future<Void> saveIdentities(Tx conn, long workspaceId, long contactId) {
    Future<Void> f = Future.succeededFuture();
    if (identities != null) {
      f = Identities.keepOnly(conn, contactId, identities);
      for (int i = 0; i < identities.size(); i++) {
        Identity id = identities.get(i);
        String field = "identities[" + i + "]";
        f = f.compose(v -> Identities.add(conn, workspaceId, contactId, id, field));
      }
    }
    if (email != null) f = f.compose(v -> Identities.add(conn, workspaceId, contactId, new Identity("email", email), "email"));
    if (phone != null) f = f.compose(v -> Identities.add(conn, workspaceId, contactId, new Identity("phone", phone), "phone"));
    return f;
  }

  private static String trimmed(String s) {
    return s == null ? null : blank(s) == null ? null : s.trim();
  }

  private static String blank(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
