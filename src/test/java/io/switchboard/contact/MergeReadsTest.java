package io.switchboard.contact;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What was read stays read when a merge folds two conversations into one; what was not stays unread. */
@WithHub
class MergeReadsTest {

  static TestHub hub;

  @Test
  @DisplayName("after a merge that folds two read conversations the inbox's unread count stays 0; an unread one folded in stays unread")
  void foldKeepsReads() {
    ApiClient admin = hub.admin();
    long inbox = hub.inbox("Merge Reads");
    JsonObject ep = hub.apiEndpoint(inbox, null);
    long first = hub.ingestApi(ep, "reads-jan", "hello from Jan", "mr-1").expect(200).json().getLong("conversation_id");
    admin.post("/api/v1/conversations/" + first + "/read", null).expect(200);
    // the duplicate writes later, and is read too: its last message is newer than the read mark of the first
    long second = hub.ingestApi(ep, "reads-jan-2", "Jan again, other device", "mr-2").expect(200).json().getLong("conversation_id");
    admin.post("/api/v1/conversations/" + second + "/read", null).expect(200);
    assertThat(unread(admin, inbox)).isZero();

    long kept = contact(admin, first);
    long gone = contact(admin, second);
    admin.post("/api/v1/contacts/" + kept + "/merge", new JsonObject().put("from_contact_id", gone)).expect(200);
    assertThat(admin.get("/api/v1/conversations/" + second).status()).isEqualTo(404);
    assertThat(unread(admin, inbox)).isZero();

    // one nobody read yet, folded in, is still news
    long third = hub.ingestApi(ep, "reads-jan-3", "and from a third number", "mr-3").expect(200).json().getLong("conversation_id");
    admin.post("/api/v1/contacts/" + kept + "/merge", new JsonObject().put("from_contact_id", contact(admin, third))).expect(200);
    assertThat(unread(admin, inbox)).isEqualTo(1);
  }

  private static long unread(ApiClient admin, long inbox) {
    return admin.get("/api/v1/inboxes/" + inbox).expect(200).json().getLong("unread");
  }

  private static long contact(ApiClient admin, long conversation) {
    return admin.get("/api/v1/conversations/" + conversation).expect(200).json().getLong("contact_id");
  }
}
