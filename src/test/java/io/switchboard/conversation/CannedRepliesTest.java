package io.switchboard.conversation;

import io.switchboard.testing.ApiClient;
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

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Canned replies over REST: who sees which kind (the workspace's, an inbox's, an agent's own), who may change them,
 * the 400s and 409s, the audit of shared ones, and placeholders filled in for a conversation. Every answer is also
 * held to the OpenAPI document.
 */
@WithHub
class CannedRepliesTest {

  static TestHub hub;
  static ApiClient admin;
  static ApiClient ann;       // agent, member of Support
  static ApiClient bob;       // agent, member of Secret
  static long support;
  static long secret;
  static long supportConversation;
  static long secretConversation;
  static long workspaceReply;
  static long supportReply;
  static long secretReply;
  static long annOwn;
  static long bobOwn;
  ApiContract.Recording recording;

  @BeforeAll
  static void setUp() {
    admin = hub.admin();
    support = hub.inbox("Canned Support");
    secret = hub.inbox("Canned Secret");
    hub.member(support, admin.userId());
    hub.member(secret, admin.userId());
    ann = hub.user("ann.canned@example.com", "agent");
    hub.member(support, ann.userId());
    bob = hub.user("bob.canned@example.com", "agent");
    hub.member(secret, bob.userId());

    admin.post("/api/v1/properties", new JsonObject().put("scope", "contact").put("key", "canned_plan")
        .put("label", "Plan").put("type", "text")).expect(201);
    admin.post("/api/v1/properties", new JsonObject().put("scope", "contact").put("key", "canned_seats")
        .put("label", "Seats").put("type", "number")).expect(201);
    JsonObject in = hub.ingestApi(hub.apiEndpoint(support, null), "cust-ada", "hello", null).expect(200).json();
    supportConversation = in.getLong("conversation_id");
    admin.patch("/api/v1/contacts/" + in.getLong("contact_id"), new JsonObject().put("name", "Ada Lovelace")
        .put("email", "ada@example.com").put("properties", new JsonObject().put("canned_plan", "Gold"))).expect(200);
    secretConversation = hub.ingestApi(hub.apiEndpoint(secret, null), "cust-sam", "psst", null).expect(200).json()
        .getLong("conversation_id");

    workspaceReply = create(admin, body("hello", "Hello", "Hello {{contact.first_name}}!")).getLong("id");
    supportReply = create(admin, body("thanks", "Support thanks", "Thanks from {{inbox.name}}").put("inbox_id", support)).getLong("id");
    secretReply = create(admin, body("secret-thanks", "Secret", "hush").put("inbox_id", secret)).getLong("id");
    annOwn = create(ann, body("mine", "Ann's", "Cheers, Ann").put("scope", "personal")).getLong("id");
    bobOwn = create(bob, body("mine", "Bob's", "Cheers, Bob").put("scope", "personal")).getLong("id");
  }

  @BeforeEach
  void record() {
    recording = ApiContract.record();
  }

  @AfterEach
  void matchesTheDocument() {
    recording.close();
    assertThat(recording.answers()).as("answers checked").isGreaterThanOrEqualTo(5);
    assertThat(recording.violations()).as("answers that differ from the OpenAPI document").isEmpty();
  }

  static JsonObject body(String shortcut, String title, String text) {
    return new JsonObject().put("shortcut", shortcut).put("title", title).put("text", text);
  }

  static JsonObject create(ApiClient as, JsonObject body) {
    return as.post("/api/v1/canned_replies", body).expect(201).json();
  }

  static List<Long> ids(JsonArray items) {
    return items.stream().map(o -> ((JsonObject) o).getLong("id")).toList();
  }

  @Test
  @DisplayName("an agent sees the workspace's, their own and their inboxes' replies; anything else is 404")
  void visibility() {
    List<Long> seen = ids(ann.get("/api/v1/canned_replies").expect(200).items());
    assertThat(seen).contains(workspaceReply, supportReply, annOwn).doesNotContain(secretReply, bobOwn);
    assertThat(ids(bob.get("/api/v1/canned_replies").expect(200).items()))
        .contains(workspaceReply, secretReply, bobOwn).doesNotContain(supportReply, annOwn);
    // an admin is no exception: agents' own replies are theirs
    assertThat(ids(admin.get("/api/v1/canned_replies").expect(200).items())).doesNotContain(annOwn, bobOwn);

    JsonObject own = ann.get("/api/v1/canned_replies/" + annOwn).expect(200).json();
    assertThat(own.getString("scope")).isEqualTo("personal");
    assertThat(own.getLong("owner_id")).isEqualTo(ann.userId());
    assertThat(ann.get("/api/v1/canned_replies/" + supportReply).expect(200).json().getString("inbox_name")).isEqualTo("Canned Support");

    for (long hidden : List.of(secretReply, bobOwn)) {
      ann.get("/api/v1/canned_replies/" + hidden).expect(404);
      ann.patch("/api/v1/canned_replies/" + hidden, new JsonObject().put("text", "mine now")).expect(404);
      ann.delete("/api/v1/canned_replies/" + hidden).expect(404);
      ann.post("/api/v1/canned_replies/" + hidden + "/render", new JsonObject().put("conversation_id", supportConversation)).expect(404);
    }
    ann.get("/api/v1/canned_replies/999999999").expect(404);
    admin.get("/api/v1/canned_replies/" + bobOwn).expect(404);

    // filtered by inbox: usable there; an inbox one is not a member of is 404
    assertThat(ids(ann.get("/api/v1/canned_replies?inbox_id=" + support).expect(200).items()))
        .contains(workspaceReply, supportReply, annOwn).doesNotContain(secretReply);
    assertThat(ids(admin.get("/api/v1/canned_replies?inbox_id=" + support).expect(200).items())).doesNotContain(secretReply);
    ann.get("/api/v1/canned_replies?inbox_id=" + secret).expect(404);
    assertThat(ann.get("/api/v1/canned_replies?inbox_id=abc").expect(400).errorField()).isEqualTo("inbox_id");

    // q: the start of a shortcut, or words of the title or text
    assertThat(ids(ann.get("/api/v1/canned_replies?q=tha").expect(200).items())).containsExactly(supportReply);
    assertThat(ids(ann.get("/api/v1/canned_replies?q=cheers").expect(200).items())).containsExactly(annOwn);
    assertThat(ids(bob.get("/api/v1/canned_replies?q=mi").expect(200).items())).containsExactly(bobOwn);
  }

  @Test
  @DisplayName("shared replies need settings.manage (and membership for an inbox's); one's own are one's own to change")
  void permissions() {
    assertThat(ann.post("/api/v1/canned_replies", body("ann-ws", "", "x")).expect(403).errorCode()).isEqualTo("forbidden");
    ann.post("/api/v1/canned_replies", body("ann-inbox", "", "x").put("inbox_id", support)).expect(403);
    ann.patch("/api/v1/canned_replies/" + workspaceReply, new JsonObject().put("text", "changed")).expect(403);
    ann.delete("/api/v1/canned_replies/" + supportReply).expect(403);
    assertThat(admin.get("/api/v1/canned_replies/" + workspaceReply).json().getString("text")).isEqualTo("Hello {{contact.first_name}}!");

    // an admin who is not a member of an inbox neither sees nor makes its replies
    ApiClient carol = hub.user("carol.canned@example.com", "admin");
    carol.post("/api/v1/canned_replies", body("elsewhere", "", "x").put("inbox_id", support)).expect(404);
    carol.get("/api/v1/canned_replies/" + supportReply).expect(404);
    carol.patch("/api/v1/canned_replies/" + supportReply, new JsonObject().put("text", "x")).expect(404);
    assertThat(ids(carol.get("/api/v1/canned_replies").expect(200).items())).contains(workspaceReply).doesNotContain(supportReply);

    long temp = create(ann, body("temp", "Temp", "one").put("scope", "personal")).getLong("id");
    JsonObject changed = ann.patch("/api/v1/canned_replies/" + temp, new JsonObject().put("shortcut", "temp-2")
        .put("title", "Temporary").put("text", "two")).expect(200).json();
    assertThat(changed.getString("shortcut")).isEqualTo("temp-2");
    assertThat(changed.getString("title")).isEqualTo("Temporary");
    assertThat(changed.getString("text")).isEqualTo("two");
    admin.delete("/api/v1/canned_replies/" + temp).expect(404);
    ann.delete("/api/v1/canned_replies/" + temp).expect(204);
    ann.get("/api/v1/canned_replies/" + temp).expect(404);

    long shared = create(admin, body("bye", "Bye", "Bye!")).getLong("id");
    admin.patch("/api/v1/canned_replies/" + shared, new JsonObject().put("text", "Goodbye!")).expect(200);
    admin.delete("/api/v1/canned_replies/" + shared).expect(204);
    String audit = admin.get("/api/v1/audit?limit=50").expect(200).items().encode();
    assertThat(audit).contains("canned_reply.created", "canned_reply.updated", "canned_reply.deleted", "Goodbye!");
    // an agent's own replies are not settings: not audited
    assertThat(audit).doesNotContain("Temporary");
  }

  @Test
  @DisplayName("bad input is a 400 naming the field; a used shortcut in the same scope is a 409")
  void validation() {
    record Bad(JsonObject body, String field) {
    }
    List<Bad> bad = List.of(
        new Bad(body("Greet", "", "x"), "shortcut"),
        new Bad(body("greet me", "", "x"), "shortcut"),
        new Bad(body("a".repeat(33), "", "x"), "shortcut"),
        new Bad(new JsonObject().put("text", "x"), "shortcut"),
        new Bad(body("ok", "t".repeat(201), "x"), "title"),
        new Bad(body("ok", "", " "), "text"),
        new Bad(new JsonObject().put("shortcut", "ok"), "text"),
        new Bad(body("ok", "", "x".repeat(10_001)), "text"),
        new Bad(body("ok", "", "x").put("scope", "team"), "scope"),
        new Bad(body("ok", "", "x").put("scope", "inbox"), "inbox_id"),
        new Bad(body("ok", "", "x").put("scope", "personal").put("inbox_id", support), "inbox_id"),
        new Bad(body("ok", "", "x").put("inbox_id", "one"), "inbox_id"));
    for (Bad b : bad) {
      ApiClient.Response r = admin.post("/api/v1/canned_replies", b.body());
      assertThat(r.status()).as(b.body().encode()).isEqualTo(400);
      assertThat(r.errorField()).as(b.body().encode()).isEqualTo(b.field());
    }
    assertThat(create(admin, body("max", "t".repeat(200), "x".repeat(10_000))).getString("shortcut")).isEqualTo("max");
    assertThat(create(admin, body("/slash", "", "x")).getString("shortcut")).isEqualTo("slash");
    assertThat(admin.patch("/api/v1/canned_replies/" + workspaceReply, new JsonObject().put("inbox_id", support))
        .expect(400).errorField()).isEqualTo("inbox_id");
    assertThat(admin.patch("/api/v1/canned_replies/" + workspaceReply, new JsonObject().put("text", ""))
        .expect(400).errorField()).isEqualTo("text");
    assertThat(admin.post("/api/v1/canned_replies/" + workspaceReply + "/render", new JsonObject())
        .expect(400).errorField()).isEqualTo("conversation_id");

    ApiClient.Response dup = admin.post("/api/v1/canned_replies", body("hello", "", "again"));
    assertThat(dup.status()).isEqualTo(409);
    assertThat(dup.errorField()).isEqualTo("shortcut");
    assertThat(admin.post("/api/v1/canned_replies", body("thanks", "", "again").put("inbox_id", support))
        .expect(409).errorField()).isEqualTo("shortcut");
    assertThat(ann.patch("/api/v1/canned_replies/" + annOwn, new JsonObject().put("shortcut", "mine")).status()).isEqualTo(200);
    long second = create(ann, body("mine-2", "", "x").put("scope", "personal")).getLong("id");
    assertThat(ann.patch("/api/v1/canned_replies/" + second, new JsonObject().put("shortcut", "mine"))
        .expect(409).errorField()).isEqualTo("shortcut");
    // the same shortcut in another scope, or another agent's own, is no conflict
    create(ann, body("hello", "", "my own hello").put("scope", "personal"));
    create(admin, body("hello", "", "support hello").put("inbox_id", support));
  }

  @Test
  @DisplayName("placeholders are filled for the conversation: contact, agent, inbox, a property; unknown ones are left and named")
  void render() {
    long id = create(ann, body("fill", "Fill", """
        Hi {{contact.name}} / {{ contact.first_name }} <{{contact.email}}> [{{contact.phone}}], \
        {{agent.name}} of {{inbox.name}}: {{contact.properties.canned_plan}}|{{contact.properties.canned_seats}}|\
        {{contact.properties.nope}} {{foo.bar}}""").put("scope", "personal")).getLong("id");
    JsonObject out = ann.post("/api/v1/canned_replies/" + id + "/render",
        new JsonObject().put("conversation_id", supportConversation)).expect(200).json();
    assertThat(out.getString("text")).isEqualTo(
        "Hi Ada Lovelace / Ada <ada@example.com> [], ann.canned of Canned Support: Gold||{{contact.properties.nope}} {{foo.bar}}");
    assertThat(out.getJsonArray("unknown").getList()).containsExactly("contact.properties.nope", "foo.bar");

    assertThat(ann.post("/api/v1/canned_replies/" + supportReply + "/render",
        new JsonObject().put("conversation_id", supportConversation)).expect(200).json().getString("text"))
        .isEqualTo("Thanks from Canned Support");
    // a conversation one may not see is 404, with a reply one may see
    ann.post("/api/v1/canned_replies/" + workspaceReply + "/render", new JsonObject().put("conversation_id", secretConversation)).expect(404);
    assertThat(bob.post("/api/v1/canned_replies/" + workspaceReply + "/render",
        new JsonObject().put("conversation_id", secretConversation)).expect(200).json().getString("text")).isEqualTo("Hello Customer!");
  }
}
