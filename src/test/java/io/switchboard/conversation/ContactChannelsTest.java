package io.switchboard.conversation;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.TestDatabase;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;

import static org.assertj.core.api.Assertions.assertThat;

/** Where an agent may start a conversation with a contact on another channel. */
@WithHub
class ContactChannelsTest {

  static TestHub hub;

  static JsonObject endpoint(long inbox, JsonObject body) {
    return hub.admin().post("/api/v1/inboxes/" + inbox + "/endpoints", body).expect(201).json();
  }

  static JsonObject find(JsonArray items, long endpointId) {
    for (Object o : items) if (((JsonObject) o).getLong("endpoint_id") == endpointId) return (JsonObject) o;
    return null;
  }

  @Test
  @DisplayName("the channel list offers a new conversation only where the contact has none yet and can be reached, and starting one elsewhere is refused with the reason")
  void channelsOfAContact() throws Exception {
    ApiClient admin = hub.admin();
    long inbox = hub.inbox("Everything");
    JsonObject api = hub.apiEndpoint(inbox, null);
    long conversation = hub.ingestApi(api, "cust-77", "hi from the app", "x-1").expect(200).json().getLong("conversation_id");
    long contact = admin.get("/api/v1/conversations/" + conversation).expect(200).json().getLong("contact_id");
    try (Connection c = TestDatabase.connect(hub.dbUrl); var st = c.prepareStatement("UPDATE contact SET phone = '+31612340000' WHERE id = ?")) {
      st.setLong(1, contact);
      st.executeUpdate();
    }
    long whatsapp = endpoint(inbox, new JsonObject().put("channel", "whatsapp").put("address", "4400001")).getLong("id");
    long messenger = endpoint(inbox, new JsonObject().put("channel", "messenger").put("address", "4400002").put("name", "Our Page")).getLong("id");
    long email = endpoint(inbox, new JsonObject().put("channel", "email").put("address", "help@everything.example")).getLong("id");
    long disabled = endpoint(inbox, new JsonObject().put("channel", "whatsapp").put("address", "4400003").put("enabled", false)
        .put("disabled_reason", "number ported away")).getLong("id");
    ApiClient other = hub.user("other-admin@everything.example", "admin");
    long hidden = other.post("/api/v1/inboxes", new JsonObject().put("name", "Not yours")).expect(201).json().getLong("id");
    long hiddenEndpoint = other.post("/api/v1/inboxes/" + hidden + "/endpoints", new JsonObject().put("channel", "whatsapp")
        .put("address", "4400004")).expect(201).json().getLong("id");

    JsonArray items = admin.get("/api/v1/contacts/" + contact + "/channels").expect(200).items();
    JsonObject onApi = find(items, api.getLong("id"));
    assertThat(onApi.getLong("conversation_id")).isEqualTo(conversation);
    assertThat(onApi.getBoolean("can_start")).isFalse();
    JsonObject onWhatsapp = find(items, whatsapp);
    assertThat(onWhatsapp.getBoolean("can_start")).isTrue();
    assertThat(onWhatsapp.getString("contact_address")).isEqualTo("31612340000");
    JsonObject onMessenger = find(items, messenger);
    assertThat(onMessenger.getBoolean("can_start")).isFalse();
    assertThat(onMessenger.getString("reason")).contains("Our Page");
    assertThat(find(items, email).getString("reason")).contains("no e-mail address");
    assertThat(find(items, disabled).getString("reason")).contains("number ported away");
    assertThat(find(items, hiddenEndpoint)).as("endpoints of inboxes one is not a member of are not listed").isNull();

    ApiClient.Response refused = admin.post("/api/v1/conversations", new JsonObject().put("contact_id", contact).put("endpoint_id", messenger));
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.errorField()).isEqualTo("contact_id");
    assertThat(refused.json().getJsonObject("error").getString("message")).contains("has to write to Our Page first");
    assertThat(admin.post("/api/v1/conversations", new JsonObject().put("contact_id", contact).put("endpoint_id", email)).status()).isEqualTo(400);
    ApiClient.Response off = admin.post("/api/v1/conversations", new JsonObject().put("contact_id", contact).put("endpoint_id", disabled));
    assertThat(off.status()).isEqualTo(409);
    assertThat(off.json().getJsonObject("error").getString("message")).contains("number ported away");

    long started = admin.post("/api/v1/conversations", new JsonObject().put("contact_id", contact).put("endpoint_id", whatsapp))
        .expect(201).json().getLong("id");
    JsonObject after = find(admin.get("/api/v1/contacts/" + contact + "/channels").expect(200).items(), whatsapp);
    assertThat(after.getLong("conversation_id")).isEqualTo(started);
    assertThat(after.getBoolean("can_start")).isFalse();

    assertThat(admin.get("/api/v1/contacts/999999/channels").status()).isEqualTo(404);
  }
}
