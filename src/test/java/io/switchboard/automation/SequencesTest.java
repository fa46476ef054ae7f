package io.switchboard.automation;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.CallbackServer;
import io.switchboard.testing.Eventually;
import io.switchboard.testing.LiveClient;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@WithHub
class SequencesTest {

  static TestHub hub;
  static CallbackServer crm;

  @BeforeAll
  static void setUp() {
    crm = new CallbackServer();
  }

  @AfterAll
  static void stop() {
    crm.close();
  }

  static JsonObject step(Object delay, String text) {
    return new JsonObject().put("delay", delay).put("text", text);
  }

  static long sequence(String name, JsonObject... steps) {
    return hub.admin().post("/api/v1/sequences", new JsonObject().put("name", name).put("steps", new JsonArray(List.of((Object[]) steps))))
        .expect(201).json().getLong("id");
  }

  static List<String> delivered(String path) {
    return crm.received.stream().filter(r -> r.path().equals(path))
        .map(r -> new JsonObject(r.body()).getJsonObject("message").getString("text")).toList();
  }

  static JsonObject enrollment(long conversation, long id) {
    return hub.admin().get("/api/v1/conversations/" + conversation + "/sequences").expect(200).items().stream()
        .map(o -> (JsonObject) o).filter(e -> e.getLong("id") == id).findFirst().orElseThrow();
  }

  static List<String> system(long conversation) {
    return hub.admin().get("/api/v1/conversations/" + conversation + "/activities?kind=system").items().stream()
        .map(o -> ((JsonObject) o).getString("text")).toList();
  }

  @Test
  @DisplayName("admins define sequences; bad steps are 400s naming the field; agents read them but cannot define them")
  void definitions() {
    ApiClient admin = hub.admin();
    String path = "/api/v1/sequences";
    assertThat(admin.post(path, new JsonObject().put("name", "Empty").put("steps", new JsonArray())).errorField()).isEqualTo("steps");
    assertThat(admin.post(path, new JsonObject().put("name", "None")).errorField()).isEqualTo("steps");
    assertThat(admin.post(path, new JsonObject().put("name", "Bad delay").put("steps", new JsonArray().add(step("two days", "x"))))
        .errorField()).isEqualTo("steps[0].delay");
    assertThat(admin.post(path, new JsonObject().put("name", "Too long").put("steps", new JsonArray().add(step("P400D", "x"))))
        .errorField()).isEqualTo("steps[0].delay");
    assertThat(admin.post(path, new JsonObject().put("name", "No text").put("steps", new JsonArray().add(step("PT1H", "x")).add(step(60, " "))))
        .errorField()).isEqualTo("steps[1].text");
    assertThat(admin.post(path, new JsonObject().put("name", "Bad channel").put("steps",
        new JsonArray().add(step("P1D", "x").put("channels", new JsonArray().add("fax"))))).errorField()).isEqualTo("steps[0].channels");

    JsonObject created = admin.post(path, new JsonObject().put("name", "Onboarding").put("stop_on_reply", true).put("steps",
        new JsonArray().add(step("P2D", "How is it going?")).add(step("PT4H", "Still there?").put("channels", new JsonArray().add("email")))
            .add(step(90, "Last call")))).expect(201).json();
    JsonArray steps = created.getJsonArray("steps");
    assertThat(steps.getJsonObject(0).getLong("delay_seconds")).isEqualTo(2 * 86_400L);
    assertThat(steps.getJsonObject(1).getLong("delay_seconds")).isEqualTo(4 * 3600L);
    assertThat(steps.getJsonObject(2).getLong("delay_seconds")).isEqualTo(90L);
    long id = created.getLong("id");

    ApiClient agent = hub.user("seq-reader@example.com", "agent");
    assertThat(agent.get(path).items().stream().map(o -> ((JsonObject) o).getLong("id"))).contains(id);
    assertThat(agent.post(path, new JsonObject().put("name", "Mine").put("steps", new JsonArray().add(step(1, "x")))).status()).isEqualTo(403);
    assertThat(agent.patch(path + "/" + id, new JsonObject().put("name", "Hijacked")).status()).isEqualTo(403);
    assertThat(admin.patch(path + "/" + id, new JsonObject().put("name", "Onboarding v2")).expect(200).json().getString("name"))
        .isEqualTo("Onboarding v2");
    assertThat(admin.patch(path + "/" + id, new JsonObject().put("steps", new JsonArray())).errorField()).isEqualTo("steps");
    admin.delete(path + "/" + id).expect(204);
    assertThat(admin.get(path + "/" + id).status()).isEqualTo(404);
  }

