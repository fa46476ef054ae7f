package io.switchboard.rest;

import io.switchboard.attachment.Attachments;
import io.switchboard.auth.web.Authenticator;
import io.switchboard.conversation.Activities;
import io.switchboard.conversation.Conversations;
import io.switchboard.conversation.Reads;
import io.switchboard.conversation.Timeline;
import io.switchboard.node.Node;
import io.switchboard.auth.Actor;
import io.switchboard.auth.Permission;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.common.ApiError;
import io.switchboard.http.Input;
import io.switchboard.http.Page;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A conversation's history ({@code GET …/activities}), replies ({@code POST …/messages}) and internal notes
 * ({@code POST …/notes}). A reply is an outbound activity in state {@code queued} plus an outbox row, committed
 * together; the dispatcher sends it and the activity moves to {@code sent} or {@code failed}, each step live.
 */
public final class ActivityApi {

  private static final int MAX_TEXT = 32_768;
  private static final int MAX_HTML = 512 * 1024;

  private final Node node;
  private final Timeline timeline;

  private ActivityApi(Node node, Timeline timeline) {
    this.node = node;
    this.timeline = timeline;
  }

  public static void mount(Router api, Node node, Timeline timeline) {
    ActivityApi a = new ActivityApi(node, timeline);
    api.get("/conversations/:id/activities").handler(Rest.handle(a::list));
    api.post("/conversations/:id/messages").handler(Rest.handle(a::reply));
    api.post("/conversations/:id/notes").handler(Rest.handle(a::note));
  }

  private Future<?> list(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "conversation");
    Page page = Page.of(ctx);
    String kindParam = ctx.queryParams().get("kind");
    List<String> kinds = null;
    if (kindParam != null && !kindParam.isBlank()) {
      kinds = List.of(kindParam.split(","));
      for (String k : kinds) {
        if (!Activities.KINDS.contains(k)) throw ApiError.validation("kind", "kind must be a list of message, note, call, voicemail, system");
      }
    }
    long after = page.after() == null ? Long.MAX_VALUE : page.afterLong(0);
    return Activities.list(node.db().pool(), a, new Activities.Query(id, kinds, after, page.limit() + 1))
        .map(items -> page.result(items, x -> x, x -> Page.cursor(x.getLong("id"))));
  }

  private Future<?> note(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "conversation");
    String text = Input.of(ctx).text("text", 10_000);
    return node.db().tx(tx -> Conversations.visible(tx, a, id)
        .compose(c -> Timeline.add(tx, c, null, Activities.Draft.note(a.userId(), a.name(), text)))
        .compose(activityId -> Activities.view(tx, activityId))).map(Reply::created);
  }

  private Future<?> reply(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    a.require(Permission.INBOX_USE);
    long id = Rest.pathId(ctx, "id", "conversation");
    Input in = Input.of(ctx);
    ReplyInput reply = ReplyInput.of(in);
    List<Long> files = reply.attachments();
    // a reply with a send_at is taken by the automation routes mounted before these; reaching here means they are not
    if (in.has("send_at") && !in.isNull("send_at")) throw ApiError.validation("send_at", "scheduled sending is not enabled on this hub");
    Timeline.Message message = new Timeline.Message(reply.subject(), reply.shownText(), reply.html(), reply.data(),
        files.isEmpty() ? null : (tx, activityId) -> Attachments.link(tx, a.userId(), activityId, files));
    return node.db().tx(tx -> Conversations.visibleForUpdate(tx, a, id).compose(c ->
        Timeline.fromEndpoint(tx, c, reply.fromEndpointId())
            .compose(ep -> timeline.queue(tx, c, ep, Timeline.Author.user(a.userId(), a.name()), message)
                .recover(t -> Future.failedFuture(t instanceof Timeline.Refused r ? r.toApiError() : t)))
            // the author has read what they answered
            .compose(activityId -> Reads.mark(tx, a.userId(), id)
                .compose(v -> Activities.view(tx, activityId)))))
        .map(Reply::created);
  }

  /** What an agent's reply says, read and checked alike whether it goes now or is scheduled. */
  public record ReplyInput(String text, String html, String subject, Long fromEndpointId, List<Long> attachments,
                           JsonObject template) {
    public static ReplyInput of(Input in) {
      JsonObject template = template(in.optObject("template"));
      ReplyInput r = new ReplyInput(in.optText("text", MAX_TEXT), in.optText("html", MAX_HTML), in.optText("subject", 500),
          in.optId("from_endpoint_id"), attachmentIds(in.optArray("attachments", 20)), template);
      if ((r.text == null || r.text.isBlank()) && (r.html == null || r.html.isBlank()) && r.attachments.isEmpty() && template == null) {
        throw ApiError.validation("text", "a reply needs text, attachments or a template");
      }
      if (template != null && !r.attachments.isEmpty()) {
        throw ApiError.validation("attachments", "a template message is sent as the template is: without attachments");
      }
      return r;
    }

    /** What history shows of the reply: its text, or for a template without one, the template and its values. */
    public String shownText() {
      if ((text != null && !text.isBlank()) || template == null) return text;
      JsonArray values = template.getJsonArray("parameters", new JsonArray());
      return "Template " + template.getString("name") + " (" + template.getString("language") + ")"
          + (values.isEmpty() ? "" : ": " + String.join(" · ", values.stream().map(String::valueOf).toList()));
    }

    /** Activity data the channel sender reads: the template, when there is one. */
    public JsonObject data() {
      return template == null ? new JsonObject() : new JsonObject().put("template", template);
    }

    /**
     * A WhatsApp message template: {@code {"name","language","parameters":[…]}}, the body's {{1}}, {{2}}… in order;
     * the name and language as approved in the WhatsApp Business Account.
     */
    private static JsonObject template(JsonObject t) {
      if (t == null) return null;
      if (!(t.getValue("name") instanceof String name) || !name.matches("[a-z0-9_]{1,512}")) {
        throw ApiError.validation("template.name", "template.name must be the template's name as approved (lowercase letters, digits, _)");
      }
      if (!(t.getValue("language") instanceof String lang) || !lang.matches("[a-z]{2,3}(_[A-Z]{2})?")) {
        throw ApiError.validation("template.language", "template.language must be the template's language code, like en_US or nl");
      }
      JsonArray values = new JsonArray();
      Object p = t.getValue("parameters");
      if (p != null) {
        if (!(p instanceof JsonArray arr) || arr.size() > 20) {
          throw ApiError.validation("template.parameters", "template.parameters must be a list of at most 20 texts");
        }
        for (Object v : arr) {
          if (!(v instanceof String text) || text.isBlank() || text.length() > 1024) {
            throw ApiError.validation("template.parameters", "each template parameter is a non-empty text of at most 1024 characters");
          }
          values.add(text);
        }
      }
      return new JsonObject().put("name", name).put("language", lang).put("parameters", values);
    }
  }

  public static List<Long> attachmentIds(JsonArray a) {
    if (a == null) return List.of();
    Set<Long> ids = new LinkedHashSet<>();
    for (Object o : a) {
      if (!(o instanceof Number n) || n.longValue() <= 0) throw ApiError.validation("attachments", "attachments must be a list of attachment ids");
      ids.add(n.longValue());
    }
    return new ArrayList<>(ids);
  }
}
