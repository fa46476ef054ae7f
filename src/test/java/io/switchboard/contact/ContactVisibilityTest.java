package io.switchboard.contact;

import io.switchboard.ingest.IngestResult;
import io.switchboard.testing.ApiClient;
import io.switchboard.testing.LiveClient;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The product's core rule: nothing leaks. An agent who is not a member of an inbox cannot reach its contacts, or their
 * messages and files, through any contact, search, profile or attachment endpoint, nor hear of them live.
 */
@WithHub
class ContactVisibilityTest {

  static TestHub hub;
  static ApiClient admin;
  static ApiClient outsider;     // member of Sales only
  static ApiClient insider;      // member of Secret only
  static IngestResult secret;    // a customer of the Secret inbox, by e-mail with a file
  static IngestResult visible;   // a customer of the Sales inbox, by SMS
  static long attachmentId;
  static long sharedProfile;     // holds both customers
  static long secretProfile;     // holds only the secret one

  @BeforeAll
  static void setUp() {
    admin = hub.admin();
    long sales = hub.inbox("Vis Sales");
    long hidden = hub.inbox("Vis Secret");
    String phone = CustomerMessages.phoneEndpoint(hub, sales, "+31 20 555 0401");
    String email = CustomerMessages.emailEndpoint(hub, hidden, "board@secret.example");
    visible = CustomerMessages.sms(hub, phone, "+31644440001", "Vera Visible", "hi sales");
    secret = CustomerMessages.emailWithFile(hub, email, "sam@hidden.example", "Sam Secret", "contract.pdf", "%PDF secret terms");
    attachmentId = admin.get("/api/v1/conversations/" + secret.conversationId() + "/activities").items().getJsonObject(0)
        .getJsonArray("attachments").getJsonObject(0).getLong("id");
    admin.patch("/api/v1/contacts/" + secret.contactId(), new JsonObject().put("phone", "+31 6 9999 0001")
        .put("company", "Hidden Holdings")).expect(200);
    sharedProfile = admin.post("/api/v1/profiles", new JsonObject().put("name", "Shared Family")).expect(201).json().getLong("id");
    admin.put("/api/v1/profiles/" + sharedProfile + "/contacts/" + visible.contactId()).expect(200);
    admin.put("/api/v1/profiles/" + sharedProfile + "/contacts/" + secret.contactId()).expect(200);
    secretProfile = admin.post("/api/v1/profiles", new JsonObject().put("name", "Secret Board")).expect(201).json().getLong("id");
    admin.put("/api/v1/profiles/" + secretProfile + "/contacts/" + secret.contactId()).expect(200);
    admin.post("/api/v1/contacts/" + secret.contactId() + "/opportunities", new JsonObject().put("title", "Big deal")).expect(201);

    outsider = hub.user("outsider@vis.example", "agent");
    hub.member(sales, outsider.userId());
    insider = hub.user("insider@vis.example", "agent");
    hub.member(hidden, insider.userId());
  }

  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("search never returns a contact whose conversations are all in inboxes one is not a member of")
  void searchHidesIt() {
    for (String query : List.of("sam", "Sam Secret", "hidden.example", "Hidden Holdings", "+31 6 9999", "0699990001")) {
      JsonArray found = outsider.get("/api/v1/contacts?q=" + q(query)).expect(200).items();
      assertThat(found.encode()).as(query).doesNotContain("Sam Secret");
      assertThat(insider.get("/api/v1/contacts?q=" + q(query)).expect(200).items().encode()).as(query).contains("Sam Secret");
    }
    assertThat(outsider.get("/api/v1/contacts").items().encode()).contains("Vera Visible").doesNotContain("Sam Secret");
    assertThat(outsider.get("/api/v1/profiles?q=" + q("sam@hidden")).items()).isEmpty();
    assertThat(outsider.get("/api/v1/profiles?q=" + q("secret board")).items()).isEmpty();
    assertThat(outsider.get("/api/v1/conversations?q=" + q("secret terms")).items()).isEmpty();
  }

