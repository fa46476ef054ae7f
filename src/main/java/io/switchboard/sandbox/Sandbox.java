package io.switchboard.sandbox;

import io.switchboard.auth.Secrets;
import io.switchboard.common.ApiError;
import io.switchboard.http.Routes;
import io.switchboard.inbox.Endpoints.Endpoint;
import io.switchboard.node.Node;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.util.HexFormat;
import java.util.Set;

/**
 * The sandbox: endpoints that need no provider account. Their replies go to a provider simulator served by the hub
 * itself under {@code /hooks/sandbox/…} (the real senders and clients, pointed at this node), which answers like the
 * provider and then reports through the same signed webhooks a provider uses; test messages come in through each
 * channel's real inbound path. See docs/channels.md, "Sandbox".
 */
public final class Sandbox {

  /** A reply whose text contains this (in any case) fails in the simulator, the way the provider reports failures. */
  public static final String FAIL_MARKER = "[fail]";
  /** The channels an endpoint can be in sandbox mode on. */
  public static final Set<String> CHANNELS = Set.of("phone", "email", "whatsapp", "messenger", "instagram", "api");

  private final String simulatorSecret = Secrets.token(32);
  private final TwilioSimulator twilio;
  private final GraphSimulator graph;
  private final ApiReceiver api;
  private final SmtpSink smtp;
  private final TestMessages messages;

  public Sandbox(Node node) {
    SandboxStore store = new SandboxStore(node.db());
    Callbacks callbacks = new Callbacks(node.vertx());
    this.twilio = new TwilioSimulator(node, store, callbacks);
    this.graph = new GraphSimulator(node, store, callbacks, simulatorSecret);
    this.api = new ApiReceiver(store, callbacks);
    this.smtp = new SmtpSink(node, store, callbacks);
    this.messages = new TestMessages(node, store, graph);
  }

  /** The app secret Meta deliveries from the simulator are signed with when {@code meta.app_secret} is not set. */
  public String simulatorSecret() {
    return simulatorSecret;
  }

  /** Starts the SMTP sink of sandbox e-mail endpoints on this node. */
  public Future<Void> start() {
    return smtp.start();
  }

  /** The simulator's routes, on one HTTP verticle instance. */
  public void mount(Routes routes) {
    Router hooks = routes.hooks();
    hooks.post("/sandbox/twilio/2010-04-01/Accounts/:sid/Messages.json").handler(twilio::messages);
    hooks.post("/sandbox/graph/:version/:id/messages").handler(graph::messages);
    hooks.get("/sandbox/graph/:version/:id").handler(graph::profile);
    hooks.post("/sandbox/api/callback").handler(api::callback);
  }

  /**
   * What a new sandbox endpoint is given: its address when none was asked for (a fictional phone number, a random
   * provider id, an address at example.com; API keys are generated as for any API endpoint), and the provider
   * settings and secrets the simulator and the signed webhooks work with. 400 on {@code sandbox} for the website
   * chat, which has no provider to simulate.
   */
  public static Generated generate(String channel) {
    if (!CHANNELS.contains(channel)) {
      throw ApiError.validation("sandbox", "a " + channel + " endpoint has no provider to simulate; sandbox is for "
          + String.join(", ", CHANNELS.stream().sorted().toList()));
    }
    JsonObject settings = new JsonObject();
    JsonObject secrets = new JsonObject();
    String address = switch (channel) {
      case "phone" -> {
        settings.put("account_sid", "AC" + hex(16));
        secrets.put("auth_token", hex(16));
        // 555 numbers are fictional in North America
        yield "+1555" + digits(7);
      }
      case "whatsapp", "messenger", "instagram" -> {
        secrets.put("access_token", "SBX" + Secrets.token(32));
        if (channel.equals("whatsapp")) settings.put("waba_id", "9" + digits(14));
        yield "9" + digits(14);
      }
      case "email" -> "sandbox-" + hex(4) + "@example.com";
      default -> null;
    };
    return new Generated(address, settings, secrets);
  }

  /** A generated address (null: the channel generates its own) and provider settings and secrets. */
  public record Generated(String address, JsonObject settings, JsonObject secrets) {
  }

  /**
   * Delivers a customer's message to the endpoint through its channel's real inbound path; answers what it became
   * ({@code activity_id}, {@code conversation_id}, {@code contact_id}, {@code provider_id}, {@code path}). Fails
   * with a 400 naming {@code from} when the sender is not an address of the channel.
   */
  public Future<JsonObject> simulate(Endpoint ep, String from, String name, String text, String subject) {
    String address = messages.from(ep.channel(), from);
    return messages.deliver(ep, address, name, text, subject);
  }

  /** The normal form of a test message's sender on the channel; 400 naming {@code from} when it is not one. */
  public String from(String channel, String raw) {
    return messages.from(channel, raw);
  }

  private static String hex(int bytes) {
    return HexFormat.of().formatHex(Secrets.randomBytes(bytes));
  }

  private static String digits(int n) {
    StringBuilder s = new StringBuilder();
    byte[] r = Secrets.randomBytes(n);
    for (byte b : r) s.append(Math.floorMod(b, 10));
    return s.toString();
  }

  /** The hub's own webhook did not take what the simulator sent it. */
  static final class HubRefused extends RuntimeException {
    final int status;

    HubRefused(int status, String body) {
      super("answered " + status + (body == null || body.isBlank() ? "" : ": " + body.substring(0, Math.min(300, body.length()))));
      this.status = status;
    }

    ApiError asApiError(String path) {
      if (status == 503) return ApiError.unavailable("the hub is busy and refused the test message at " + path + "; try again");
      return new ApiError(502, "refused", path + " refused the test message (" + getMessage() + ")", null, 0);
    }
  }
}
