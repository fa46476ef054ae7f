package io.switchboard.apidocs;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.switchboard.testing.ApiContract;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

@WithHub
class OpenApiDocumentTest {

  /** The JSON Schema of OpenAPI 3.1 documents, kept as a test resource (see its NOTICE.md). */
  private static final String OAS_SCHEMA = "https://spec.openapis.org/oas/3.1/schema/2022-10-07";
  private static final String JSON_SCHEMA_2020_12 = "https://json-schema.org/draft/2020-12/schema";

  static TestHub hub;

  @Test
  @DisplayName("anyone can read the document at /api/v1/openapi.json, as JSON, without signing in")
  void servedPublicly() throws Exception {
    HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(hub.base() + "/api/v1/openapi.json"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    JsonObject doc = new JsonObject(res.body());
    assertThat(doc.getString("openapi")).startsWith("3.1.");
    assertThat(doc).isEqualTo(ApiContract.get().document());
    // a client resolving the relative server URL against where it read the document reaches this API
    assertThat(doc.getJsonArray("servers").getJsonObject(0).getString("url")).isEqualTo("/api/v1");
  }

  @Test
  @DisplayName("the document is valid OpenAPI 3.1: its structure passes the OpenAPI 3.1 schema, and every schema in it is valid JSON Schema 2020-12")
  void validOpenApi31() {
    JsonObject doc = ApiContract.get().document();
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
        b -> b.schemas(Map.of(OAS_SCHEMA, read("openapi/oas-3.1-schema-2022-10-07.json"))));
    List<Error> structure = registry.getSchema(SchemaLocation.of(OAS_SCHEMA)).validate(doc.encode(), InputFormat.JSON);
    assertThat(structure).as("the document against the OpenAPI 3.1 schema").isEmpty();

    Schema metaSchema = registry.getSchema(SchemaLocation.of(JSON_SCHEMA_2020_12));
    Map<String, Object> schemas = new LinkedHashMap<>();
    collectSchemas("#", doc, schemas);
    assertThat(schemas).hasSizeGreaterThan(100);
    List<String> invalid = new ArrayList<>();
    schemas.forEach((where, schema) -> metaSchema.validate(io.vertx.core.json.Json.encode(schema), InputFormat.JSON)
        .forEach(e -> invalid.add(where + ": " + e)));
    assertThat(invalid).as("schemas that are not valid JSON Schema").isEmpty();
  }

  @Test
  @DisplayName("every reference in the document resolves, every path parameter is declared, and operation ids are unique")
  void consistent() {
    JsonObject doc = ApiContract.get().document();
    List<String> problems = new ArrayList<>();
    Set<String> refs = new TreeSet<>();
    collectRefs(doc, refs);
    for (String ref : refs) {
      if (!ref.startsWith("#/") || pointer(doc, ref.substring(1)) == null) problems.add("unresolved " + ref);
    }
    Set<String> ids = new HashSet<>();
    Set<String> tags = new HashSet<>();
    doc.getJsonArray("tags").forEach(t -> tags.add(((JsonObject) t).getString("name")));
    JsonObject paths = doc.getJsonObject("paths");
    for (String template : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(template);
      Set<String> inTemplate = new TreeSet<>();
      Matcher m = Pattern.compile("\\{([^}]+)}").matcher(template);
      while (m.find()) inTemplate.add(m.group(1));
      for (String method : item.fieldNames()) {
        if (method.equals("parameters")) continue;
        JsonObject op = item.getJsonObject(method);
        String name = method.toUpperCase() + " " + template;
        if (!ids.add(op.getString("operationId"))) problems.add(name + ": operationId used twice");
        Set<String> declared = new TreeSet<>();
        for (JsonArray params : new JsonArray[] {item.getJsonArray("parameters"), op.getJsonArray("parameters")}) {
          if (params == null) continue;
          for (Object p : params) {
            JsonObject param = (JsonObject) p;
            if (param.containsKey("$ref")) param = (JsonObject) pointer(doc, param.getString("$ref").substring(1));
            if ("path".equals(param.getString("in"))) declared.add(param.getString("name"));
          }
        }
        if (!declared.equals(inTemplate)) problems.add(name + ": path parameters " + declared + ", template has " + inTemplate);
        if (op.getJsonObject("responses").fieldNames().stream().noneMatch(s -> s.startsWith("2"))) problems.add(name + ": no success answer");
        if (op.getString("summary") == null || op.getString("summary").isBlank()) problems.add(name + ": no summary");
        op.getJsonArray("tags").forEach(t -> {
          if (!tags.contains(t)) problems.add(name + ": tag " + t + " is not declared");
        });
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  @DisplayName("every route mounted under /api/v1 is in the document, and the document names no route the hub does not have")
  void complete() {
    SortedSet<String> mounted = ApiDocs.routes();
    SortedSet<String> documented = new TreeSet<>(ApiContract.get().operations());
    assertThat(mounted).as("routes of the running API router").hasSizeGreaterThan(90);
    SortedSet<String> undocumented = new TreeSet<>(mounted);
    undocumented.removeAll(documented);
    SortedSet<String> unrouted = new TreeSet<>(documented);
    unrouted.removeAll(mounted);
    assertThat(undocumented).as("mounted but not documented").isEmpty();
    assertThat(unrouted).as("documented but not mounted").isEmpty();
  }

  /** Every schema object of the document by where it is: components, parameters, request and response bodies. */
  private static void collectSchemas(String at, Object node, Map<String, Object> out) {
    if (node instanceof JsonObject o) {
      for (String k : o.fieldNames()) {
        Object v = o.getValue(k);
        String here = at + "/" + k;
        if (k.equals("schema") && v instanceof JsonObject) out.put(here, v);
        else if (k.equals("schemas") && at.equals("#/components") && v instanceof JsonObject s) {
          s.fieldNames().forEach(n -> out.put(here + "/" + n, s.getValue(n)));
        } else {
          collectSchemas(here, v, out);
        }
      }
    } else if (node instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) collectSchemas(at + "/" + i, a.getValue(i), out);
    }
  }

  private static void collectRefs(Object node, Set<String> out) {
    if (node instanceof JsonObject o) {
      o.forEach(e -> {
        if (e.getKey().equals("$ref") && e.getValue() instanceof String s) out.add(s);
        else collectRefs(e.getValue(), out);
      });
    } else if (node instanceof JsonArray a) {
      a.forEach(x -> collectRefs(x, out));
    }
  }

  /** The value at a JSON pointer, or null. */
  private static Object pointer(JsonObject doc, String pointer) {
    Object at = doc;
    for (String raw : pointer.substring(1).split("/")) {
      String key = raw.replace("~1", "/").replace("~0", "~");
      if (!(at instanceof JsonObject o) || !o.containsKey(key)) return null;
      at = o.getValue(key);
    }
    return at;
  }

  private static String read(String resource) {
    try (InputStream in = OpenApiDocumentTest.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException(resource + " is not on the classpath");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