  @Test
  @DisplayName("every contact endpoint answers 404 for a contact one cannot see, exactly as for one that does not exist")
  void contactEndpointsAre404() {
    long id = secret.contactId();
    for (String path : List.of("/api/v1/contacts/" + id, "/api/v1/contacts/" + id + "/conversations",
        "/api/v1/contacts/" + id + "/notes", "/api/v1/contacts/" + id + "/opportunities", "/api/v1/contacts/999999")) {
      assertThat(outsider.get(path).status()).as(path).isEqualTo(404);
    }
    assertThat(outsider.patch("/api/v1/contacts/" + id, new JsonObject().put("name", "x")).status()).isEqualTo(404);
    assertThat(outsider.delete("/api/v1/contacts/" + id).status()).isEqualTo(404);
    assertThat(outsider.post("/api/v1/contacts/" + id + "/notes", new JsonObject().put("text", "x")).status()).isEqualTo(404);
    assertThat(outsider.post("/api/v1/contacts/" + id + "/opportunities", new JsonObject().put("title", "x")).status()).isEqualTo(404);
    assertThat(outsider.post("/api/v1/contacts/" + visible.contactId() + "/merge", new JsonObject().put("from_contact_id", id)).status())
        .isEqualTo(404);
    assertThat(outsider.put("/api/v1/profiles/" + sharedProfile + "/contacts/" + id).status()).isEqualTo(404);
    assertThat(outsider.get("/api/v1/attachments/" + attachmentId).status()).isEqualTo(404);
    // nor by starting a conversation with it from one's own inbox, which would make it visible
    long salesEndpoint = admin.get("/api/v1/inboxes/" + visible.inboxId() + "/endpoints").items().getJsonObject(0).getLong("id");
    assertThat(outsider.post("/api/v1/conversations", new JsonObject().put("contact_id", id).put("endpoint_id", salesEndpoint))
        .errorField()).isEqualTo("contact_id");
    assertThat(outsider.get("/api/v1/contacts/" + id).status()).isEqualTo(404);
    assertThat(insider.get("/api/v1/contacts/" + id).expect(200).json().getString("name")).isEqualTo("Sam Secret");
    assertThat(insider.get("/api/v1/attachments/" + attachmentId).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("through a profile one sees only the contacts, conversations and files of one's own inboxes")
  void profilesShowOnlyWhatIsVisible() {
    JsonObject shared = outsider.get("/api/v1/profiles/" + sharedProfile).expect(200).json();
    assertThat(shared.getJsonArray("contacts")).hasSize(1);
    assertThat(shared.encode()).doesNotContain("Sam Secret").doesNotContain("sam@hidden.example").doesNotContain("Hidden Holdings");
    JsonArray moments = outsider.get("/api/v1/profiles/" + sharedProfile + "/moments").expect(200).items();
    assertThat(moments).hasSize(1);
    assertThat(moments.getJsonObject(0).getLong("id")).isEqualTo(visible.conversationId());
    assertThat(outsider.get("/api/v1/profiles/" + sharedProfile + "/attachments").expect(200).items()).isEmpty();
    assertThat(insider.get("/api/v1/profiles/" + sharedProfile + "/attachments").expect(200).items()).hasSize(1);

    for (String path : List.of("", "/moments", "/attachments", "/notes")) {
      assertThat(outsider.get("/api/v1/profiles/" + secretProfile + path).status()).as(path).isEqualTo(404);
    }
    assertThat(outsider.patch("/api/v1/profiles/" + secretProfile, new JsonObject().put("name", "x")).status()).isEqualTo(404);
    assertThat(outsider.delete("/api/v1/profiles/" + secretProfile).status()).isEqualTo(404);
    assertThat(outsider.get("/api/v1/profiles").items().encode()).contains("Shared Family").doesNotContain("Secret Board");
    // attaching the profile from a conversation one sees does not reach a profile one cannot see
    assertThat(outsider.post("/api/v1/conversations/" + visible.conversationId() + "/profile",
        new JsonObject().put("profile_id", secretProfile)).errorField()).isEqualTo("profile_id");
  }

  @Test
  @DisplayName("a live contact.updated reaches members of the contact's inboxes and no one else")
  void liveUpdatesFollowMembership() {
    try (LiveClient out = LiveClient.agent(hub, outsider); LiveClient in = LiveClient.agent(hub, insider)) {
      out.awaitType("hello");
      in.awaitType("hello");
      admin.patch("/api/v1/contacts/" + secret.contactId(), new JsonObject().put("blocked", true)).expect(200);
      JsonObject frame = in.await(f -> "contact.updated".equals(f.getString("type")), Duration.ofSeconds(10));
      assertThat(frame.getJsonObject("data").getJsonObject("contact").getLong("id")).isEqualTo(secret.contactId());
      assertThat(frame.getJsonObject("data").getJsonObject("contact").getBoolean("blocked")).isTrue();
      assertThat(frame.getJsonObject("data").getJsonArray("changes").getList()).containsExactly("blocked");

      // a later change the outsider may see: events arrive in seq order, so the first contact.updated the outsider
      // gets must be this one, never the secret contact's
      admin.patch("/api/v1/contacts/" + visible.contactId(), new JsonObject().put("company", "Visible BV")).expect(200);
      JsonObject seen = out.await(f -> f.getString("type").startsWith("contact.") || f.getString("type").startsWith("profile.")
          || f.getString("type").startsWith("opportunity."), Duration.ofSeconds(10));
      assertThat(seen.getJsonObject("data").getJsonObject("contact").getLong("id")).isEqualTo(visible.contactId());
      assertThat(seen.encode()).doesNotContain("Sam Secret");

      // profile changes are announced per inbox without the contacts of other inboxes
      admin.patch("/api/v1/profiles/" + sharedProfile, new JsonObject().put("name", "Shared Family Ltd")).expect(200);
      JsonObject profileFrame = out.await(f -> "profile.updated".equals(f.getString("type")), Duration.ofSeconds(10));
      assertThat(profileFrame.getJsonObject("data").getJsonObject("profile").getString("name")).isEqualTo("Shared Family Ltd");
      assertThat(profileFrame.encode()).doesNotContain("Sam Secret");
      assertThat(profileFrame.getJsonObject("data").fieldNames()).containsExactlyInAnyOrder("profile", "change");
      admin.patch("/api/v1/profiles/" + secretProfile, new JsonObject().put("name", "Secret Board II")).expect(200);
      admin.patch("/api/v1/contacts/" + visible.contactId(), new JsonObject().put("company", "Visible BV 2")).expect(200);
      JsonObject next = out.await(f -> f.getString("type").startsWith("contact.") || f.getString("type").startsWith("profile."),
          Duration.ofSeconds(10));
      assertThat(next.getString("type")).isEqualTo("contact.updated");
      assertThat(next.getJsonObject("data").getJsonObject("contact").getString("company")).isEqualTo("Visible BV 2");
      assertThat(in.await(f -> "profile.updated".equals(f.getString("type"))
          && "Secret Board II".equals(f.getJsonObject("data").getJsonObject("profile").getString("name")), Duration.ofSeconds(10)))
          .isNotNull();
    }
  }
}
