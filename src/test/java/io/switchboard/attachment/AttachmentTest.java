package io.switchboard.attachment;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.ApiClient.Response;
import io.switchboard.testing.CallbackServer;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

@WithHub("attachments.max_bytes=100000")
class AttachmentTest {

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
  @DisplayName("an uploaded file attached to a reply is stored once on disk, sent along, and served only to members of the inbox")
  void attachToReply() throws Exception {
    long inbox = hub.inbox("Files");
    JsonObject ep = hub.apiEndpoint(inbox, crm.url("/files"));
    ApiClient member = hub.user("files-member@example.com", "agent");
    ApiClient outsider = hub.user("files-outsider@example.com", "agent");
    hub.member(inbox, member.userId());
    long conversation = hub.ingestApi(ep, "cust-files", "send me the invoice", "f-1").expect(200).json().getLong("conversation_id");

    String pdf = "%PDF-1.4 invoice 42";
    Response up = member.postRaw("/api/v1/attachments?filename=invoice%2042.pdf", pdf, "application/pdf").expect(201);
    long file = up.json().getLong("id");
    assertThat(up.json().getLong("size")).isEqualTo(pdf.length());
    // before it is sent only its uploader sees it
    assertThat(outsider.get("/api/v1/attachments/" + file).status()).isEqualTo(404);
    assertThat(hub.admin().get("/api/v1/attachments/" + file).status()).isEqualTo(404);

    Response reply = member.post("/api/v1/conversations/" + conversation + "/messages",
        new JsonObject().put("text", "here it is").put("attachments", new JsonArray().add(file))).expect(201);
    assertThat(reply.json().getJsonArray("attachments").getJsonObject(0).getString("filename")).isEqualTo("invoice 42.pdf");
    crm.await(r -> r.path().equals("/files"), 10_000);
    JsonObject sent = new JsonObject(crm.received.get(crm.received.size() - 1).body());
    assertThat(sent.getJsonObject("message").getJsonArray("attachments").getJsonObject(0).getLong("size")).isEqualTo(pdf.length());

    Response got = member.get("/api/v1/attachments/" + file).expect(200);
    assertThat(got.body()).isEqualTo(pdf);
    assertThat(got.raw().headers().firstValue("content-type").orElseThrow()).isEqualTo("application/pdf");
    assertThat(got.raw().headers().firstValue("x-content-type-options").orElseThrow()).isEqualTo("nosniff");
    assertThat(hub.admin().get("/api/v1/attachments/" + file).status()).isEqualTo(200); // the admin created the inbox: a member
    assertThat(outsider.get("/api/v1/attachments/" + file).status()).isEqualTo(404);

    // the same bytes uploaded again are one file on disk
    member.postRaw("/api/v1/attachments?filename=copy.pdf", pdf, "application/pdf").expect(201);
    try (var files = Files.walk(hub.dataDir.resolve("attachments"))) {
      assertThat(files.filter(Files::isRegularFile).count()).isEqualTo(1);
    }
    // an attachment cannot be sent twice, nor someone else's
    Response again = member.post("/api/v1/conversations/" + conversation + "/messages",
        new JsonObject().put("text", "again").put("attachments", new JsonArray().add(file)));
    assertThat(again.errorField()).isEqualTo("attachments");
  }

  @Test
  @DisplayName("uploads over the size limit are refused with 413, and a file name is required")
  void limits() {
    ApiClient admin = hub.admin();
    Response big = admin.postRaw("/api/v1/attachments?filename=big.bin", "x".repeat(150_000), "application/octet-stream");
    assertThat(big.status()).isEqualTo(413);
    assertThat(big.errorCode()).isEqualTo("too_large");
    assertThat(admin.postRaw("/api/v1/attachments", "abc", "text/plain").errorField()).isEqualTo("filename");
    assertThat(admin.postRaw("/api/v1/attachments?filename=../../etc/passwd", "abc", "text/plain").errorField()).isEqualTo("filename");
    // active content is never served as a page
    long id = admin.postRaw("/api/v1/attachments?filename=page.html", "<script>alert(1)</script>", "text/html").expect(201).json().getLong("id");
    Response html = admin.get("/api/v1/attachments/" + id).expect(200);
    assertThat(html.raw().headers().firstValue("content-type").orElseThrow()).isEqualTo("application/octet-stream");
    assertThat(html.raw().headers().firstValue("content-disposition").orElseThrow()).startsWith("attachment");
  }
}
