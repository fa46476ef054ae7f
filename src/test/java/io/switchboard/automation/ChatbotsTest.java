package io.switchboard.automation;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.CallbackServer;
import io.switchboard.testing.Eventually;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

@WithHub("automation.bot_replies_per_minute=4")
class ChatbotsTest {

  static TestHub hub;
  static CallbackServer crm;
  static final ExecutorService echoes = Executors.newSingleThreadExecutor();

  @BeforeAll
  static void setUp() {
    crm = new CallbackServer();
  }

  @AfterAll
  static void stop() {
    echoes.shutdownNow();
    crm.close();
  }

  static JsonObject rule(JsonObject trigger, JsonObject... actions) {
    return new JsonObject().put("trigger", trigger).put("actions", new JsonArray(List.of((Object[]) actions)));
  }

  static JsonObject keyword(String... words) {
    return new JsonObject().put("type", "keyword").put("keywords", new JsonArray(List.of((Object[]) words)));
  }

  static JsonObject action(String type, String key, Object value) {
    JsonObject a = new JsonObject().put("type", type);
    return key == null ? a : a.put(key, value);
  }

  static long bot(String name, JsonObject... rules) {
    return hub.admin().post("/api/v1/chatbots", new JsonObject().put("name", name).put("rules", new JsonArray(List.of((Object[]) rules))))
        .expect(201).json().getLong("id");
  }

  static List<String> delivered(String path) {
    return crm.received.stream().filter(r -> r.path().equals(path))
        .map(r -> new JsonObject(r.body()).getJsonObject("message").getString("text")).toList();
  }

  static List<JsonObject> activities(long conversation, String kind) {
    return hub.admin().get("/api/v1/conversations/" + conversation + "/activities?kind=" + kind).items().stream()
        .map(o -> (JsonObject) o).toList();
  }

  @Test
  @DisplayName("a keyword bot answers, tags, hands over to a human and then stays quiet; its replies are bot messages")
  void keywordBotHandsOver() {
    long inbox = hub.inbox("Bot Keywords");
    JsonObject ep = hub.apiEndpoint(inbox, crm.url("/kw"));
    ApiClient agent = hub.user("bot-agent@example.com", "agent");
    hub.member(inbox, agent.userId());
    long bot = bot("Pricing bot", rule(keyword("price", "pricing"), action("reply", "text", "Our plans start at 10 EUR a month."),
        action("tag", "tag", "Sales"), action("handover", "text", "A colleague will take it from here.")));
    long conversation = hub.ingestApi(ep, "kw-cust", "hello there", null).expect(200).json().getLong("conversation_id");
    String bots = "/api/v1/conversations/" + conversation + "/chatbots";
    assertThat(agent.put(bots + "/" + bot).expect(201).json().getJsonArray("items")).hasSize(1);
    agent.put(bots + "/" + bot).expect(200);
    JsonObject listed = agent.get(bots).expect(200).items().getJsonObject(0);
    assertThat(listed.getString("name")).isEqualTo("Pricing bot");
    assertThat(listed.getString("source")).isEqualTo("conversation");

    hub.ingestApi(ep, "kw-cust", "no keyword here (priceless)", null).expect(200);
    hub.ingestApi(ep, "kw-cust", "What is the PRICE?", null).expect(200);
    Eventually.that("the bot answers and hands over", 10_000, () -> delivered("/kw").size() == 2);
    assertThat(delivered("/kw")).containsExactly("Our plans start at 10 EUR a month.", "A colleague will take it from here.");
    JsonObject reply = activities(conversation, "message").stream()
        .filter(m -> "Our plans start at 10 EUR a month.".equals(m.getString("text"))).findFirst().orElseThrow();
    assertThat(reply.getJsonObject("sender").getString("type")).isEqualTo("bot");
    assertThat(reply.getJsonObject("sender").getString("name")).isEqualTo("Pricing bot");
    assertThat(reply.getString("direction")).isEqualTo("out");
    List<JsonObject> system = activities(conversation, "system");
    assertThat(system).anyMatch(s -> s.getString("text").equals("Pricing bot added the tag sales")
        && "bot".equals(s.getJsonObject("sender").getString("type")));
    assertThat(system).anyMatch(s -> s.getString("text").equals("Pricing bot handed the conversation over to a human"));
    assertThat(agent.get("/api/v1/conversations/" + conversation).json().getJsonArray("tags").getList()).contains("sales");
    assertThat(agent.get(bots).items()).isEmpty();

    hub.ingestApi(ep, "kw-cust", "and the price for teams?", null).expect(200);
    ScheduledMessagesTest.sleep(2500);
    assertThat(delivered("/kw")).hasSize(2);
  }

