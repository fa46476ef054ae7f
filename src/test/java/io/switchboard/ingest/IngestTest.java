package io.switchboard.ingest;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.ApiClient.Response;
import io.switchboard.testing.TestDatabase;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

@WithHub
class IngestTest {

  static TestHub hub;

  @Test
  @DisplayName("fifty concurrent deliveries of the same external id give one activity and fifty successes")
  void concurrentRedeliveriesStoreOnce() throws Exception {
    long inbox = hub.inbox("Concurrent");
    JsonObject ep = hub.apiEndpoint(inbox, null);
    ExecutorService pool = Executors.newFixedThreadPool(50);
    List<Future<Response>> results = new ArrayList<>();
    for (int i = 0; i < 50; i++) results.add(pool.submit(() -> hub.ingestApi(ep, "same-sender", "only once please", "ext-50")));
    List<Long> activityIds = new ArrayList<>();
    for (Future<Response> f : results) {
      Response r = f.get();
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      activityIds.add(r.json().getLong("activity_id"));
    }
    pool.shutdown();
    assertThat(activityIds).containsOnly(activityIds.get(0));
    assertThat(count("SELECT count(*) FROM activity WHERE provider_id = 'ext-50'")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM contact_identity WHERE address = 'same-sender'")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM conversation c JOIN contact_identity i ON i.contact_id = c.contact_id WHERE i.address = 'same-sender'"))
        .isEqualTo(1);
    assertThat(count("SELECT count(*) FROM event WHERE type = 'message.created' AND data->'activity'->>'provider_id' = 'ext-50'"))
        .isEqualTo(1);
  }

  @Test
  @DisplayName("a message to inbox A's endpoint is visible to A's members only")
  void visibleToMembersOnly() {
    long a = hub.inbox("Visible A");
    long b = hub.inbox("Visible B");
    ApiClient memberA = hub.user("member-a@example.com", "agent");
    ApiClient memberB = hub.user("member-b@example.com", "supervisor");
    hub.member(a, memberA.userId());
    hub.member(b, memberB.userId());
    JsonObject ep = hub.apiEndpoint(a, null);
    long conversation = hub.ingestApi(ep, "cust-vis", "for A only", "vis-1").expect(200).json().getLong("conversation_id");

    assertThat(memberA.get("/api/v1/conversations?inbox=" + a).items()).hasSize(1);
    assertThat(memberA.get("/api/v1/conversations/" + conversation + "/activities").expect(200).items().getJsonObject(0).getString("text"))
        .isEqualTo("for A only");
    assertThat(memberB.get("/api/v1/conversations/" + conversation).status()).isEqualTo(404);
    assertThat(memberB.get("/api/v1/conversations/" + conversation + "/activities").status()).isEqualTo(404);
    assertThat(memberB.get("/api/v1/conversations").items()).isEmpty();
    assertThat(memberB.get("/api/v1/conversations?q=only").items()).isEmpty();
    assertThat(memberB.post("/api/v1/conversations/" + conversation + "/messages", new JsonObject().put("text", "hi")).status()).isEqualTo(404);
    assertThat(memberB.post("/api/v1/conversations/" + conversation + "/notes", new JsonObject().put("text", "hi")).status()).isEqualTo(404);
    assertThat(memberB.patch("/api/v1/conversations/" + conversation, new JsonObject().put("status", "resolved")).status()).isEqualTo(404);
  }

  @Test
  @DisplayName("chat-like channels keep one conversation per contact and endpoint; a resolved one reopens on a new message")
  void resolvedConversationReopens() {
    long inbox = hub.inbox("Reopen");
    JsonObject ep = hub.apiEndpoint(inbox, null);
    long first = hub.ingestApi(ep, "cust-reopen", "one", "r-1").expect(200).json().getLong("conversation_id");
    hub.admin().patch("/api/v1/conversations/" + first, new JsonObject().put("status", "resolved")).expect(200);
    long second = hub.ingestApi(ep, "cust-reopen", "two", "r-2").expect(200).json().getLong("conversation_id");
    assertThat(second).isEqualTo(first);
    assertThat(hub.admin().get("/api/v1/conversations/" + first).json().getString("status")).isEqualTo("open");
  }

  @Test
  @DisplayName("the API channel refuses a missing or wrong secret (401) and unknown keys (404), storing nothing")
  void apiChannelRefusals() throws Exception {
    long inbox = hub.inbox("Refusals");
    JsonObject ep = hub.apiEndpoint(inbox, null);
    String hook = "/hooks/api/" + ep.getString("key");
    JsonObject body = new JsonObject().put("from", "intruder").put("text", "let me in").put("external_id", "bad-1");
    assertThat(new ApiClient(hub.base()).post(hook, body).status()).isEqualTo(401);
    assertThat(ApiClient.bearer(hub.base(), "wrong").post(hook, body).status()).isEqualTo(401);
    JsonObject other = hub.apiEndpoint(inbox, null);
    assertThat(ApiClient.bearer(hub.base(), other.getString("secret")).post(hook, body).status()).isEqualTo(401);
    assertThat(ApiClient.bearer(hub.base(), ep.getString("secret")).post("/hooks/api/k_nothing", body).status()).isEqualTo(404);
    ApiClient integration = ApiClient.bearer(hub.base(), ep.getString("secret"));
    assertThat(integration.postRaw(hook, "{\"from\":", "application/json").status()).isEqualTo(400);
    assertThat(integration.post(hook, new JsonObject().put("text", "no sender")).errorField()).isEqualTo("from");
    assertThat(integration.post(hook, new JsonObject().put("from", "x").put("text", "y".repeat(2_000_000))).status()).isEqualTo(413);
    assertThat(count("SELECT count(*) FROM contact_identity WHERE address IN ('intruder', 'x')")).isZero();
  }

  @Test
  @DisplayName("a reply may leave from another endpoint of the same inbox and channel, never from another inbox's")
  void fromEndpointRules() {
    long a = hub.inbox("From A");
    long b = hub.inbox("From B");
    JsonObject epA = hub.apiEndpoint(a, null);
    JsonObject epA2 = hub.apiEndpoint(a, null);
    JsonObject epB = hub.apiEndpoint(b, null);
    long conversation = hub.ingestApi(epA, "cust-from", "hello", "from-1").expect(200).json().getLong("conversation_id");
    Response wrong = hub.admin().post("/api/v1/conversations/" + conversation + "/messages",
        new JsonObject().put("text", "x").put("from_endpoint_id", epB.getLong("id")));
    assertThat(wrong.status()).isEqualTo(400);
    assertThat(wrong.errorField()).isEqualTo("from_endpoint_id");
    Response ok = hub.admin().post("/api/v1/conversations/" + conversation + "/messages",
        new JsonObject().put("text", "x").put("from_endpoint_id", epA2.getLong("id"))).expect(201);
    assertThat(ok.json().getLong("endpoint_id")).isEqualTo(epA2.getLong("id"));
    hub.admin().patch("/api/v1/endpoints/" + epA.getLong("id"), new JsonObject().put("enabled", false)
        .put("disabled_reason", "integration retired")).expect(200);
    Response disabled = hub.admin().post("/api/v1/conversations/" + conversation + "/messages", new JsonObject().put("text", "x"));
    assertThat(disabled.status()).isEqualTo(409);
    assertThat(disabled.json().getJsonObject("error").getString("message")).contains("integration retired");
    // history stays readable
    assertThat(hub.admin().get("/api/v1/conversations/" + conversation + "/activities").items()).isNotEmpty();
  }

  static long count(String sql) {
    try (Connection c = TestDatabase.connect(hub.dbUrl); ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @DisplayName("the API channel stores NUL-bearing text cleaned and HTML made safe, and refuses an over-long external id for good")
  void unstorableInput() throws Exception {
    long inbox = hub.inbox("Unstorable");
    JsonObject ep = hub.apiEndpoint(inbox, null);
    Response nul = hub.ingestApi(ep, "nul-sender", "zero\u0000byte", "nul\u0000id");
    assertThat(nul.status()).as(nul.toString()).isEqualTo(200);
    assertThat(count("SELECT count(*) FROM activity WHERE provider_id = 'nulid' AND text = 'zerobyte'"
        + " AND data->'cleaned' ?& array['provider_id', 'text']")).isEqualTo(1);

    // an integration's own id over the documented 200 characters is its mistake: refused for good, naming the field
    Response tooLong = hub.ingestApi(ep, "long-sender", "long id", "x".repeat(6000));
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.errorField()).isEqualTo("external_id");
    assertThat(count("SELECT count(*) FROM activity WHERE text = 'long id'")).isZero();

    ApiClient integration = ApiClient.bearer(hub.base(), ep.getString("secret"));
    integration.post("/hooks/api/" + ep.getString("key"), new JsonObject().put("from", "html-sender")
        .put("html", "<p onclick=\"steal()\">Hi <b>there</b></p><script>steal()</script>").put("external_id", "html-1")).expect(200);
    assertThat(count("SELECT count(*) FROM activity WHERE provider_id = 'html-1' AND html LIKE '%<b>there</b>%'"
        + " AND html NOT LIKE '%script%' AND html NOT LIKE '%onclick%'")).isEqualTo(1);
  }
}
