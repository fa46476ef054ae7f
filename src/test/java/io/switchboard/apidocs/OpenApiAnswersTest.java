package io.switchboard.apidocs;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.ApiClient.Response;
import io.switchboard.testing.ApiContract;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Answers of the real hub held to the OpenAPI document: every call below (successes and refusals alike) is checked by
 * {@link ApiContract} for a documented status and a body its schema accepts, with no undocumented field.
 */
@WithHub
class OpenApiAnswersTest {

  static TestHub hub;
  static ApiClient admin;
  static ApiClient agent;
  static long inbox;
  static JsonObject api;
  ApiContract.Recording recording;

  @BeforeAll
  static void setUp() {
    admin = hub.admin();
    inbox = hub.inbox("Answers");
    api = hub.apiEndpoint(inbox, "http://127.0.0.1:9/replies");
    agent = hub.user("answers-agent@example.com", "agent");
    hub.member(inbox, agent.userId());
  }

  @BeforeEach
  void record() {
    recording = ApiContract.record();
  }

  @AfterEach
  void noViolations() {
    recording.close();
    assertThat(recording.answers()).as("answers checked").isGreaterThan(10);
    assertThat(recording.violations()).as("answers that differ from the OpenAPI document").isEmpty();
  }

  static long conversation(String from) {
    return hub.ingestApi(api, from, "hello from " + from, from).expect(200).json().getLong("conversation_id");
  }

