package io.switchboard.testing;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * The hub's OpenAPI document ({@code apidocs/openapi.json}) as the tests hold answers to it: each answer of
 * {@code /api/v1} must have a status its operation documents, and a body its schema accepts. The schemas are read
 * strictly here: an object may carry only the properties it documents (unless it says otherwise), so a field the hub
 * returns and the document leaves out is a violation too.
 *
 * <p>{@link ApiClient} shows every answer to {@link #observe}; answers are checked while a {@link #record() recording}
 * is open, and in every test when the build runs with {@code -Dswitchboard.openapi.check=true} (violations then go to
 * {@code target/openapi-violations.txt} as the JVM exits).
 */
public final class ApiContract {

  public static final String RESOURCE = "apidocs/openapi.json";
  private static final String BASE = "https://switchboard.test/openapi.json";
  private static final String PREFIX = "/api/v1";

  private static volatile ApiContract instance;
  private static final List<Recording> recordings = new CopyOnWriteArrayList<>();
  private static final Recording everyTest = Boolean.getBoolean("switchboard.openapi.check") ? everyTest() : null;

  private final JsonObject document;
  private final List<Operation> operations = new ArrayList<>();
  private final SchemaRegistry registry;
  private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

  /** One documented method and path, with its responses (status → media type → schema name, or none). */
  private record Operation(String method, String template, Pattern pattern, int literals, JsonObject responses) {
  }

  private ApiContract(JsonObject document) {
    this.document = document;
    JsonObject strict = document.copy();
    JsonObject components = strict.getJsonObject("components");
    hoistResponseSchemas(strict);
    close(components.getJsonObject("schemas"));
    this.registry = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi31(), b -> b
        .schemas(Map.of(BASE, strict.encode()))
        .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    JsonObject paths = strict.getJsonObject("paths");
    for (String template : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(template);
      for (String method : item.fieldNames()) {
        if (method.equals("parameters")) continue;
        String regex = "^" + Pattern.quote(template).replaceAll("\\{[^}/]+}", "\\\\E[^/]+\\\\Q") + "$";
        int literals = template.replaceAll("\\{[^}]+}", "").length();
        operations.add(new Operation(method.toUpperCase(), template, Pattern.compile(regex), literals,
            item.getJsonObject(method).getJsonObject("responses")));
      }
    }
    operations.sort(Comparator.comparingInt(Operation::literals).reversed());
  }

  /** The document, read once from the classpath. */
  public static ApiContract get() {
    ApiContract c = instance;
    if (c == null) {
      synchronized (ApiContract.class) {
        if (instance == null) instance = new ApiContract(new JsonObject(read(RESOURCE)));
        c = instance;
      }
    }
    return c;
  }

  public JsonObject document() {
    return document.copy();
  }

  /** Every documented operation as {@code GET /users/{id}}. */
  public List<String> operations() {
    return operations.stream().map(o -> o.method() + " " + o.template()).sorted().toList();
  }

  /** What is wrong with an answer to {@code method path} (path under {@code /api/v1}, query allowed); empty when nothing. */
  public List<String> check(String method, String path, int status, String contentType, String body) {
    List<String> out = new ArrayList<>();
    String p = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    String what = method + " " + PREFIX + p + " → " + status;
    Operation op = operations.stream().filter(o -> o.method().equals(method) && o.pattern().matcher(p).matches()).findFirst()
        .orElse(null);
    if (op == null) {
      // the router's own 401 and 404 for a path it does not have are not an operation's answers
      if (status < 400) out.add(what + ": no such operation in the document");
      else out.addAll(errorShape(what, contentType, body));
      return out;
    }
    JsonObject response = op.responses().getJsonObject(String.valueOf(status));
    if (response == null) {
      out.add(what + ": status not documented for " + op.method() + " " + op.template() + " (" + excerpt(body) + ")");
      return out;
    }
    JsonObject content = response.getJsonObject("content");
    if (content == null) {
      if (body != null && !body.isEmpty()) out.add(what + ": documented without a body, but has one: " + excerpt(body));
      return out;
    }
    JsonObject json = content.getJsonObject("application/json");
    if (json == null) return out; // files: any type
    // another documented type of the same answer (reports as CSV): only its type is checked
    if (contentType != null && content.containsKey(contentType.split(";")[0].trim())
        && !contentType.startsWith("application/json")) return out;
    if (contentType == null || !contentType.startsWith("application/json")) {
      out.add(what + ": Content-Type " + contentType + ", documented application/json");
    }
    String schema = json.getString("x-checked-as");
    for (Error e : schema(schema).validate(body == null ? "" : body, InputFormat.JSON)) {
      out.add(what + " (" + op.method() + " " + op.template() + "): " + e + " in " + excerpt(body));
    }
    return out;
  }

  private List<String> errorShape(String what, String contentType, String body) {
    List<String> out = new ArrayList<>();
    for (Error e : schema("Error").validate(body == null ? "" : body, InputFormat.JSON)) out.add(what + ": " + e);
    if (contentType == null || !contentType.startsWith("application/json")) out.add(what + ": Content-Type " + contentType);
    return out;
  }

  private Schema schema(String name) {
    return schemas.computeIfAbsent(name, n -> registry.getSchema(SchemaLocation.of(BASE + "#/components/schemas/" + n)));
  }

  /**
   * Gives every response's JSON schema a name under components/schemas (responses referenced from
   * components/responses become their schema's name), and notes it on the media type as {@code x-checked-as}.
   */
  private static void hoistResponseSchemas(JsonObject doc) {
    JsonObject schemas = doc.getJsonObject("components").getJsonObject("schemas");
    JsonObject shared = doc.getJsonObject("components").getJsonObject("responses");
    JsonObject paths = doc.getJsonObject("paths");
    int n = 0;
    for (String template : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(template);
      for (String method : item.fieldNames()) {
        if (method.equals("parameters")) continue;
        JsonObject responses = item.getJsonObject(method).getJsonObject("responses");
        n++;
        for (String status : responses.fieldNames()) {
          JsonObject r = responses.getJsonObject(status);
          if (r.containsKey("$ref")) {
            r = shared.getJsonObject(r.getString("$ref").substring("#/components/responses/".length())).copy();
            responses.put(status, r);
          }
          JsonObject json = r.getJsonObject("content") == null ? null : r.getJsonObject("content").getJsonObject("application/json");
          if (json == null) continue;
          String name = "x-response-" + n + "-" + status;
          schemas.put(name, json.getJsonObject("schema"));
          json.put("x-checked-as", name);
        }
      }
    }
  }

  /** Objects with documented properties allow no others unless they say so, at any depth. */
  private static void close(Object node) {
    if (node instanceof JsonObject o) {
      if (o.getValue("properties") instanceof JsonObject props) {
        if (!o.containsKey("additionalProperties")) o.put("additionalProperties", false);
        for (String k : props.fieldNames()) close(props.getValue(k));
      }
      for (String k : o.fieldNames()) if (!k.equals("properties")) close(o.getValue(k));
    } else if (node instanceof JsonArray a) {
      for (Object x : a) close(x);
    }
  }

  private static String excerpt(String body) {
    if (body == null) return "";
    return body.length() <= 400 ? body : body.substring(0, 400) + "…";
  }

  static String read(String resource) {
    try (InputStream in = ApiContract.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException(resource + " is not on the classpath");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ------------------------------------------------------------------------------------------------------------------

  /** Checks an answer the tests got, if anything is recording. Called by {@link ApiClient} for every answer. */
  static void observe(String method, String path, HttpResponse<String> res) {
    if (recordings.isEmpty() || !path.startsWith(PREFIX + "/")) return;
    List<String> found = get().check(method, path.substring(PREFIX.length()), res.statusCode(),
        res.headers().firstValue("Content-Type").orElse(null), res.body());
    for (Recording r : recordings) r.add(method + " " + path, found);
  }

  /** Starts collecting the violations of every answer until closed. */
  public static Recording record() {
    Recording r = new Recording();
    recordings.add(r);
    return r;
  }

  /** The violations seen while open, and how many answers were checked. */
  public static final class Recording implements AutoCloseable {
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger answers = new java.util.concurrent.atomic.AtomicInteger();

    void add(String call, List<String> found) {
      answers.incrementAndGet();
      violations.addAll(found);
    }

    public List<String> violations() {
      return List.copyOf(violations);
    }

    public int answers() {
      return answers.get();
    }

    @Override
    public void close() {
      recordings.remove(this);
    }
  }

  private static Recording everyTest() {
    Recording r = record();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      Path to = Path.of("target", "openapi-violations.txt");
      try {
        Files.createDirectories(to.getParent());
        Files.write(to, r.violations().stream().distinct().sorted().toList());
        System.err.println("openapi: " + r.answers() + " answers checked, " + r.violations().size() + " violations → " + to);
      } catch (IOException e) {
        System.err.println("openapi: could not write " + to + ": " + e);
      }
    }));
    return r;
  }
}
