package io.switchboard.conversation;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@WithHub
class TagsTest {

  static TestHub hub;

  static long count(JsonArray tags, String name) {
    return tags.stream().map(o -> (JsonObject) o).filter(t -> t.getString("name").equals(name)).findFirst()
        .map(t -> t.getLong("conversations")).orElse(-1L);
  }

  @Test
  @DisplayName("tags: add and remove on a conversation, list the workspace's tags with counts of what one sees, filter by tag in any case")
  void tags() {
    ApiClient admin = hub.admin();
    long team = hub.inbox("Tag Team");
    long other = hub.inbox("Tag Other");
    JsonObject ep = hub.apiEndpoint(team, null);
    JsonObject otherEp = hub.apiEndpoint(other, null);
    long a = hub.ingestApi(ep, "tag-a", "hi", null).json().getLong("conversation_id");
    long b = hub.ingestApi(ep, "tag-b", "hi", null).json().getLong("conversation_id");
    long c = hub.ingestApi(otherEp, "tag-c", "hi", null).json().getLong("conversation_id");

    assertThat(admin.put("/api/v1/conversations/" + a + "/tags/VIP").expect(200).json().getJsonArray("tags").getList())
        .containsExactly("vip");
    admin.put("/api/v1/conversations/" + a + "/tags/vip").expect(200);     // idempotent
    admin.put("/api/v1/conversations/" + b + "/tags/vip").expect(200);
    admin.put("/api/v1/conversations/" + b + "/tags/billing").expect(200);
    admin.put("/api/v1/conversations/" + c + "/tags/vip").expect(200);
    assertThat(admin.put("/api/v1/conversations/" + a + "/tags/" + "x".repeat(60)).errorField()).isEqualTo("tag");

    JsonArray tags = admin.get("/api/v1/tags").expect(200).items();
    assertThat(count(tags, "vip")).isEqualTo(3);
    assertThat(count(tags, "billing")).isEqualTo(1);
    assertThat(admin.get("/api/v1/conversations?tag=VIP").items().stream().map(o -> ((JsonObject) o).getLong("id")).toList())
        .containsExactlyInAnyOrder(a, b, c);
    assertThat(admin.get("/api/v1/conversations?tag=billing").items().stream().map(o -> ((JsonObject) o).getLong("id")).toList())
        .containsExactly(b);

    // an agent of one inbox counts and finds only that inbox's conversations
    ApiClient agent = hub.user("tagger@example.com", "agent");
    hub.member(team, agent.userId());
    assertThat(count(agent.get("/api/v1/tags").items(), "vip")).isEqualTo(2);
    assertThat(agent.get("/api/v1/conversations?tag=vip").items()).hasSize(2);
    assertThat(agent.put("/api/v1/conversations/" + c + "/tags/mine").status()).isEqualTo(404);

    admin.delete("/api/v1/conversations/" + a + "/tags/Vip").expect(200);
    assertThat(admin.get("/api/v1/conversations/" + a).json().getJsonArray("tags")).isEmpty();
    assertThat(count(admin.get("/api/v1/tags").items(), "vip")).isEqualTo(2);
    List<String> history = admin.get("/api/v1/conversations/" + a + "/activities?kind=system").items().stream()
        .map(o -> ((JsonObject) o).getString("text")).toList();
    assertThat(history).anyMatch(t -> t.contains("removed the tag vip")).anyMatch(t -> t.contains("added the tag vip"));
  }
}