  static String later(long days) {
    return Instant.now().plus(days, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  @Test
  @DisplayName("signing in and out, the current user, personal tokens and users answer as documented")
  void sessionAndUsers() {
    new ApiClient(hub.base()).post("/api/v1/auth/login", new JsonObject().put("email", TestHub.ADMIN_EMAIL).put("password", "wrong"))
        .expect(401);
    new ApiClient(hub.base()).post("/api/v1/auth/login", new JsonObject().put("email", TestHub.ADMIN_EMAIL)).expect(400);
    new ApiClient(hub.base()).get("/api/v1/users").expect(401);
    admin.get("/api/v1/me").expect(200);
    new ApiClient(hub.base()).get("/api/v1/openapi.json").expect(200);
    admin.postRaw("/api/v1/contacts", "{\"name\":\"" + "x".repeat(1_100_000) + "\"}", "application/json").expect(413);
    agent.patch("/api/v1/me", new JsonObject().put("name", "Answers Agent").put("phone", "+31201234567")).expect(200);
    agent.patch("/api/v1/me", new JsonObject().put("default_inbox_id", inbox)).expect(200);

    admin.post("/api/v1/tokens", null).expect(201);
    JsonObject token = admin.post("/api/v1/tokens", new JsonObject().put("name", "ci").put("expires_in_days", 30)).expect(201).json();
    admin.get("/api/v1/tokens?limit=1").expect(200);
    ApiClient integration = ApiClient.bearer(hub.base(), token.getString("token"));
    integration.get("/api/v1/me").expect(200);
    integration.get("/api/v1/users?role=agent&q=answers").expect(200);
    admin.delete("/api/v1/tokens/" + token.getLong("id")).expect(204);
    admin.delete("/api/v1/tokens/" + token.getLong("id")).expect(404);
    admin.post("/api/v1/tokens", new JsonObject().put("expires_in_days", 0)).expect(400);

    JsonObject user = admin.post("/api/v1/users", new JsonObject().put("email", "answers-new@example.com").put("name", "New")
        .put("role", "supervisor").put("password", TestHub.password("answers-new@example.com"))).expect(201).json();
    admin.post("/api/v1/users", new JsonObject().put("email", "answers-new@example.com").put("name", "Again")
        .put("role", "agent").put("password", TestHub.password("answers-new@example.com"))).expect(409);
    admin.get("/api/v1/users?limit=2").expect(200);
    admin.get("/api/v1/users/" + user.getLong("id")).expect(200);
    admin.get("/api/v1/users/99999999").expect(404);
    admin.patch("/api/v1/users/" + user.getLong("id"), new JsonObject().put("name", "Renamed").put("phone", "+31201234568")).expect(200);
    agent.patch("/api/v1/users/" + user.getLong("id"), new JsonObject().put("role", "admin")).expect(403);
    admin.delete("/api/v1/users/" + admin.userId()).expect(400);
    admin.delete("/api/v1/users/" + user.getLong("id")).expect(204);

    ApiClient once = hub.login(TestHub.ADMIN_EMAIL, TestHub.ADMIN_PASSWORD);
    once.dropCsrf();
    once.post("/api/v1/auth/logout", null).expect(403);
    hub.login(TestHub.ADMIN_EMAIL, TestHub.ADMIN_PASSWORD).post("/api/v1/auth/logout", null).expect(204);
    admin.get("/api/v1/presence").expect(200);
    admin.get("/api/v1/audit?limit=5").expect(200);
    agent.get("/api/v1/audit").expect(403);
    agent.get("/api/v1/no-such-thing").expect(404);
  }

  @Test
  @DisplayName("inboxes, endpoints, members, mailboxes and routing tests answer as documented")
  void inboxesAndEndpoints() {
    JsonObject hours = new JsonObject().put("timezone", "Europe/Amsterdam")
        .put("weekly", new JsonObject().put("mon", new JsonArray().add(new JsonArray().add("09:00").add("17:00"))))
        .put("holidays", new JsonArray().add("2026-12-25"));
    JsonObject routing = new JsonObject().put("ring", new JsonArray().add(agent.userId()).add("+31201234569")).put("timeout_s", 25)
        .put("after_hours", "voicemail").put("greeting", "Please leave a message");
    JsonObject box = admin.post("/api/v1/inboxes", new JsonObject().put("name", "Answers inbox").put("color", "#112233")
        .put("business_hours", hours).put("call_routing", routing)
        .put("settings", new JsonObject().put("auto_assign", new JsonObject().put("enabled", true).put("max_open_per_agent", 5))
            .put("auto_reply_outside_hours", "We are closed"))).expect(201).json();
    long id = box.getLong("id");
    admin.post("/api/v1/inboxes", new JsonObject().put("name", "Answers inbox")).expect(409);
    admin.post("/api/v1/inboxes", new JsonObject().put("name", "Bad colour").put("color", "red")).expect(400);
    admin.get("/api/v1/inboxes").expect(200);
    admin.get("/api/v1/inboxes?channel=api&q=answers&limit=5").expect(200);
    admin.get("/api/v1/inboxes?channel=fax").expect(400);
    agent.get("/api/v1/inboxes").expect(200);
    admin.get("/api/v1/inboxes/" + id).expect(200);
    admin.patch("/api/v1/inboxes/" + id, new JsonObject().put("settings", new JsonObject().put("auto_reply_outside_hours", null))
        .put("business_hours", null)).expect(200);
    agent.patch("/api/v1/inboxes/" + inbox, new JsonObject().put("name", "Nope")).expect(403);

    JsonObject apiEp = admin.post("/api/v1/inboxes/" + id + "/endpoints", new JsonObject().put("channel", "api")
        .put("settings", new JsonObject().put("callback_url", "https://example.com/hook"))).expect(201).json();
    JsonObject email = admin.post("/api/v1/inboxes/" + id + "/endpoints", new JsonObject().put("channel", "email")
        .put("address", "Answers@Example.com").put("name", "Support")).expect(201).json();
    admin.post("/api/v1/inboxes/" + id + "/endpoints", new JsonObject().put("channel", "phone").put("address", "+31201230000")
        .put("settings", new JsonObject().put("account_sid", "AC123").put("auth_token", "secret-token"))).expect(201);
    admin.post("/api/v1/inboxes/" + id + "/endpoints", new JsonObject().put("channel", "widget")
        .put("settings", new JsonObject().put("allowed_origins", new JsonArray().add("https://example.com")))).expect(201);
    JsonObject whatsapp = admin.post("/api/v1/inboxes/" + id + "/endpoints", new JsonObject().put("channel", "whatsapp")
        .put("address", "1234567890")).expect(201).json();
    admin.post("/api/v1/inboxes/" + id + "/endpoints", new JsonObject().put("channel", "email").put("address", "answers@example.com"))
        .expect(409);
    admin.get("/api/v1/inboxes/" + id + "/endpoints").expect(200);
    admin.get("/api/v1/endpoints/" + email.getLong("id")).expect(200);
    admin.patch("/api/v1/endpoints/" + email.getLong("id"), new JsonObject().put("name", "Help").put("enabled", false)
        .put("disabled_reason", "moving")).expect(200);
    admin.get("/api/v1/endpoints/" + email.getLong("id") + "/mailbox").expect(200);
    admin.get("/api/v1/endpoints/" + apiEp.getLong("id") + "/mailbox").expect(404);
    admin.get("/api/v1/endpoints/" + whatsapp.getLong("id") + "/whatsapp/templates").expect(409);
    admin.post("/api/v1/inboxes/" + id + "/test-routing", null).expect(200);
    JsonObject sandbox = admin.post("/api/v1/inboxes/" + id + "/endpoints", new JsonObject().put("channel", "phone").put("sandbox", true))
        .expect(201).json();
    admin.post("/api/v1/endpoints/" + sandbox.getLong("id") + "/simulate", new JsonObject().put("from", "+14155550100")
        .put("text", "Hello")).expect(201);
    admin.post("/api/v1/endpoints/" + sandbox.getLong("id") + "/simulate", new JsonObject().put("from", "nobody")
        .put("text", "Hello")).expect(400);
    long noMail = hub.inbox("Answers without mail");
    admin.post("/api/v1/inboxes/" + noMail + "/test-routing", new JsonObject()).expect(409);
    admin.delete("/api/v1/endpoints/" + apiEp.getLong("id")).expect(204);

    admin.get("/api/v1/inboxes/" + id + "/members").expect(200);
    admin.put("/api/v1/inboxes/" + id + "/members/" + agent.userId()).expect(201);
    admin.put("/api/v1/inboxes/" + id + "/members/" + agent.userId()).expect(200);
    admin.delete("/api/v1/inboxes/" + id + "/members/" + agent.userId()).expect(204);
    admin.put("/api/v1/inboxes/" + id + "/members/99999999").expect(404);
    admin.delete("/api/v1/inboxes/" + id).expect(204);
    admin.get("/api/v1/inboxes/" + id).expect(404);
  }

  @Test
  @DisplayName("conversations, their history, replies, notes, tags, files and scheduled messages answer as documented")
  void conversations() {
    long id = conversation("answers-conv");
    agent.get("/api/v1/conversations").expect(200);
    agent.get("/api/v1/conversations?inbox=" + inbox + "&status=open,pending&assignee=none&unread=true&limit=5").expect(200);
    agent.get("/api/v1/conversations?q=hello&channel=api").expect(200);
    agent.get("/api/v1/conversations?status=closed").expect(400);
    agent.get("/api/v1/conversations/" + id).expect(200);
    agent.patch("/api/v1/conversations/" + id, new JsonObject().put("assignee_id", agent.userId()).put("priority", "high")
        .put("subject", "Answers")).expect(200);
    agent.patch("/api/v1/conversations/" + id, new JsonObject().put("status", "snoozed").put("snoozed_until", later(1))).expect(200);
    agent.patch("/api/v1/conversations/" + id, new JsonObject().put("status", "open")).expect(200);
    agent.post("/api/v1/conversations/" + id + "/read", null).expect(200);
    agent.post("/api/v1/conversations/" + id + "/notes", new JsonObject().put("text", "internal")).expect(201);
    agent.post("/api/v1/conversations/" + id + "/messages", new JsonObject().put("text", "a reply")).expect(201);
    agent.post("/api/v1/conversations/" + id + "/messages", new JsonObject()).expect(400);

    JsonObject file = agent.postRaw("/api/v1/attachments?filename=notes.txt", "some notes", "text/plain").expect(201).json();
    agent.get("/api/v1/attachments/" + file.getLong("id")).expect(200);
    agent.postRaw("/api/v1/attachments", "no name", "text/plain").expect(400);
    agent.post("/api/v1/conversations/" + id + "/messages", new JsonObject().put("text", "with a file")
        .put("attachments", new JsonArray().add(file.getLong("id")))).expect(201);
    agent.get("/api/v1/conversations/" + id + "/activities").expect(200);
    agent.get("/api/v1/conversations/" + id + "/activities?kind=message,system&limit=2").expect(200);

    JsonObject scheduled = agent.post("/api/v1/conversations/" + id + "/messages", new JsonObject().put("text", "later")
        .put("send_at", later(2))).expect(201).json();
    agent.get("/api/v1/conversations/" + id + "/scheduled").expect(200);
    agent.get("/api/v1/conversations/" + id + "/scheduled?status=pending").expect(200);
    agent.get("/api/v1/scheduled/" + scheduled.getLong("id")).expect(200);
    agent.delete("/api/v1/scheduled/" + scheduled.getLong("id")).expect(204);
    agent.delete("/api/v1/scheduled/" + scheduled.getLong("id")).expect(204);

    agent.put("/api/v1/conversations/" + id + "/tags/VIP").expect(200);
    agent.put("/api/v1/conversations/" + id + "/tags/vip").expect(200);
    agent.get("/api/v1/tags").expect(200);
    agent.get("/api/v1/conversations?tag=VIP&assignee=me").expect(200);
    agent.delete("/api/v1/conversations/" + id + "/tags/vip").expect(200);
    agent.put("/api/v1/conversations/" + id + "/tags/%20").expect(400);
    agent.get("/api/v1/conversations/99999999").expect(404);

    JsonObject contact = admin.post("/api/v1/contacts", new JsonObject().put("name", "Mail Person").put("email", "mail@example.com"))
        .expect(201).json();
    JsonObject email = admin.post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "email")
        .put("address", "conv-answers@example.com")).expect(201).json();
    agent.get("/api/v1/contacts/" + contact.getLong("id") + "/channels").expect(200);
    agent.post("/api/v1/conversations", new JsonObject().put("contact_id", contact.getLong("id"))
        .put("endpoint_id", email.getLong("id")).put("subject", "Hello")).expect(201);
    agent.post("/api/v1/conversations", new JsonObject().put("contact_id", 99999999).put("endpoint_id", email.getLong("id")))
        .expect(400);
    long apiContact = agent.get("/api/v1/conversations/" + id).json().getLong("contact_id");
    agent.post("/api/v1/conversations", new JsonObject().put("contact_id", apiContact).put("endpoint_id", api.getLong("id")))
        .expect(200);
    agent.post("/api/v1/conversations", new JsonObject().put("contact_id", apiContact)).expect(400);
    agent.get("/api/v1/contacts/" + apiContact + "/conversations").expect(200);
    agent.get("/api/v1/contacts/" + apiContact + "/channels").expect(200);
  }