  @Test
  @DisplayName("an inbox's default bot asks a question and stores a valid answer in the contact property, asking again on a bad one")
  void questionStoresProperty() {
    ApiClient admin = hub.admin();
    admin.post("/api/v1/properties", new JsonObject().put("scope", "contact").put("key", "order_number").put("label", "Order number")
        .put("type", "number")).expect(201);
    long inbox = hub.inbox("Bot Questions");
    JsonObject ep = hub.apiEndpoint(inbox, crm.url("/ask"));
    long bot = bot("Order bot", rule(new JsonObject().put("type", "first_message"),
        new JsonObject().put("type", "ask").put("text", "What is your order number?").put("property", "order_number"),
        action("reply", "text", "Thanks, we are looking it up."), action("handover", null, null)));
    assertThat(admin.patch("/api/v1/inboxes/" + inbox, new JsonObject().put("settings", new JsonObject().put("default_chatbot_id", 999_999)))
        .errorField()).isEqualTo("settings.default_chatbot_id");
    JsonObject saved = admin.patch("/api/v1/inboxes/" + inbox, new JsonObject().put("settings", new JsonObject().put("default_chatbot_id", bot)))
        .expect(200).json();
    assertThat(saved.getJsonObject("settings").getLong("default_chatbot_id")).isEqualTo(bot);

    JsonObject first = hub.ingestApi(ep, "ask-cust", "Hi, where is my parcel?", null).expect(200).json();
    long conversation = first.getLong("conversation_id");
    Eventually.that("the bot asks", 10_000, () -> delivered("/ask").contains("What is your order number?"));
    JsonObject attending = admin.get("/api/v1/conversations/" + conversation + "/chatbots").items().getJsonObject(0);
    assertThat(attending.getString("source")).isEqualTo("inbox");
    assertThat(attending.getString("awaiting_property")).isEqualTo("order_number");

    hub.ingestApi(ep, "ask-cust", "it is ABC-12", null).expect(200);
    Eventually.that("the bot asks again", 10_000, () -> delivered("/ask").size() == 2);
    assertThat(delivered("/ask").get(1)).startsWith("Sorry, that does not look like a number.");
    assertThat(admin.get("/api/v1/contacts/" + first.getLong("contact_id")).json().getJsonObject("properties")).isEmpty();

    hub.ingestApi(ep, "ask-cust", " 12345 ", null).expect(200);
    Eventually.that("the bot thanks", 10_000, () -> delivered("/ask").contains("Thanks, we are looking it up."));
    assertThat(admin.get("/api/v1/contacts/" + first.getLong("contact_id")).json().getJsonObject("properties").getValue("order_number"))
        .isEqualTo(12345);
    assertThat(activities(conversation, "system")).anyMatch(s -> s.getString("text").equals("Order bot stored order_number: 12345"));
    assertThat(admin.get("/api/v1/conversations/" + conversation + "/chatbots").items()).isEmpty();
  }

  @Test
  @DisplayName("a regex that does not compile or could run away is refused naming the field; admins only; references are checked")
  void badRules() {
    ApiClient admin = hub.admin();
    String path = "/api/v1/chatbots";
    JsonObject reply = action("reply", "text", "hi");
    assertThat(admin.post(path, new JsonObject().put("name", "Broken").put("rules", new JsonArray().add(
        rule(new JsonObject().put("type", "regex").put("pattern", "order (\\d+"), reply)))).errorField())
        .isEqualTo("rules[0].trigger.pattern");
    var runaway = admin.post(path, new JsonObject().put("name", "Runaway").put("rules", new JsonArray().add(rule(keyword("x"), reply))
        .add(rule(new JsonObject().put("type", "regex").put("pattern", "^(\\w+\\s?)*$"), reply))));
    assertThat(runaway.status()).isEqualTo(400);
    assertThat(runaway.errorField()).isEqualTo("rules[1].trigger.pattern");
    assertThat(runaway.json().getJsonObject("error").getString("message")).contains("run away");
    assertThat(admin.post(path, new JsonObject().put("name", "Atomic").put("rules", new JsonArray().add(
        rule(new JsonObject().put("type", "regex").put("pattern", "^(?>\\w+\\s?)*$"), reply)))).status()).isEqualTo(201);
    assertThat(admin.post(path, new JsonObject().put("name", "Ask nothing").put("rules", new JsonArray().add(rule(keyword("x"),
        new JsonObject().put("type", "ask").put("text", "?").put("property", "no_such_property"))))).errorField())
        .isEqualTo("rules[0].actions[0].property");
    assertThat(admin.post(path, new JsonObject().put("name", "Early handover").put("rules", new JsonArray().add(rule(keyword("x"),
        action("handover", null, null), reply)))).errorField()).isEqualTo("rules[0].actions[0]");
    assertThat(admin.post(path, new JsonObject().put("name", "Ghost").put("rules", new JsonArray().add(rule(keyword("x"),
        action("assign", "user_id", 987_654))))).errorField()).isEqualTo("rules[0].actions[0].user_id");
    assertThat(admin.post(path, new JsonObject().put("name", "No trigger").put("rules", new JsonArray().add(
        new JsonObject().put("actions", new JsonArray().add(reply))))).errorField()).isEqualTo("rules[0].trigger");
    assertThat(admin.post(path, new JsonObject().put("name", "Bad type").put("rules", new JsonArray().add(
        rule(new JsonObject().put("type", "sentiment"), reply)))).errorField()).isEqualTo("rules[0].trigger.type");
    ApiClient agent = hub.user("bot-reader@example.com", "agent");
    assertThat(agent.post(path, new JsonObject().put("name", "Mine").put("rules", new JsonArray())).status()).isEqualTo(403);
    assertThat(agent.get(path).expect(200).items()).isNotEmpty();
  }

