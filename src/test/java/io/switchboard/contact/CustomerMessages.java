package io.switchboard.contact;

import io.switchboard.ingest.InboundMessage;
import io.switchboard.ingest.IngestResult;
import io.switchboard.testing.TestHub;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.TimeUnit;

/**
 * Customers writing in on e-mail and phone endpoints. The channel adapters are built elsewhere, so messages go
 * through the hub's one write path ({@code Ingest}) exactly as those adapters hand them over.
 */
final class CustomerMessages {

  private CustomerMessages() {
  }

  /** An e-mail endpoint on the inbox; returns its normalised address. */
  static String emailEndpoint(TestHub hub, long inbox, String address) {
    return hub.admin().post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "email").put("address", address))
        .expect(201).json().getString("address");
  }

  /** A phone (SMS) endpoint on the inbox; returns its E.164 number. */
  static String phoneEndpoint(TestHub hub, long inbox, String number) {
    return hub.admin().post("/api/v1/inboxes/" + inbox + "/endpoints", new JsonObject().put("channel", "phone").put("address", number)
            .put("settings", new JsonObject().put("account_sid", "AC-test").put("auth_token", "token")))
        .expect(201).json().getString("address");
  }

  static IngestResult sms(TestHub hub, String endpoint, String from, String name, String text) {
    return ingest(hub, InboundMessage.builder("phone", endpoint, from).senderName(name).text(text).build());
  }

  static IngestResult email(TestHub hub, String endpoint, String from, String name, String subject, String text) {
    return ingest(hub, InboundMessage.builder("email", endpoint, from).senderName(name).subject(subject).text(text).build());
  }

  /** An e-mail with one file attached. */
  static IngestResult emailWithFile(TestHub hub, String endpoint, String from, String name, String filename, String content) {
    return ingest(hub, InboundMessage.builder("email", endpoint, from).senderName(name).subject("Files").text("see attached")
        .attachment(new InboundMessage.Attachment(filename, "application/pdf", Buffer.buffer(content), null, false, null, null))
        .build());
  }

  static IngestResult ingest(TestHub hub, InboundMessage m) {
    try {
      return hub.switchboard.ingest().ingest(m).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("ingest failed", e);
    }
  }
}
