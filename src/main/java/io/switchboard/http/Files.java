package io.switchboard.http;

import io.switchboard.common.ApiError;
import io.switchboard.common.StoredFile;
import io.switchboard.common.Times;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;

/**
 * Serves stored files so that no browser ever runs them: nosniff, a sandboxing CSP, and for browsers the real type
 * only for plain media (else octet-stream and "attachment").
 */
public final class Files {

  private static final Set<String> INLINE = Set.of("image/png", "image/jpeg", "image/gif", "image/webp", "audio/mpeg",
      "audio/ogg", "audio/wav", "audio/x-wav", "video/mp4", "application/pdf");

  private Files() {
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

  /** Sends the file {@code found} yields; 404 ({@code what} not found) when it yields none. */
  public static void sendFound(RoutingContext ctx, Future<StoredFile> found, Served to, String what) {
    found.onComplete(ar -> {
      if (ar.failed()) {
        Rest.fail(ctx, ar.cause());
      } else if (ar.result() == null) {
        Rest.fail(ctx, ApiError.notFound(what));
      } else {
        send(ctx, ar.result(), to);
      }
    });
  }

  public static void send(RoutingContext ctx, StoredFile f, Served to) {
    boolean inline = to != Served.PROVIDER && INLINE.contains(f.contentType());
    var res = ctx.response()
        .putHeader("Content-Type", to == Served.PROVIDER || inline ? f.contentType() : "application/octet-stream")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Content-Security-Policy", "sandbox; default-src 'none'")
        .putHeader("Cache-Control", "private, max-age=" + (to == Served.PROVIDER ? 300 : 3600))
        .putHeader("Content-Disposition", (inline ? "inline" : "attachment") + "; filename*=UTF-8''" + encode(f.name()));
    if (to != Served.BROWSER) res.putHeader("Cross-Origin-Resource-Policy", "cross-origin");
    res.sendFile(f.path().toString()).onFailure(t -> Rest.fail(ctx, ApiError.notFound("file")));
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }
}