  @Test
  @DisplayName("a pattern that backtracks badly is cut off (no match) and the bot keeps working")
  void runawayMatchIsBounded() {
    long inbox = hub.inbox("Bot Regex");
    JsonObject ep = hub.apiEndpoint(inbox, crm.url("/regex"));
    long bot = bot("Regex bot", rule(new JsonObject().put("type", "regex").put("pattern", "(a|aa)*c"), action("reply", "text", "matched")));
    long conversation = hub.ingestApi(ep, "regex-cust", "hello", null).expect(200).json().getLong("conversation_id");
    hub.admin().put("/api/v1/conversations/" + conversation + "/chatbots/" + bot).expect(201);
    hub.ingestApi(ep, "regex-cust", "a".repeat(60) + "!", null).expect(200);
    hub.ingestApi(ep, "regex-cust", "ac", null).expect(200);
    Eventually.that("the bot answers the second message", 10_000, () -> delivered("/regex").size() == 1);
    ScheduledMessagesTest.sleep(1500);
    assertThat(delivered("/regex")).containsExactly("matched");
  }

  @Test
  @DisplayName("two bots on one conversation each answer the contact once and never each other or themselves")
  void botsIgnoreBots() {
    long inbox = hub.inbox("Bot Pair");
    JsonObject ep = hub.apiEndpoint(inbox, crm.url("/pair"));
    long one = bot("Bot one", rule(new JsonObject().put("type", "any"), action("reply", "text", "one here: any question?")));
    long two = bot("Bot two", rule(new JsonObject().put("type", "any"), action("reply", "text", "two here: any question?")));
    long conversation = hub.ingestApi(ep, "pair-cust", "hello", null).expect(200).json().getLong("conversation_id");
    hub.admin().put("/api/v1/conversations/" + conversation + "/chatbots/" + one).expect(201);
    hub.admin().put("/api/v1/conversations/" + conversation + "/chatbots/" + two).expect(201);
    assertThat(hub.admin().get("/api/v1/conversations/" + conversation + "/chatbots").items()).hasSize(2);
    hub.ingestApi(ep, "pair-cust", "a question", null).expect(200);
    Eventually.that("both answer", 10_000, () -> delivered("/pair").size() == 2);
    ScheduledMessagesTest.sleep(3000);
    assertThat(delivered("/pair")).containsExactlyInAnyOrder("one here: any question?", "two here: any question?");
    // an agent's reply: a human is on it, the bots step back
    hub.admin().post("/api/v1/conversations/" + conversation + "/messages", new JsonObject().put("text", "I'll help you")).expect(201);
    Eventually.that("the bots step back", 10_000,
        () -> hub.admin().get("/api/v1/conversations/" + conversation + "/chatbots").items().isEmpty());
    hub.ingestApi(ep, "pair-cust", "thanks", null).expect(200);
    ScheduledMessagesTest.sleep(2500);
    assertThat(delivered("/pair")).hasSize(3);
    assertThat(activities(conversation, "system")).anyMatch(s -> s.getString("text").equals("Bot one stepped back: an agent replied"));
  }

  @Test
  @DisplayName("a bot talking to an echoing peer is stopped by the loop guard; it never answers its own messages")
  void loopGuard() {
    long inbox = hub.inbox("Bot Loop");
    JsonObject ep = hub.apiEndpoint(inbox, crm.url("/echo"));
    long bot = bot("Echo bot", rule(new JsonObject().put("type", "any"), action("reply", "text", "Got it, thanks!")));
    long conversation = hub.ingestApi(ep, "echo-cust", "hello", null).expect(200).json().getLong("conversation_id");
    // the integration on the other side echoes every reply back as a new inbound message
    crm.answer(r -> {
      if (r.path().equals("/echo")) {
        String text = new JsonObject(r.body()).getJsonObject("message").getString("text");
        echoes.submit(() -> hub.ingestApi(ep, "echo-cust", "echo: " + text, null));
      }
      return CallbackServer.Answer.ok("{}");
    });
    hub.admin().put("/api/v1/conversations/" + conversation + "/chatbots/" + bot).expect(201);
    hub.ingestApi(ep, "echo-cust", "start", null).expect(200);
    Eventually.that("the loop guard stops the bot", 20_000, () -> activities(conversation, "system").stream()
        .anyMatch(s -> s.getString("text").contains("loop guard")));
    ScheduledMessagesTest.sleep(3000);
    long botMessages = activities(conversation, "message").stream().filter(m -> "bot".equals(m.getJsonObject("sender").getString("type"))).count();
    assertThat(botMessages).isEqualTo(4);
    assertThat(delivered("/echo")).hasSize(4);
    assertThat(hub.admin().get("/api/v1/conversations/" + conversation + "/chatbots").items()).isEmpty();
    crm.answer(r -> CallbackServer.Answer.ok("{}"));
  }
}
