package io.switchboard.outbound;

import io.switchboard.testing.ApiClient.Response;
import io.switchboard.testing.CallbackServer;
import io.switchboard.testing.CallbackServer.Answer;
import io.switchboard.testing.Eventually;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

@WithHub({"outbox.max_attempts=3", "outbox.backoff_ms=100"})
class ApiChannelReplyTest {

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

  @Test
  @DisplayName("a reply reaches the integration's callback with a valid signature and ends sent")
  void replyIsSignedAndSent() {
    long inbox = hub.inbox("Signed Replies");
    JsonObject ep = hub.apiEndpoint(inbox, crm.url("/ok"));
    crm.answer(r -> Answer.ok("{\"id\":\"remote-7\"}"));
    long conversation = hub.ingestApi(ep, "cust-signed", "question", "q-1").expect(200).json().getLong("conversation_id");
    Response reply = hub.admin().post("/api/v1/conversations/" + conversation + "/messages", new JsonObject().put("text", "answer"))
        .expect(201);
    assertThat(reply.json().getString("status")).isEqualTo("queued");
    long activity = reply.json().getLong("id");

    CallbackServer.Received got = crm.await(r -> r.path().equals("/ok"), 10_000);
    String timestamp = got.headers().get("X-Switchboard-Timestamp");
    String expected = "sha256=" + hmacHex(ep.getString("secret"), timestamp + "." + got.body());
    assertThat(got.headers().get("X-Switchboard-Signature")).isEqualTo(expected);
    assertThat(got.headers().get("X-Switchboard-Delivery")).isEqualTo(String.valueOf(activity));
    JsonObject payload = new JsonObject(got.body());
    assertThat(payload.getString("to")).isEqualTo("cust-signed");
    assertThat(payload.getJsonObject("message").getString("text")).isEqualTo("answer");

    Eventually.that("the reply shows sent", 10_000, () -> "sent".equals(activity(conversation, activity).getString("status")));
    assertThat(activity(conversation, activity).getJsonObject("data").getString("remote_id")).isEqualTo("remote-7");
  }

  @Test
  @DisplayName("a callback that keeps failing is retried with back-off and the reply ends failed, with the reason")
  void failingCallbackEndsFailed() {
    long inbox = hub.inbox("Failing Replies");
    JsonObject ep = hub.apiEndpoint(inbox, crm.url("/down"));
    crm.answer(r -> r.path().equals("/down") ? new Answer(503, "maintenance", "text/plain") : Answer.ok("{}"));
    long conversation = hub.ingestApi(ep, "cust-fail", "question", "f-1").expect(200).json().getLong("conversation_id");
    long activity = hub.admin().post("/api/v1/conversations/" + conversation + "/messages", new JsonObject().put("text", "answer"))
        .expect(201).json().getLong("id");
    Eventually.that("the reply ends failed", 20_000, () -> "failed".equals(activity(conversation, activity).getString("status")));
    JsonObject a = activity(conversation, activity);
    assertThat(crm.received.stream().filter(r -> r.path().equals("/down")).count()).isEqualTo(3);
    assertThat(a.getJsonObject("error").getString("code")).isEqualTo("http_503");
    assertThat(a.getJsonObject("error").getString("message")).contains("503");
  }

  @Test
  @DisplayName("a callback that refuses for good (4xx) fails the reply at once, without retries")
  void permanentRefusal() {
    long inbox = hub.inbox("Refused Replies");
    JsonObject ep = hub.apiEndpoint(inbox, crm.url("/gone"));
    crm.answer(r -> r.path().equals("/gone") ? new Answer(410, "{\"error\":\"unknown customer\"}", "application/json") : Answer.ok("{}"));
    long conversation = hub.ingestApi(ep, "cust-gone", "question", "g-1").expect(200).json().getLong("conversation_id");
    long activity = hub.admin().post("/api/v1/conversations/" + conversation + "/messages", new JsonObject().put("text", "answer"))
        .expect(201).json().getLong("id");
    Eventually.that("the reply ends failed", 10_000, () -> "failed".equals(activity(conversation, activity).getString("status")));
    assertThat(crm.received.stream().filter(r -> r.path().equals("/gone")).count()).isEqualTo(1);
  }

  @Test
  @DisplayName("a conversation's replies leave in the order they were written, even while the first is being retried")
  void repliesKeepTheirOrder() {
    long inbox = hub.inbox("Ordered Replies");
    JsonObject ep = hub.apiEndpoint(inbox, crm.url("/ordered"));
    java.util.concurrent.atomic.AtomicInteger firstTries = new java.util.concurrent.atomic.AtomicInteger();
    crm.answer(r -> {
      if (!r.path().equals("/ordered")) return Answer.ok("{}");
      boolean first = new JsonObject(r.body()).getJsonObject("message").getString("text").equals("one");
      // the first reply fails twice before it goes through
      return first && firstTries.incrementAndGet() <= 2 ? new Answer(503, "busy", "text/plain") : Answer.ok("{}");
    });
    long conversation = hub.ingestApi(ep, "cust-order", "question", "o-1").expect(200).json().getLong("conversation_id");
    for (String text : new String[] {"one", "two", "three"}) {
      hub.admin().post("/api/v1/conversations/" + conversation + "/messages", new JsonObject().put("text", text)).expect(201);
    }
    crm.await(r -> r.path().equals("/ordered") && r.body().contains("\"three\""), 20_000);
    java.util.List<String> order = crm.received.stream().filter(r -> r.path().equals("/ordered"))
        .map(r -> new JsonObject(r.body()).getJsonObject("message").getString("text")).toList();
    assertThat(order).containsExactly("one", "one", "one", "two", "three");
  }

  private static JsonObject activity(long conversation, long id) {
    return hub.admin().get("/api/v1/conversations/" + conversation + "/activities?kind=message").items().stream()
        .map(o -> (JsonObject) o).filter(a -> a.getLong("id") == id).findFirst().orElseThrow();
  }

  private static String hmacHex(String key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
