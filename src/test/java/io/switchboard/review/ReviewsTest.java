package io.switchboard.review;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.ApiContract;
import io.switchboard.testing.Eventually;
import io.switchboard.testing.LiveClient;
import io.switchboard.testing.TestDatabase;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Customer reviews against a real hub: resolving an SMS conversation of a sandbox number sends the inbox's rating
 * message with a link to the public page; the page takes one rating (then says so kindly), expired and unknown links
 * get friendly pages; a rating is an entry in the conversation, a live {@code review.created} for the inbox's members
 * only, an item of {@code /reviews}; a low rating reopens the conversation.
 */
@WithHub({"http.public_url=https://hub.example.com", "http.cookie_secure=false", "outbox.backoff_ms=100"})
class ReviewsTest {

  static TestHub hub;
  static long inbox;
  static long otherInbox;
  static long number;
  static ApiClient lead;
  static ApiClient outsider;
  static ApiClient agent;
  static final Pattern LINK = Pattern.compile("https://hub\\.example\\.com/r/([A-Za-z0-9_-]+)");
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void setUp() {
    inbox = hub.inbox("Reviewed");
    otherInbox = hub.inbox("Elsewhere");
    lead = hub.user("review-lead@example.com", "supervisor");
    hub.member(inbox, lead.userId());
    outsider = hub.user("review-outsider@example.com", "supervisor");
    hub.member(otherInbox, outsider.userId());
    agent = hub.user("review-agent@example.com", "agent");
    hub.member(inbox, agent.userId());
    number = hub.admin().post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "phone").put("sandbox", true))
        .expect(201).json().getLong("id");
    JsonObject saved = hub.admin().patch("/api/v1/inboxes/" + inbox, new JsonObject().put("settings", new JsonObject().put("reviews",
        new JsonObject().put("enabled", true).put("channels", new JsonArray().add("phone")).put("message", "How did we do?")
            .put("low_rating_action", "reopen")))).expect(200).json();
    assertThat(saved.getJsonObject("settings").getJsonObject("reviews").getInteger("low_rating_threshold")).isEqualTo(2);
  }

  ApiContract.Recording recording;

  @BeforeEach
  void record() {
    recording = ApiContract.record();
  }

  /** Every answer of the API in these tests (inboxes with their review settings, /reviews) is as documented. */
  @AfterEach
  void asDocumented() {
    recording.close();
    assertThat(recording.answers()).as("answers checked").isGreaterThan(3);
    assertThat(recording.violations()).as("answers that differ from the OpenAPI document").isEmpty();
  }

  /** A customer's SMS on the sandbox number; returns the conversation. */
  static long customerWrites(String from) {
    return lead.post("/api/v1/endpoints/" + number + "/simulate", new JsonObject().put("from", from).put("name", "Ada " + from)
        .put("text", "Where is my parcel?")).expect(201).json().getLong("conversation_id");
  }

  static void resolve(long conversation) {
    lead.patch("/api/v1/conversations/" + conversation, new JsonObject().put("status", "resolved")).expect(200);
  }

  static List<JsonObject> activities(long conversation) {
    return lead.get("/api/v1/conversations/" + conversation + "/activities?limit=200").expect(200).items().stream()
        .map(o -> (JsonObject) o).toList();
  }

  static List<JsonObject> requests(long conversation) {
    return activities(conversation).stream().filter(a -> "message".equals(a.getString("kind")) && "out".equals(a.getString("direction"))
        && a.getJsonObject("data").getValue("review_id") != null).toList();
  }

  /** Resolves and waits for the rating message; returns its link's token. */
  static String resolveAndGetToken(long conversation) {
    resolve(conversation);
    JsonObject msg = Eventually.value("the rating request is sent", 20_000, () -> requests(conversation), l -> l.size() == 1).get(0);
    assertThat(msg.getString("text")).startsWith("How did we do?");
    Matcher m = LINK.matcher(msg.getString("text"));
    assertThat(m.find()).as("a link to the rating page in " + msg.getString("text")).isTrue();
    return m.group(1);
  }

  static HttpResponse<String> page(String token) {
    return send(HttpRequest.newBuilder(URI.create(hub.base() + "/r/" + token)).GET().build());
  }

  static HttpResponse<String> rate(String token, String rating, String comment, String origin) {
    String form = "rating=" + URLEncoder.encode(rating, StandardCharsets.UTF_8)
        + (comment == null ? "" : "&comment=" + URLEncoder.encode(comment, StandardCharsets.UTF_8));
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hub.base() + "/r/" + token))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
    if (origin != null) b.header("Origin", origin);
    return send(b.build());
  }

  static HttpResponse<String> send(HttpRequest r) {
    try {
      return http.send(r, HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @DisplayName("resolving an SMS conversation sends the rating link; the page takes one rating, shown live to members only, in /reviews and as an entry")
  void smsRatingLinkWorksOnce() {
    long conversation = customerWrites("+14155550161");
    try (LiveClient member = LiveClient.agent(hub, lead); LiveClient other = LiveClient.agent(hub, outsider)) {
      member.awaitType("hello");
      other.awaitType("hello");
      String token = resolveAndGetToken(conversation);

      HttpResponse<String> form = page(token);
      assertThat(form.statusCode()).isEqualTo(200);
      assertThat(form.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
      assertThat(form.headers().firstValue("Content-Security-Policy").orElse("")).contains("script-src 'self'");
      assertThat(form.headers().firstValue("Cache-Control").orElse("")).isEqualTo("no-store");
      assertThat(form.body()).contains("How did we do?", "name=\"rating\"", "value=\"5\"", "name=\"comment\"", "Reviewed")
          .contains("name=\"viewport\"").doesNotContain("<script", "style=");

      // a post from another site is refused, and takes nothing
      HttpResponse<String> forged = rate(token, "1", "forged", "https://evil.example");
      assertThat(forged.statusCode()).isEqualTo(403);
      // no rating: the form again, saying what is missing
      HttpResponse<String> empty = rate(token, "", "no stars", hub.base());
      assertThat(empty.statusCode()).isEqualTo(400);
      assertThat(empty.body()).contains("Please choose a rating from 1 to 5", "no stars");

      HttpResponse<String> done = rate(token, "4", "Quick & kind <3", hub.base());
      assertThat(done.statusCode()).isEqualTo(200);
      assertThat(done.body()).contains("Thank you", "4 out of 5");

      JsonObject live = member.await(f -> "review.created".equals(f.getString("type")), Duration.ofSeconds(10));
      JsonObject review = live.getJsonObject("data").getJsonObject("review");
      assertThat(review.getInteger("rating")).isEqualTo(4);
      assertThat(review.getString("comment")).isEqualTo("Quick & kind <3");
      assertThat(review.getLong("conversation_id")).isEqualTo(conversation);
      assertThat(live.getLong("inbox")).isEqualTo(inbox);
      // the member's socket got it; the non-member's got nothing in the same time
      assertThat(other.collect(f -> "review.created".equals(f.getString("type")), Duration.ofSeconds(1))).isEmpty();

      // once only: the second visit and a second post are thanked, and change nothing
      HttpResponse<String> again = page(token);
      assertThat(again.statusCode()).isEqualTo(200);
      assertThat(again.body()).contains("Thanks, we already have your rating").doesNotContain("<form");
      assertThat(rate(token, "1", "changed my mind", hub.base()).body()).contains("Thanks, we already have your rating");

      JsonArray items = lead.get("/api/v1/reviews?inbox_id=" + inbox).expect(200).items();
      JsonObject item = items.stream().map(o -> (JsonObject) o).filter(i -> i.getLong("conversation_id") == conversation).findFirst().orElseThrow();
      assertThat(item.getInteger("rating")).isEqualTo(4);
      assertThat(item.getString("comment")).isEqualTo("Quick & kind <3");
      assertThat(item.getString("channel")).isEqualTo("phone");
      assertThat(item.getJsonObject("agent")).isNull();
      assertThat(item.getString("answered_at")).isNotNull();
      assertThat(lead.get("/api/v1/reviews?rating=4").expect(200).items().stream().map(o -> ((JsonObject) o).getLong("id")))
          .contains(item.getLong("id"));
      assertThat(lead.get("/api/v1/reviews?rating=5&inbox_id=" + inbox).expect(200).items().stream().map(o -> ((JsonObject) o).getLong("id")))
          .doesNotContain(item.getLong("id"));

      JsonObject entry = activities(conversation).stream().filter(a -> a.getLong("id").equals(item.getLong("activity_id"))).findFirst().orElseThrow();
      assertThat(entry.getString("kind")).isEqualTo("system");
      assertThat(entry.getJsonObject("data").getString("change")).isEqualTo("review");
      assertThat(entry.getJsonObject("data").getInteger("rating")).isEqualTo(4);
      assertThat(entry.getJsonObject("data").getString("comment")).isEqualTo("Quick & kind <3");
      // a good rating leaves the conversation resolved, and the request went once
      assertThat(lead.get("/api/v1/conversations/" + conversation).expect(200).json().getString("status")).isEqualTo("resolved");
      assertThat(requests(conversation)).hasSize(1);

      // not a member of the inbox: 404 when naming it, and nothing from it otherwise
      assertThat(outsider.get("/api/v1/reviews?inbox_id=" + inbox).expect(404).errorCode()).isEqualTo("not_found");
      assertThat(outsider.get("/api/v1/reviews").expect(200).items()).isEmpty();
    }
  }

  @Test
  @DisplayName("a rating at or below the threshold reopens the conversation (low_rating_action reopen)")
  void lowRatingReopens() {
    long conversation = customerWrites("+14155550162");
    String token = resolveAndGetToken(conversation);
    assertThat(rate(token, "1", "Nobody helped", hub.base()).statusCode()).isEqualTo(200);
    assertThat(lead.get("/api/v1/conversations/" + conversation).expect(200).json().getString("status")).isEqualTo("open");
    assertThat(activities(conversation).stream().map(a -> a.getString("text"))).contains("Reopened after a low rating (1/5)");
  }

  @Test
  @DisplayName("low_rating_action assign: a low rating reopens the conversation assigned back to the agent it is about, who is the review's agent")
  void lowRatingAssignsBack() {
    long teamInbox = hub.inbox("Reviewed team");
    hub.member(teamInbox, lead.userId());
    hub.member(teamInbox, agent.userId());
    long line = hub.admin().post("/api/v1/inboxes/" + teamInbox + "/endpoints", new JsonObject().put("channel", "phone").put("sandbox", true))
        .expect(201).json().getLong("id");
    hub.admin().patch("/api/v1/inboxes/" + teamInbox, reviews(new JsonObject().put("enabled", true).put("message", "Rate us")
        .put("low_rating_action", "assign").put("low_rating_threshold", 3))).expect(200);
    long conversation = lead.post("/api/v1/endpoints/" + line + "/simulate", new JsonObject().put("from", "+14155550171")
        .put("text", "My order is late")).expect(201).json().getLong("conversation_id");
    lead.patch("/api/v1/conversations/" + conversation, new JsonObject().put("assignee_id", agent.userId())).expect(200);
    resolve(conversation);
    JsonObject msg = Eventually.value("the rating request is sent", 20_000, () -> requests(conversation), l -> l.size() == 1).get(0);
    Matcher m = LINK.matcher(msg.getString("text"));
    assertThat(m.find()).isTrue();
    // meanwhile someone else took it
    lead.patch("/api/v1/conversations/" + conversation, new JsonObject().put("assignee_id", lead.userId())).expect(200);
    assertThat(rate(m.group(1), "3", null, hub.base()).statusCode()).isEqualTo(200);
    JsonObject now = lead.get("/api/v1/conversations/" + conversation).expect(200).json();
    assertThat(now.getString("status")).isEqualTo("open");
    assertThat(now.getLong("assignee_id")).isEqualTo(agent.userId());
    assertThat(activities(conversation).stream().map(a -> a.getString("text")))
        .contains("Assigned back to the rated agent after a low rating (3/5)");
    JsonObject item = lead.get("/api/v1/reviews?inbox_id=" + teamInbox).expect(200).items().getJsonObject(0);
    assertThat(item.getJsonObject("agent").getLong("id")).isEqualTo(agent.userId());
    assertThat(item.getInteger("rating")).isEqualTo(3);
    assertThat(item.getString("comment")).isNull();
  }

  @Test
  @DisplayName("widget protocol: a resolved chat gets review_request, hello carries the waiting request, rate answers once, others' and bad ratings are refused")
  void widgetProtocol() {
    long chatInbox = hub.inbox("Reviewed chat");
    hub.member(chatInbox, lead.userId());
    JsonObject w = hub.admin().post("/api/v1/inboxes/" + chatInbox + "/endpoints", new JsonObject().put("channel", "widget")
        .put("name", "Chat")).expect(201).json();
    hub.admin().patch("/api/v1/inboxes/" + chatInbox, reviews(new JsonObject().put("enabled", true).put("message", "Stars, please"))).expect(200);
    String url = hub.wsUrl("/widget/ws?key=" + w.getString("key"));
    String token;
    long review;
    try (LiveClient visitor = LiveClient.connect(url, java.util.Map.of(), true)) {
      visitor.send(new JsonObject().put("op", "hello"));
      JsonObject hello = visitor.awaitType("hello");
      assertThat(hello.getValue("review")).isNull();
      token = hello.getString("token");
      visitor.send(new JsonObject().put("op", "message").put("id", "m1").put("text", "Hi there"));
      long conversation = visitor.awaitType("ack").getLong("conversation");
      resolve(conversation);
      JsonObject asked = visitor.await(f -> "review_request".equals(f.getString("type")), Duration.ofSeconds(20));
      review = asked.getJsonObject("review").getLong("id");
      assertThat(asked.getJsonObject("review").getString("message")).isEqualTo("Stars, please");
      assertThat(asked.getLong("conversation")).isEqualTo(conversation);

      visitor.send(new JsonObject().put("op", "rate").put("review", review).put("rating", 7));
      assertThat(visitor.awaitType("error").getString("code")).isEqualTo("validation");
      visitor.send(new JsonObject().put("op", "rate").put("review", review).put("rating", 5).put("comment", 12));
      assertThat(visitor.awaitType("error").getString("code")).isEqualTo("validation");
    }
    // another visitor cannot answer it
    try (LiveClient stranger = LiveClient.connect(url, java.util.Map.of(), true)) {
      stranger.send(new JsonObject().put("op", "hello"));
      stranger.awaitType("hello");
      stranger.send(new JsonObject().put("op", "message").put("id", "s1").put("text", "Me too"));
      stranger.awaitType("ack");
      stranger.send(new JsonObject().put("op", "rate").put("review", review).put("rating", 1));
      assertThat(stranger.awaitType("error").getString("code")).isEqualTo("not_found");
    }
    // coming back, the visitor is still asked; rating takes once
    try (LiveClient back = LiveClient.connect(url, java.util.Map.of(), true)) {
      back.send(new JsonObject().put("op", "hello").put("token", token));
      JsonObject hello = back.awaitType("hello");
      assertThat(hello.getJsonObject("review").getLong("id")).isEqualTo(review);
      back.send(new JsonObject().put("op", "rate").put("review", review).put("rating", 5).put("comment", "Lovely"));
      JsonObject rated = back.awaitType("rated");
      assertThat(rated.getLong("review")).isEqualTo(review);
      assertThat(rated.getInteger("rating")).isEqualTo(5);
      back.send(new JsonObject().put("op", "rate").put("review", review).put("rating", 1));
      assertThat(back.awaitType("rated").getBoolean("already")).isTrue();
    }
    try (LiveClient again = LiveClient.connect(url, java.util.Map.of(), true)) {
      again.send(new JsonObject().put("op", "hello").put("token", token));
      assertThat(again.awaitType("hello").getValue("review")).isNull();
    }
    JsonObject item = lead.get("/api/v1/reviews?inbox_id=" + chatInbox).expect(200).items().getJsonObject(0);
    assertThat(item.getInteger("rating")).isEqualTo(5);
    assertThat(item.getString("comment")).isEqualTo("Lovely");
    assertThat(item.getString("channel")).isEqualTo("widget");
  }

  @Test
  @DisplayName("a request waiting for its answer is not sent again when the conversation is resolved again")
  void askedOncePerOpenRequest() {
    long conversation = customerWrites("+14155550163");
    resolveAndGetToken(conversation);
    lead.patch("/api/v1/conversations/" + conversation, new JsonObject().put("status", "open")).expect(200);
    resolve(conversation);
    // the worker acts on events in order: once a later resolution's request is out, this one's was handled
    long later = customerWrites("+14155550164");
    resolveAndGetToken(later);
    assertThat(requests(conversation)).hasSize(1);
  }

  @Test
  @DisplayName("an expired link and an unknown one get friendly pages, never an error page")
  void expiredAndUnknownLinks() throws Exception {
    long conversation = customerWrites("+14155550165");
    String token = resolveAndGetToken(conversation);
    try (Connection c = TestDatabase.connect(hub.dbUrl);
         var st = c.prepareStatement("UPDATE review SET expires_at = now() - interval '1 minute' WHERE conversation_id = ?")) {
      st.setLong(1, conversation);
      assertThat(st.executeUpdate()).isEqualTo(1);
    }
    HttpResponse<String> expired = page(token);
    assertThat(expired.statusCode()).isEqualTo(410);
    assertThat(expired.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(expired.body()).contains("This link has expired");
    assertThat(rate(token, "5", null, hub.base()).body()).contains("This link has expired");
    assertThat(lead.get("/api/v1/reviews?inbox_id=" + inbox).expect(200).items().stream()
        .map(o -> ((JsonObject) o).getLong("conversation_id"))).doesNotContain(conversation);

    HttpResponse<String> unknown = page("nOsUcHtOkEn123456789");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(unknown.body()).contains("We could not find this link");
    // only the hash of a token is kept
    try (Connection c = TestDatabase.connect(hub.dbUrl);
         var st = c.prepareStatement("SELECT count(*) FROM review WHERE encode(token_hash, 'escape') LIKE ? OR encode(token_hash, 'hex') = ?")) {
      st.setString(1, "%" + token + "%");
      st.setString(2, token);
      var rs = st.executeQuery();
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
  }

  @Test
  @DisplayName("settings.reviews and /reviews validate with 400s naming the field; /reviews needs reviews.manage")
  void validationAndAccess() {
    String path = "/api/v1/inboxes/" + inbox;
    assertThat(hub.admin().patch(path, reviews(new JsonObject().put("enabled", true).put("low_rating_threshold", 9))).expect(400).errorField())
        .isEqualTo("settings.reviews.low_rating_threshold");
    assertThat(hub.admin().patch(path, reviews(new JsonObject().put("enabled", true).put("channels", new JsonArray().add("fax")))).expect(400).errorField())
        .isEqualTo("settings.reviews.channels");
    assertThat(hub.admin().patch(path, reviews(new JsonObject().put("enabled", true).put("low_rating_action", "shout"))).expect(400).errorField())
        .isEqualTo("settings.reviews.low_rating_action");
    assertThat(hub.admin().patch(path, reviews(new JsonObject().put("channels", new JsonArray()))).expect(400).errorField())
        .isEqualTo("settings.reviews.enabled");
    assertThat(hub.admin().patch(path, reviews(new JsonObject().put("enabled", true).put("ask_after", "opened"))).expect(400).errorField())
        .isEqualTo("settings.reviews.ask_after");
    assertThat(hub.admin().patch(path, reviews(new JsonObject().put("enabled", true).put("message", " "))).expect(400).errorField())
        .isEqualTo("settings.reviews.message");
    assertThat(hub.admin().patch(path, reviews(new JsonObject().put("enabled", true).put("colour", "red"))).expect(400).errorField())
        .isEqualTo("settings.reviews.colour");
    // the inbox's settings were left as they were
    assertThat(hub.admin().get(path).expect(200).json().getJsonObject("settings").getJsonObject("reviews").getString("message"))
        .isEqualTo("How did we do?");

    assertThat(lead.get("/api/v1/reviews?rating=6").expect(400).errorField()).isEqualTo("rating");
    assertThat(lead.get("/api/v1/reviews?rating=zero").expect(400).errorField()).isEqualTo("rating");
    assertThat(lead.get("/api/v1/reviews?from=yesterday").expect(400).errorField()).isEqualTo("from");
    assertThat(lead.get("/api/v1/reviews?to=2026-13-01").expect(400).errorField()).isEqualTo("to");
    assertThat(lead.get("/api/v1/reviews?from=2024-01-01&to=2025-06-01").expect(400).errorField()).isEqualTo("from");
    assertThat(lead.get("/api/v1/reviews?inbox_id=abc").expect(400).errorField()).isEqualTo("inbox_id");
    assertThat(lead.get("/api/v1/reviews?from=2026-01-01&to=2026-02-01").expect(200).items()).isNotNull();
    assertThat(lead.get("/api/v1/reviews?inbox_id=999999").expect(404).errorCode()).isEqualTo("not_found");
    assertThat(agent.get("/api/v1/reviews").expect(403).errorCode()).isEqualTo("forbidden");
  }

  static JsonObject reviews(JsonObject r) {
    return new JsonObject().put("settings", new JsonObject().put("reviews", r));
  }
}