  @Test
  @DisplayName("contacts, merges, notes, custom properties, profiles, opportunities and calendar events answer as documented")
  void contactsAndProfiles() {
    admin.post("/api/v1/properties", new JsonObject().put("scope", "contact").put("key", "plan").put("label", "Plan").put("type", "text"))
        .expect(201);
    JsonObject seats = admin.post("/api/v1/properties", new JsonObject().put("scope", "profile").put("key", "seats").put("label", "Seats")
        .put("type", "number")).expect(201).json();
    admin.post("/api/v1/properties", new JsonObject().put("scope", "contact").put("key", "plan").put("label", "Again").put("type", "text"))
        .expect(409);
    JsonObject gone = admin.post("/api/v1/properties", new JsonObject().put("scope", "contact").put("key", "gone").put("label", "Gone")
        .put("type", "date").put("position", 9)).expect(201).json();
    admin.get("/api/v1/properties").expect(200);
    admin.get("/api/v1/properties?scope=profile").expect(200);
    admin.patch("/api/v1/properties/" + seats.getLong("id"), new JsonObject().put("label", "Seats bought")).expect(200);
    admin.delete("/api/v1/properties/" + gone.getLong("id")).expect(204);
    agent.post("/api/v1/properties", new JsonObject().put("scope", "contact").put("key", "x").put("label", "X").put("type", "text"))
        .expect(403);

    JsonObject ada = admin.post("/api/v1/contacts", new JsonObject().put("name", "Ada").put("email", "Ada@Example.com")
        .put("phone", "+31612345678").put("company", "Acme").put("properties", new JsonObject().put("plan", "pro"))
        .put("identities", new JsonArray().add(new JsonObject().put("channel", "api").put("address", "ada-ext")))).expect(201).json();
    JsonObject twin = admin.post("/api/v1/contacts", new JsonObject().put("name", "Ada twin").put("email", "ada2@example.com"))
        .expect(201).json();
    admin.post("/api/v1/contacts", new JsonObject().put("name", "Clash").put("email", "ada@example.com")).expect(409);
    admin.post("/api/v1/contacts", new JsonObject().put("properties", new JsonObject().put("nope", 1))).expect(400);
    long adaId = ada.getLong("id");
    admin.get("/api/v1/contacts").expect(200);
    admin.get("/api/v1/contacts?q=ada%20acme&blocked=false&limit=1").expect(200);
    admin.get("/api/v1/contacts/" + adaId).expect(200);
    admin.patch("/api/v1/contacts/" + adaId, new JsonObject().put("company", null).put("blocked", true)
        .put("properties", new JsonObject().put("plan", "team"))).expect(200);
    admin.get("/api/v1/contacts/" + adaId + "/conversations").expect(200);
    JsonObject note = admin.post("/api/v1/contacts/" + adaId + "/notes", new JsonObject().put("text", "called")).expect(201).json();
    admin.get("/api/v1/contacts/" + adaId + "/notes").expect(200);
    admin.delete("/api/v1/contacts/" + adaId + "/notes/" + note.getLong("id")).expect(204);
    admin.post("/api/v1/contacts/" + adaId + "/merge", new JsonObject().put("from_contact_id", adaId)).expect(400);
    admin.post("/api/v1/contacts/" + adaId + "/merge", new JsonObject().put("from_contact_id", twin.getLong("id"))).expect(200);

    JsonObject opp = admin.post("/api/v1/contacts/" + adaId + "/opportunities", new JsonObject().put("title", "Renewal")
        .put("value", 1500.5).put("currency", "eur").put("stage", "proposal").put("close_date", "2026-06-30")).expect(201).json();
    admin.post("/api/v1/contacts/" + adaId + "/opportunities", new JsonObject().put("title", "Free")).expect(201);
    admin.post("/api/v1/contacts/" + adaId + "/opportunities", new JsonObject().put("title", "No currency").put("value", 5)).expect(400);
    admin.get("/api/v1/contacts/" + adaId + "/opportunities").expect(200);
    admin.get("/api/v1/contacts/" + adaId + "/opportunities?active=true&limit=1").expect(200);
    admin.patch("/api/v1/opportunities/" + opp.getLong("id"), new JsonObject().put("status", "won").put("value", "2000")).expect(200);
    admin.delete("/api/v1/opportunities/" + opp.getLong("id")).expect(204);

    JsonObject profile = admin.post("/api/v1/profiles", new JsonObject().put("name", "Acme").put("properties", new JsonObject().put("seats", 12))
        .put("contact_ids", new JsonArray().add(adaId))).expect(201).json();
    long pid = profile.getLong("id");
    JsonObject other = admin.post("/api/v1/contacts", new JsonObject().put("name", "Bob")).expect(201).json();
    admin.get("/api/v1/profiles").expect(200);
    admin.get("/api/v1/profiles?q=acme&limit=1").expect(200);
    admin.get("/api/v1/profiles/" + pid).expect(200);
    admin.patch("/api/v1/profiles/" + pid, new JsonObject().put("name", "Acme Inc")).expect(200);
    admin.put("/api/v1/profiles/" + pid + "/contacts/" + other.getLong("id")).expect(200);
    admin.put("/api/v1/profiles/" + pid + "/contacts/" + other.getLong("id")).expect(409);
    admin.delete("/api/v1/profiles/" + pid + "/contacts/" + other.getLong("id")).expect(204);
    admin.get("/api/v1/profiles/" + pid + "/moments").expect(200);
    admin.get("/api/v1/profiles/" + pid + "/attachments").expect(200);
    JsonObject pnote = admin.post("/api/v1/profiles/" + pid + "/notes", new JsonObject().put("text", "big account")).expect(201).json();
    admin.get("/api/v1/profiles/" + pid + "/notes").expect(200);
    agent.delete("/api/v1/profiles/" + pid + "/notes/" + pnote.getLong("id")).expect(403);
    admin.delete("/api/v1/profiles/" + pid + "/notes/" + pnote.getLong("id")).expect(204);

    long conv = conversation("answers-profile");
    agent.post("/api/v1/conversations/" + conv + "/profile", new JsonObject().put("name", "From a chat")).expect(201);
    JsonObject attached = agent.post("/api/v1/conversations/" + conv + "/profile", new JsonObject().put("profile_id", pid)).expect(200).json();
    agent.post("/api/v1/conversations/" + conv + "/profile", new JsonObject().put("profile_id", pid)).expect(409);
    agent.get("/api/v1/profiles/" + attached.getLong("id") + "/moments").expect(200);
    JsonObject file = agent.postRaw("/api/v1/attachments?filename=photo.png", "not really a png", "image/png").expect(201).json();
    agent.post("/api/v1/conversations/" + conv + "/messages", new JsonObject().put("attachments", new JsonArray().add(file.getLong("id"))))
        .expect(201);
    assertThat(agent.get("/api/v1/profiles/" + pid + "/attachments").expect(200).items()).isNotEmpty();
    admin.delete("/api/v1/profiles/" + pid).expect(204);
    admin.delete("/api/v1/contacts/" + other.getLong("id")).expect(204);

    JsonObject event = agent.post("/api/v1/conversations/" + conv + "/events", new JsonObject().put("title", "Demo")
        .put("starts_at", later(3)).put("ends_at", later(4)).put("location", "Online")).expect(201).json();
    agent.post("/api/v1/conversations/" + conv + "/events", new JsonObject().put("title", "Backwards")
        .put("starts_at", later(4)).put("ends_at", later(3))).expect(400);
    agent.get("/api/v1/conversations/" + conv + "/events").expect(200);
    agent.get("/api/v1/conversations/" + conv + "/events?upcoming=true").expect(200);
    agent.patch("/api/v1/events/" + event.getLong("id"), new JsonObject().put("notes", "bring slides")).expect(200);
    agent.delete("/api/v1/events/" + event.getLong("id")).expect(204);
  }

