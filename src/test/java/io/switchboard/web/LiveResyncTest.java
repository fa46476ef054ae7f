package io.switchboard.web;

import io.switchboard.testing.Browser;
import io.switchboard.testing.TcpProxy;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A gap too large to replay: the hub answers "resync" and the app reloads what it shows over REST. */
@WithHub("live.resume_limit=2")
class LiveResyncTest {

  static TestHub hub;

  @Test
  @DisplayName("after missing more than the hub replays, the open conversation and the list reload, each message once")
  void resyncReloads() {
    long inbox = hub.inbox("Resync Desk");
    JsonObject ep = hub.apiEndpoint(inbox, null);
    long conversation = hub.ingestApi(ep, "resync-1", "first", "rs-0").expect(200).json().getLong("conversation_id");
    try (TcpProxy proxy = new TcpProxy("127.0.0.1", hub.switchboard.httpPort()); Browser b = Browser.start(proxy.url())) {
      AgentApp.signIn(b, TestHub.ADMIN_EMAIL, TestHub.ADMIN_PASSWORD);
      AgentApp.awaitLive(b);
      AgentApp.openConversation(b, conversation);
      b.awaitText(".history", "first");
      b.js("window.__sameDocument = 'yes'");

      proxy.cut();
      b.await(".conn-banner[data-state=offline]");
      List<Long> missed = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        missed.add(hub.ingestApi(ep, "resync-1", "missed " + i, "rs-" + i).expect(200).json().getLong("activity_id"));
      }
      long other = hub.ingestApi(ep, "resync-2", "someone else", "rs-other").expect(200).json().getLong("conversation_id");
      proxy.restore();

      b.until("the connection is back", Duration.ofSeconds(45), () -> b.present(".live-dot[data-state=live]"));
      b.awaitText(".toast", "the screen was reloaded");
      for (long id : missed) b.await(AgentApp.activity(id));
      b.await(AgentApp.row(other));
      assertThat(b.js("return window.__sameDocument")).isEqualTo("yes");
      List<String> ids = AgentApp.activityIds(b);
      assertThat(new HashSet<>(ids)).hasSize(ids.size());
      for (long id : missed) assertThat(b.all(AgentApp.activity(id))).hasSize(1);
      assertThat(b.all(AgentApp.row(conversation))).hasSize(1);

      // and live goes on from the resync point
      long after = hub.ingestApi(ep, "resync-1", "after the resync", "rs-after").expect(200).json().getLong("activity_id");
      b.await(AgentApp.activity(after));
      assertThat(b.all(AgentApp.activity(after))).hasSize(1);
      assertThat(b.pageErrors()).isEmpty();
    }
  }
}
