package io.switchboard.apidocs;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The API describing itself: {@code GET /api/v1/openapi.json}, the OpenAPI 3.1 document of {@code /api/v1} (a resource
 * written beside the handlers; tests hold it to the mounted routes and to real answers), readable without signing in,
 * and a reference page at {@code /api/docs/}: Swagger UI from its WebJar, started by a script file of ours rather than
 * an inline one, so the page runs under the hub's Content-Security-Policy.
 */
public final class ApiDocs {

  public static final String PAGE = "/api/docs/";
  private static final String DOCUMENT = "apidocs/openapi.json";
  private static final String PAGE_FILES = "apidocs/page";
  private static final String SWAGGER_UI = "META-INF/resources/webjars/swagger-ui/";
  private static final String SWAGGER_UI_POM = "META-INF/maven/org.webjars/swagger-ui/pom.properties";

  /** The API router last mounted in this JVM; every hub mounts the same routes. */
  private static volatile Router mounted;

  private ApiDocs() {
  }

  /**
   * Mounts the document on the API router (call it before the authentication handler: it is public) and the page on
   * the hub's router (before its catch-all static handler).
   */
  public static void mount(Router router, Router api) {
    Buffer document = read(DOCUMENT);
    api.get("/openapi.json").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/json; charset=utf-8").end(document));
    router.get(PAGE + "swagger-ui/*").handler(StaticHandler.create(SWAGGER_UI + swaggerUiVersion()).setCachingEnabled(false));
    router.get(PAGE + "*").handler(StaticHandler.create(PAGE_FILES).setIndexPage("index.html").setCachingEnabled(false));
    mounted = api;
  }

  /**
   * Each route of the API router as its method and path in the document's form ({@code GET /users/{id}}), read from the
   * running router, so a test can hold the document to what is really mounted.
   */
  public static SortedSet<String> routes() {
    Router api = mounted;
    if (api == null) throw new IllegalStateException("no API router is mounted");
    SortedSet<String> out = new TreeSet<>();
    for (Route r : api.getRoutes()) {
      if (r.getPath() == null) continue; // handlers for every path (authentication, body, the not-found answer)
      String path = r.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}");
      if (r.methods().isEmpty()) out.add("ANY " + path);
      for (HttpMethod m : r.methods()) out.add(m.name() + " " + path);
    }
    return out;
  }

  private static String swaggerUiVersion() {
    Properties p = new Properties();
    try (InputStream in = ApiDocs.class.getClassLoader().getResourceAsStream(SWAGGER_UI_POM)) {
      if (in == null) throw new IllegalStateException(SWAGGER_UI_POM + " is missing from the classpath");
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("version");
  }

  private static Buffer read(String resource) {
    try (InputStream in = ApiDocs.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException(resource + " is missing from the classpath");
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