  @Test
  @DisplayName("sequences, enrolments, chatbots and calls answer as documented")
  void automation() {
    JsonObject seq = admin.post("/api/v1/sequences", new JsonObject().put("name", "Follow up")
        .put("steps", new JsonArray().add(new JsonObject().put("delay", "P2D").put("text", "Any news?"))
            .add(new JsonObject().put("delay", 3600).put("text", "Still there?").put("channels", new JsonArray().add("api"))))).expect(201).json();
    admin.post("/api/v1/sequences", new JsonObject().put("name", "Empty").put("steps", new JsonArray())).expect(400);
    admin.get("/api/v1/sequences").expect(200);
    admin.get("/api/v1/sequences/" + seq.getLong("id")).expect(200);
    admin.patch("/api/v1/sequences/" + seq.getLong("id"), new JsonObject().put("stop_on_reply", false)).expect(200);
    long conv = conversation("answers-auto");
    JsonObject enrolment = agent.post("/api/v1/conversations/" + conv + "/sequences", new JsonObject().put("sequence_id", seq.getLong("id")))
        .expect(201).json();
    agent.post("/api/v1/conversations/" + conv + "/sequences", new JsonObject().put("sequence_id", seq.getLong("id"))).expect(409);
    agent.get("/api/v1/conversations/" + conv + "/sequences").expect(200);
    agent.delete("/api/v1/conversations/" + conv + "/sequences/" + enrolment.getLong("id")).expect(204);
    agent.delete("/api/v1/conversations/" + conv + "/sequences/" + enrolment.getLong("id")).expect(409);
    admin.delete("/api/v1/sequences/" + seq.getLong("id")).expect(204);

    JsonArray rules = new JsonArray()
        .add(new JsonObject().put("name", "pricing").put("trigger", new JsonObject().put("type", "keyword").put("keywords", new JsonArray().add("price")))
            .put("actions", new JsonArray().add(new JsonObject().put("type", "reply").put("text", "From 10 EUR"))
                .add(new JsonObject().put("type", "tag").put("tag", "sales")).add(new JsonObject().put("type", "handover"))))
        .add(new JsonObject().put("trigger", new JsonObject().put("type", "regex").put("pattern", "order\\s*#?\\d+"))
            .put("actions", new JsonArray().add(new JsonObject().put("type", "assign").put("user_id", agent.userId()))))
        .add(new JsonObject().put("trigger", new JsonObject().put("type", "any"))
            .put("actions", new JsonArray().add(new JsonObject().put("type", "assign"))));
    JsonObject bot = admin.post("/api/v1/chatbots", new JsonObject().put("name", "Front desk").put("rules", rules)).expect(201).json();
    admin.post("/api/v1/chatbots", new JsonObject().put("name", "Broken").put("rules", new JsonArray()
        .add(new JsonObject().put("trigger", new JsonObject().put("type", "regex").put("pattern", "(a+)+"))
            .put("actions", new JsonArray().add(new JsonObject().put("type", "handover")))))).expect(400);
    admin.get("/api/v1/chatbots").expect(200);
    admin.get("/api/v1/chatbots/" + bot.getLong("id")).expect(200);
    admin.patch("/api/v1/chatbots/" + bot.getLong("id"), new JsonObject().put("name", "Front desk 2")).expect(200);
    agent.put("/api/v1/conversations/" + conv + "/chatbots/" + bot.getLong("id")).expect(201);
    agent.put("/api/v1/conversations/" + conv + "/chatbots/" + bot.getLong("id")).expect(200);
    agent.get("/api/v1/conversations/" + conv + "/chatbots").expect(200);
    agent.delete("/api/v1/conversations/" + conv + "/chatbots/" + bot.getLong("id")).expect(204);
    agent.delete("/api/v1/conversations/" + conv + "/chatbots/" + bot.getLong("id")).expect(404);
    admin.patch("/api/v1/chatbots/" + bot.getLong("id"), new JsonObject().put("enabled", false)).expect(200);
    agent.put("/api/v1/conversations/" + conv + "/chatbots/" + bot.getLong("id")).expect(409);
    admin.delete("/api/v1/chatbots/" + bot.getLong("id")).expect(204);

    admin.post("/api/v1/calls", new JsonObject()).expect(400);
    admin.post("/api/v1/calls", new JsonObject().put("to", "+31201234567")).expect(400);
  }
}
