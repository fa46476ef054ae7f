package io.switchboard.attachment;

import io.switchboard.Hub;
import io.switchboard.auth.Actor;
import io.switchboard.http.Api;
import io.switchboard.http.Api.Reply;
import io.switchboard.http.ApiError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;

import java.util.Set;

/**
 * {@code GET /api/v1/attachments/{id}} serves a file only to members of the inbox its message belongs to (or to
 * its uploader before it is sent). {@code POST /api/v1/attachments?filename=} takes the raw bytes of a file to
 * attach to a reply. Files are served so that a browser never runs them: nosniff, a sandboxing CSP, and
 * "attachment" disposition for anything but plain media.
 */
public final class AttachmentApi {

  private static final Set<String> INLINE = Set.of("image/png", "image/jpeg", "image/gif", "image/webp", "audio/mpeg",
      "audio/ogg", "audio/wav", "audio/x-wav", "video/mp4", "application/pdf");

  private final Hub hub;

  private AttachmentApi(Hub hub) {
    this.hub = hub;
  }

  /** The upload path: it takes its own, larger body limit. */
  public static final String UPLOAD_PATH = "/attachments";

  public static void mount(Router api, Hub hub) {
    AttachmentApi a = new AttachmentApi(hub);
    api.get("/attachments/:id").handler(a::download);
    api.post(UPLOAD_PATH).handler(Api.handle(a::upload));
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
      a = Actor.of(ctx);
      id = Api.pathId(ctx, "id", "attachment");
    } catch (ApiError e) {
      Api.fail(ctx, e);
      return;
    }
    sendFound(ctx, hub, hub.db.one("""
        SELECT x.* FROM attachment x LEFT JOIN activity act ON act.id = x.activity_id
        WHERE x.id = $1 AND x.workspace_id = $2
          AND ((x.activity_id IS NULL AND x.uploaded_by = $3)
               OR EXISTS (SELECT 1 FROM membership m WHERE m.inbox_id = act.inbox_id AND m.user_id = $3))""",
        id, a.workspaceId(), a.userId()), Served.BROWSER, "attachment");
  }

  /** Who a file is served to, which decides how much of its own type it keeps. */
  public enum Served {
    /** an agent's browser on the hub's own pages */
    BROWSER,
    /** a visitor's browser on another site (the chat widget) */
    OTHER_SITE,
    /** a provider fetching media it was given a link to: the real type, never shown as a page */
    PROVIDER
  }

  /** Sends the attachment row {@code found} yields; 404 ({@code what} not found) when there is none or it is not stored. */
  public static void sendFound(RoutingContext ctx, Hub hub, Future<Row> found, Served to, String what) {
    found.onComplete(ar -> {
      if (ar.failed()) {
        Api.fail(ctx, ar.cause());
        return;
      }
      Row r = ar.result();
      if (r == null || !"stored".equals(r.getString("status"))) {
        Api.fail(ctx, ApiError.notFound(what));
        return;
      }
      send(ctx, hub, r, to);
    });
  }

  /**
   * Sends an attachment row's file so that no browser ever runs it: nosniff, a sandboxing CSP, and for browsers the
   * real type only for plain media (else octet-stream and "attachment").
   */
  public static void send(RoutingContext ctx, Hub hub, Row r, Served to) {
    String type = r.getString("content_type");
    boolean inline = to != Served.PROVIDER && INLINE.contains(type);
    String name = r.getString("filename") == null ? "file-" + r.getLong("id") : r.getString("filename");
    var res = ctx.response()
        .putHeader("Content-Type", to == Served.PROVIDER || inline ? type : "application/octet-stream")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Content-Security-Policy", "sandbox; default-src 'none'")
        .putHeader("Cache-Control", "private, max-age=" + (to == Served.PROVIDER ? 300 : 3600))
        .putHeader("Content-Disposition", (inline ? "inline" : "attachment") + "; filename*=UTF-8''" + encode(name));
    if (to != Served.BROWSER) res.putHeader("Cross-Origin-Resource-Policy", "cross-origin");
    res.sendFile(hub.attachments.path(r.getString("sha256")).toString()).onFailure(t -> Api.fail(ctx, ApiError.notFound("file")));
  }

  private Future<?> upload(RoutingContext ctx) {
    Actor a = Actor.of(ctx);
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
    return hub.attachments.put(body).compose(stored -> hub.db.one("""
        INSERT INTO attachment (workspace_id, uploaded_by, sha256, size, content_type, filename)
        VALUES ($1, $2, $3, $4, $5, $6) RETURNING *""", a.workspaceId(), a.userId(), stored.sha256(), stored.size(),
        contentType, filename)).map(r -> Reply.created(json(r)));
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }
}
