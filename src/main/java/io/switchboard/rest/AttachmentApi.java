package io.switchboard.rest;

import io.switchboard.attachment.Attachments;
import io.switchboard.auth.web.Authenticator;
import io.switchboard.node.Node;
import io.switchboard.http.Files;
import io.switchboard.attachment.AttachmentStore;
import io.switchboard.auth.Actor;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.common.ApiError;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;


/**
 * {@code GET /api/v1/attachments/{id}} serves a file only to members of the inbox its message belongs to (or to
 * its uploader before it is sent). {@code POST /api/v1/attachments?filename=} takes the raw bytes of a file to
 * attach to a reply. Files are served so that a browser never runs them: nosniff, a sandboxing CSP, and
 * "attachment" disposition for anything but plain media.
 */
public final class AttachmentApi {

  private final Node node;
  private final AttachmentStore attachments;

  private AttachmentApi(Node node, AttachmentStore attachments) {
    this.node = node;
    this.attachments = attachments;
  }

  /** The upload path: it takes its own, larger body limit. */
  public static final String UPLOAD_PATH = "/attachments";

  public static void mount(Router api, Node node, AttachmentStore attachments) {
    AttachmentApi a = new AttachmentApi(node, attachments);
    api.get("/attachments/:id").handler(a::download);
    api.post(UPLOAD_PATH).handler(Rest.handle(a::upload));
  }

  private void download(RoutingContext ctx) {
    Actor a;
    long id;
    try {
      a = Authenticator.actor(ctx);
      id = Rest.pathId(ctx, "id", "attachment");
    } catch (ApiError e) {
      Rest.fail(ctx, e);
      return;
    }
    Files.sendFound(ctx, Attachments.file(node.db().pool(), attachments, a, id), Files.Served.BROWSER, "attachment");
  }

  private Future<?> upload(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    var body = ctx.body() == null ? null : ctx.body().buffer();
    if (body == null || body.length() == 0) throw ApiError.validation(null, "send the file's bytes as the request body");
    String filename = ctx.queryParams().get("filename");
    if (filename == null || filename.isBlank() || filename.length() > 255 || filename.contains("/") || filename.contains("\\")) {
      throw ApiError.validation("filename", "?filename= is required: a file name without folders, at most 255 characters");
    }
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || type.isBlank() || type.length() > 100) type = "application/octet-stream";
    type = type.split(";")[0].trim().toLowerCase();
    return Attachments.upload(node.db().pool(), attachments, a, new Attachments.Upload(filename, type, body))
        .map(Reply::created);
  }
}
