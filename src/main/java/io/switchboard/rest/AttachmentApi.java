package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.node.Node;
import io.switchboard.http.Files;
import io.switchboard.attachment.AttachmentStore;
import io.switchboard.auth.Actor;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.common.ApiError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;


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

  public static JsonObject json(Row r) {
    return new JsonObject().put("id", r.getLong("id")).put("filename", r.getString("filename"))
        .put("content_type", r.getString("content_type")).put("size", r.getLong("size"))
        .put("status", r.getString("status")).put("url", "/api/v1/attachments/" + r.getLong("id"));
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
    Files.sendFound(ctx, attachments.file(node.db().one("""
        SELECT x.* FROM attachment x LEFT JOIN activity act ON act.id = x.activity_id
        WHERE x.id = $1 AND x.workspace_id = $2
          AND ((x.activity_id IS NULL AND x.uploaded_by = $3)
               OR EXISTS (SELECT 1 FROM membership m WHERE m.inbox_id = act.inbox_id AND m.user_id = $3))""",
        id, a.workspaceId(), a.userId())), Files.Served.BROWSER, "attachment");
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
    String contentType = type;
    return attachments.put(body).compose(stored -> node.db().one("""
        INSERT INTO attachment (workspace_id, uploaded_by, sha256, size, content_type, filename)
        VALUES ($1, $2, $3, $4, $5, $6) RETURNING *""", a.workspaceId(), a.userId(), stored.sha256(), stored.size(),
        contentType, filename)).map(r -> Reply.created(json(r)));
  }

}
