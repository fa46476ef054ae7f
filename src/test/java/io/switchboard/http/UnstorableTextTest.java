package io.switchboard.http;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.ApiClient.Response;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL cannot store U+0000 in text or jsonb, and an unpaired UTF-16 surrogate has no UTF-8 form at all. REST
 * input carrying either is the client's mistake: a 400 naming the field or query parameter, and nothing stored.
 */
@WithHub
class UnstorableTextTest {

  static TestHub hub;
  static ApiClient admin;
  static long conversation;
  static long contact;
  static long widget;

  @BeforeAll
  static void setUp() {
    admin = hub.admin();
    long inbox = hub.inbox("Unstorable");
    JsonObject ep = hub.apiEndpoint(inbox, null);
    JsonObject in = hub.ingestApi(ep, "nul-customer", "hello", "n-1").expect(200).json();
    conversation = in.getLong("conversation_id");
    contact = in.getLong("contact_id");
    admin.patch("/api/v1/contacts/" + contact, new JsonObject().put("name", "Nora Null")).expect(200);
    admin.post("/api/v1/properties", new JsonObject().put("scope", "contact").put("key", "city").put("label", "City")
        .put("type", "text")).expect(201);
    widget = admin.post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "widget"))
        .expect(201).json().getLong("id");
  }

  static void refused(Response r, String field) {
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("validation");
    assertThat(r.errorField()).as(r.toString()).isEqualTo(field);
  }

  @Test
  @DisplayName("a NUL anywhere in a JSON body is a 400 naming the field, nested fields and keys included, and nothing is stored")
  void nulInBodies() {
    refused(admin.post("/api/v1/conversations/" + conversation + "/notes", new JsonObject().put("text", "call\u0000back")), "text");
    refused(admin.patch("/api/v1/contacts/" + contact, new JsonObject().put("name", "No\u0000ra")), "name");
    refused(admin.patch("/api/v1/contacts/" + contact, new JsonObject().put("company", "ok")
        .put("properties", new JsonObject().put("city", "Ut\u0000recht"))), "properties.city");
    refused(admin.patch("/api/v1/contacts/" + contact, new JsonObject().put("properties", new JsonObject().put("ci\u0000ty", "x"))),
        "properties");
    refused(admin.patch("/api/v1/contacts/" + contact, new JsonObject().put("identities", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("channel", "email").put("address", "nora\u0000@example.com")))), "identities[0].address");
    refused(admin.patch("/api/v1/endpoints/" + widget, new JsonObject().put("settings", new JsonObject()
        .put("allowed_origins", new io.vertx.core.json.JsonArray().add("https://shop.example").add("https://\u0000.example")))),
        "settings.allowed_origins[1]");
    refused(new ApiClient(hub.base()).post("/api/v1/auth/login", new JsonObject().put("email", "admin@local\u0000host")
        .put("password", TestHub.ADMIN_PASSWORD)), "email");

    assertThat(admin.get("/api/v1/conversations/" + conversation + "/activities?kind=note").expect(200).items().encode())
        .doesNotContain("call");
    JsonObject c = admin.get("/api/v1/contacts/" + contact).expect(200).json();
    assertThat(c.getString("name")).isEqualTo("Nora Null");
    assertThat(c.getString("company")).isNull();
    assertThat(c.getJsonObject("properties").getMap()).isEmpty();
    assertThat(c.getJsonArray("identities").encode()).doesNotContain("nora");
    assertThat(admin.get("/api/v1/endpoints/" + widget).expect(200).json().encode()).doesNotContain("shop.example");
  }

  @Test
  @DisplayName("a NUL in a query parameter is a 400 naming the parameter, on every search")
  void nulInQueries() {
    for (String path : List.of("/api/v1/contacts", "/api/v1/conversations", "/api/v1/inboxes", "/api/v1/profiles", "/api/v1/users")) {
      refused(admin.get(path + "?q=no%00ra"), "q");
    }
    refused(admin.get("/api/v1/contacts?limit=10&q=Nora%00Null"), "q");
    refused(admin.get("/api/v1/conversations?status=open&tag=v%00ip"), "tag");
  }

  @Test
  @DisplayName("an unpaired surrogate, which has no UTF-8 form and would be stored as '?', is refused the same way")
  void unpairedSurrogates() {
    // what JSON.stringify sends for a lone surrogate: the escape, in plain ASCII
    refused(admin.send("POST", "/api/v1/conversations/" + conversation + "/notes", "{\"text\":\"half \\ud83d of a smile\"}",
        "application/json"), "text");
    refused(admin.send("PATCH", "/api/v1/contacts/" + contact, "{\"properties\":{\"city\":\"\\udc00\"}}", "application/json"),
        "properties.city");
    // a whole pair is a character like any other
    admin.send("POST", "/api/v1/conversations/" + conversation + "/notes", "{\"text\":\"a whole \\ud83d\\ude00\"}", "application/json")
        .expect(201);
    assertThat(admin.get("/api/v1/conversations/" + conversation + "/activities?kind=note").expect(200).items().stream()
        .map(o -> ((JsonObject) o).getString("text")).toList()).contains("a whole \uD83D\uDE00").noneMatch(t -> t.contains("smile"));
    assertThat(admin.get("/api/v1/contacts/" + contact).expect(200).json().getJsonObject("properties").getMap()).isEmpty();
  }
}
