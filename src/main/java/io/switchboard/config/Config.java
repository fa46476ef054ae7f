package io.switchboard.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hub's configuration: the shipped defaults ({@code conf/switchboard.json}, also packed in the jar),
 * then the operator's file, then {@code SWITCHBOARD_*} environment variables, then explicit overrides.
 * Keys are dotted paths ({@code http.public_url}); only known keys can be set, so a typo fails loudly.
 */
public final class Config {

  private final Map<String, Object> values;

  private Config(Map<String, Object> values) {
    this.values = values;
  }

  /** Defaults, then {@code file} (or {@code conf/switchboard.json} when present), then the environment. */
  public static Config load(Path file, Map<String, String> env) {
    Map<String, Object> values = defaults();
    Path chosen = file != null ? file : Path.of("conf", "switchboard.json");
    if (file != null || Files.exists(chosen)) {
      try {
        merge(values, new JsonObject(Files.readString(chosen)), chosen.toString());
      } catch (IOException | DecodeException e) {
        throw new IllegalArgumentException("cannot read configuration " + chosen + ": " + e.getMessage(), e);
      }
    }
    for (String key : new ArrayList<>(values.keySet())) {
      String raw = env.get(envName(key));
      if (raw != null) values.put(key, coerce(key, values.get(key), raw));
    }
    return new Config(values);
  }

  /** The defaults with the given overrides: what tests and tools use. */
  public static Config of(Map<String, ?> overrides) {
    Map<String, Object> values = defaults();
    overrides.forEach((k, v) -> {
      if (!values.containsKey(k)) throw new IllegalArgumentException("unknown configuration key " + k);
      values.put(k, v instanceof String s ? coerce(k, values.get(k), s) : v);
    });
    return new Config(values);
  }

  /** A copy with some keys changed. */
  public Config with(Map<String, ?> overrides) {
    Map<String, Object> copy = new LinkedHashMap<>(values);
    overrides.forEach((k, v) -> {
      if (!copy.containsKey(k)) throw new IllegalArgumentException("unknown configuration key " + k);
      copy.put(k, v instanceof String s ? coerce(k, copy.get(k), s) : v);
    });
    return new Config(copy);
  }

  public static String envName(String key) {
    return "SWITCHBOARD_" + key.toUpperCase().replace('.', '_');
  }

  public String string(String key) {
    Object v = require(key);
    return v == null ? "" : v.toString();
  }

  public int integer(String key) {
    return ((Number) require(key)).intValue();
  }

  public long longValue(String key) {
    return ((Number) require(key)).longValue();
  }

  public boolean bool(String key) {
    return (Boolean) require(key);
  }

  public List<String> strings(String key) {
    Object v = require(key);
    List<String> out = new ArrayList<>();
    if (v instanceof JsonArray a) a.forEach(x -> out.add(String.valueOf(x)));
    return out;
  }

  public Map<String, Object> asMap() {
    return Map.copyOf(values);
  }

  private Object require(String key) {
    if (!values.containsKey(key)) throw new IllegalArgumentException("unknown configuration key " + key);
    return values.get(key);
  }

  private static Map<String, Object> defaults() {
    try (InputStream in = Config.class.getResourceAsStream("/defaults/switchboard.json")) {
      if (in == null) throw new IllegalStateException("built-in defaults/switchboard.json is missing from the classpath");
      Map<String, Object> values = new LinkedHashMap<>();
      flatten("", new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)), values);
      return values;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void flatten(String prefix, JsonObject json, Map<String, Object> out) {
    for (String name : json.fieldNames()) {
      Object v = json.getValue(name);
      if (v instanceof JsonObject o) flatten(prefix + name + ".", o, out);
      else out.put(prefix + name, v);
    }
  }

  private static void merge(Map<String, Object> values, JsonObject file, String source) {
    Map<String, Object> flat = new LinkedHashMap<>();
    flatten("", file, flat);
    flat.forEach((k, v) -> {
      if (!values.containsKey(k)) throw new IllegalArgumentException("unknown configuration key " + k + " in " + source);
      Object def = values.get(k);
      values.put(k, v instanceof String s && !(def instanceof String) ? coerce(k, def, s) : v);
    });
  }

  /** Environment values are strings; give them the type of the key's default. */
  private static Object coerce(String key, Object def, String raw) {
    try {
      if (def instanceof Boolean) {
        if (!raw.equalsIgnoreCase("true") && !raw.equalsIgnoreCase("false")) throw new IllegalArgumentException();
        return Boolean.parseBoolean(raw);
      }
      if (def instanceof Integer || def instanceof Long) return Long.parseLong(raw.trim());
      if (def instanceof Number) return Double.parseDouble(raw.trim());
      if (def instanceof JsonArray) {
        JsonArray a = new JsonArray();
        for (String part : raw.split(",")) if (!part.isBlank()) a.add(part.trim());
        return a;
      }
      return raw;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("configuration key " + key + " (" + envName(key) + "): cannot read '" + raw
          + "' as " + def.getClass().getSimpleName().toLowerCase());
    }
  }
}
