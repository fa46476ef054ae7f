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
  private final Sections.Http http;
  private final Sections.Smtp smtp;
  private final Sections.Email email;
  private final Sections.Data data;
  private final Sections.Db db;
  private final Sections.Ingest ingest;
  private final Sections.Admin admin;
  private final Sections.Secrets secrets;
  private final Sections.Auth auth;
  private final Sections.Live live;
  private final Sections.Attachments attachments;
  private final Sections.Outbox outbox;
  private final Sections.Automation automation;
  private final Sections.Phone phone;
  private final Sections.Twilio twilio;
  private final Sections.Widget widget;
  private final Sections.Meta meta;
  private final Sections.Metrics metrics;
  private final Sections.Cluster cluster;

  private Config(Map<String, Object> values) {
    this.values = values;
    this.http = new Sections.Http(string("http.host"),
        integer("http.port"), withoutTrailingSlash(string("http.public_url")), integer("http.instances"),
        integer("http.body_limit"), longValue("http.request_timeout_ms"), strings("http.allowed_origins"),
        strings("http.trusted_proxies"), string("http.cookie_secure"));
    this.smtp = new Sections.Smtp(string("smtp.host"), integer("smtp.port"), string("smtp.hostname"),
        longValue("smtp.max_message_bytes"), integer("smtp.max_connections"), integer("smtp.max_recipients"),
        integer("smtp.idle_timeout_seconds"), string("smtp.tls_cert_path"), string("smtp.tls_key_path"));
    this.email = new Sections.Email(string("email.webhook_signing_key"), longValue("email.webhook_max_age_seconds"),
        longValue("email.imap_poll_seconds"), longValue("email.imap_idle_seconds"),
        integer("email.imap_initial_days"), integer("email.imap_threads"),
        longValue("email.imap_timeout_seconds"));
    this.data = new Sections.Data(string("data.dir"));
    this.db = new Sections.Db(string("db.url"), integer("db.pool_size"), integer("db.embedded_port"));
    this.ingest = new Sections.Ingest(integer("ingest.batch"), integer("ingest.writers"), integer("ingest.queue_limit"),
        longValue("ingest.queue_timeout_ms"), longValue("ingest.timeout_ms"));
    this.admin = new Sections.Admin(string("admin.email"), string("admin.password"));
    this.secrets = new Sections.Secrets(string("secrets.key"), string("secrets.previous_key"));
    this.auth = new Sections.Auth(integer("auth.session_ttl_hours"), integer("auth.login_attempts_per_minute"),
        integer("auth.password_threads"), integer("auth.password_queue"),
        integer("auth.invite_ttl_hours"));
    this.live = new Sections.Live(longValue("live.retention_hours"), integer("live.resume_limit"),
        integer("live.queue_limit"), integer("live.max_frame_bytes"), integer("live.frames_per_second"),
        integer("live.sockets_per_user"), longValue("live.heartbeat_seconds"));
    this.attachments = new Sections.Attachments(longValue("attachments.max_bytes"));
    this.outbox = new Sections.Outbox(integer("outbox.max_attempts"), longValue("outbox.backoff_ms"),
        longValue("outbox.send_timeout_ms"));
    this.automation = new Sections.Automation(longValue("automation.poll_ms"),
        longValue("automation.scheduled_grace_seconds"), longValue("automation.scheduled_max_days"),
        integer("automation.bot_replies_per_minute"));
    this.phone = new Sections.Phone(string("phone.default_region"));
    this.twilio = new Sections.Twilio(withoutTrailingSlash(string("twilio.api_base")), longValue("twilio.api_timeout_ms"),
        longValue("twilio.media_max_bytes"), longValue("twilio.media_timeout_ms"),
        longValue("twilio.media_link_ttl_seconds"), integer("twilio.voicemail_max_seconds"));
    this.widget = new Sections.Widget(integer("widget.max_frame_bytes"), integer("widget.frames_per_second"),
        integer("widget.messages_per_minute"), integer("widget.sockets_per_visitor"));
    this.meta = new Sections.Meta(withoutTrailingSlash(string("meta.graph_base")), string("meta.graph_version"),
        string("meta.app_secret"), string("meta.verify_token"), longValue("meta.media_timeout_ms"));
    this.metrics = new Sections.Metrics(string("metrics.token"), strings("metrics.allow"));
    this.cluster = new Sections.Cluster(bool("cluster.enabled"), string("cluster.name"), string("cluster.host"),
        integer("cluster.port"), strings("cluster.members"), integer("cluster.bus_port"),
        integer("cluster.presence_refresh_seconds"));
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

  public Sections.Http http() {
    return http;
  }

  public Sections.Smtp smtp() {
    return smtp;
  }

  public Sections.Email email() {
    return email;
  }

  public Sections.Data data() {
    return data;
  }

  public Sections.Db db() {
    return db;
  }

  public Sections.Ingest ingest() {
    return ingest;
  }

  public Sections.Admin admin() {
    return admin;
  }

  public Sections.Secrets secrets() {
    return secrets;
  }

  public Sections.Auth auth() {
    return auth;
  }

  public Sections.Live live() {
    return live;
  }

  public Sections.Attachments attachments() {
    return attachments;
  }

  public Sections.Outbox outbox() {
    return outbox;
  }

  public Sections.Automation automation() {
    return automation;
  }

  public Sections.Phone phone() {
    return phone;
  }

  public Sections.Twilio twilio() {
    return twilio;
  }

  public Sections.Widget widget() {
    return widget;
  }

  public Sections.Meta meta() {
    return meta;
  }

  public Sections.Metrics metrics() {
    return metrics;
  }

  public Sections.Cluster cluster() {
    return cluster;
  }

  public static String envName(String key) {
    return "SWITCHBOARD_" + key.toUpperCase().replace('.', '_');
  }

  String string(String key) {
    Object v = require(key);
    return v == null ? "" : v.toString();
  }

  int integer(String key) {
    return ((Number) require(key)).intValue();
  }

  long longValue(String key) {
    return ((Number) require(key)).longValue();
  }

  boolean bool(String key) {
    return (Boolean) require(key);
  }

  List<String> strings(String key) {
    Object v = require(key);
    List<String> out = new ArrayList<>();
    if (v instanceof JsonArray a) a.forEach(x -> out.add(String.valueOf(x)));
    return out;
  }

  public Map<String, Object> asMap() {
    return Map.copyOf(values);
  }

  private static String withoutTrailingSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
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