  @Test
  @DisplayName("a contact's reply stops their sequence before the next step; start, step and stop are system entries and live")
  void replyStops() {
    long inbox = hub.inbox("Sequence Reply");
    JsonObject ep = hub.apiEndpoint(inbox, crm.url("/seq-reply"));
    long conversation = hub.ingestApi(ep, "seq-reply", "send me the offer", null).expect(200).json().getLong("conversation_id");
    long seq = sequence("Offer follow-up", step("PT2S", "Did you see the offer?"), step("PT3S", "Any questions about the offer?"));
    ApiClient agent = hub.user("seq-agent@example.com", "agent");
    hub.member(inbox, agent.userId());
    try (LiveClient live = LiveClient.agent(hub, agent)) {
      live.awaitType("hello");
      JsonObject e = agent.post("/api/v1/conversations/" + conversation + "/sequences", new JsonObject().put("sequence_id", seq))
          .expect(201).json();
      assertThat(e.getString("status")).isEqualTo("active");
      assertThat(e.getInteger("next_step")).isEqualTo(1);
      assertThat(e.getInteger("steps_total")).isEqualTo(2);
      assertThat(e.getString("next_at")).isNotNull();
      long id = e.getLong("id");
      assertThat(live.awaitType("enrollment.created").getJsonObject("data").getJsonObject("enrollment").getLong("id")).isEqualTo(id);
      // one active enrolment per sequence and conversation
      assertThat(agent.post("/api/v1/conversations/" + conversation + "/sequences", new JsonObject().put("sequence_id", seq))
          .expect(409).errorField()).isEqualTo("sequence_id");

      Eventually.that("step 1 is delivered", 15_000, () -> delivered("/seq-reply").contains("Did you see the offer?"));
      JsonObject afterStep = live.await(f -> "enrollment.updated".equals(f.getString("type"))
          && f.getJsonObject("data").getJsonObject("enrollment").getInteger("steps_sent") == 1, Duration.ofSeconds(10))
          .getJsonObject("data").getJsonObject("enrollment");
      assertThat(afterStep.getInteger("next_step")).isEqualTo(2);

      hub.ingestApi(ep, "seq-reply", "yes, thanks, looks good", null).expect(200);
      JsonObject stopped = live.await(f -> "enrollment.updated".equals(f.getString("type"))
          && "stopped".equals(f.getJsonObject("data").getJsonObject("enrollment").getString("status")), Duration.ofSeconds(10))
          .getJsonObject("data").getJsonObject("enrollment");
      assertThat(stopped.getString("stop_reason")).isEqualTo("replied");
      assertThat(stopped.getString("next_at")).isNull();
      ScheduledMessagesTest.sleep(5000);
      assertThat(delivered("/seq-reply")).containsExactly("Did you see the offer?");
      assertThat(enrollment(conversation, id).getString("status")).isEqualTo("stopped");
      assertThat(system(conversation)).anyMatch(t -> t.contains("started the sequence \"Offer follow-up\""))
          .anyMatch(t -> t.contains("sent step 1 of 2")).anyMatch(t -> t.contains("stopped: the contact replied"));
      JsonObject stepMessage = hub.admin().get("/api/v1/conversations/" + conversation + "/activities?kind=message").items().stream()
          .map(o -> (JsonObject) o).filter(m -> "Did you see the offer?".equals(m.getString("text"))).findFirst().orElseThrow();
      assertThat(stepMessage.getString("direction")).isEqualTo("out");
      assertThat(stepMessage.getJsonObject("sender").getLong("id")).isEqualTo(agent.userId());
    }
  }

  @Test
  @DisplayName("resolving the conversation stops its sequence; an agent can cancel one; a sequence runs to completion")
  void resolveCancelComplete() {
    long inbox = hub.inbox("Sequence Ends");
    JsonObject ep = hub.apiEndpoint(inbox, crm.url("/seq-ends"));
    ApiClient admin = hub.admin();
    long seq = sequence("Nudges", step("PT2S", "nudge one"), step("PT2S", "nudge two"));

    long resolved = hub.ingestApi(ep, "seq-resolve", "hi", null).expect(200).json().getLong("conversation_id");
    long r = admin.post("/api/v1/conversations/" + resolved + "/sequences", new JsonObject().put("sequence_id", seq)).expect(201)
        .json().getLong("id");
    admin.patch("/api/v1/conversations/" + resolved, new JsonObject().put("status", "resolved")).expect(200);
    Eventually.that("resolving stops it", 10_000, () -> "stopped".equals(enrollment(resolved, r).getString("status")));
    assertThat(enrollment(resolved, r).getString("stop_reason")).isEqualTo("resolved");
    assertThat(admin.post("/api/v1/conversations/" + resolved + "/sequences", new JsonObject().put("sequence_id", seq)).status())
        .isEqualTo(409);

    long canceled = hub.ingestApi(ep, "seq-cancel", "hi", null).expect(200).json().getLong("conversation_id");
    long c = admin.post("/api/v1/conversations/" + canceled + "/sequences", new JsonObject().put("sequence_id", seq)).expect(201)
        .json().getLong("id");
    admin.delete("/api/v1/conversations/" + canceled + "/sequences/" + c).expect(204);
    assertThat(enrollment(canceled, c).getString("status")).isEqualTo("canceled");
    assertThat(admin.delete("/api/v1/conversations/" + canceled + "/sequences/" + c).status()).isEqualTo(409);
    assertThat(system(canceled)).anyMatch(t -> t.contains("canceled the sequence \"Nudges\""));

    long completes = hub.ingestApi(ep, "seq-complete", "hi", null).expect(200).json().getLong("conversation_id");
    long k = admin.post("/api/v1/conversations/" + completes + "/sequences", new JsonObject().put("sequence_id", seq)).expect(201)
        .json().getLong("id");
    Eventually.that("it completes", 20_000, () -> "completed".equals(enrollment(completes, k).getString("status")));
    assertThat(enrollment(completes, k).getInteger("steps_sent")).isEqualTo(2);
    ScheduledMessagesTest.sleep(4000);
    assertThat(delivered("/seq-ends")).containsExactly("nudge one", "nudge two");
    assertThat(system(completes)).anyMatch(t -> t.contains("\"Nudges\" is complete"));
  }
}
