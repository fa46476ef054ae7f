package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.crm.Opportunities;
import io.switchboard.node.Node;
import io.switchboard.auth.Actor;
import io.switchboard.http.Rest;
import io.switchboard.http.Rest.Reply;
import io.switchboard.common.ApiError;
import io.switchboard.http.Input;
import io.switchboard.http.Page;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Currency;

/**
 * Opportunities: sales-pipeline entries on a contact. {@code GET/POST /contacts/{id}/opportunities}
 * ({@code ?active=true}; the answer counts them, and sums active value per currency), {@code PATCH/DELETE
 * /opportunities/{id}}. They are seen with their contact and written by whoever may edit it; each change is live in
 * the inboxes where the contact has conversations.
 */
public final class OpportunityApi {

  private static final BigDecimal MAX_VALUE = new BigDecimal("1000000000000");

  private final Node node;

  private OpportunityApi(Node node) {
    this.node = node;
  }

  public static void mount(Router api, Node node) {
    OpportunityApi o = new OpportunityApi(node);
    api.get("/contacts/:id/opportunities").handler(Rest.handle(o::list));
    api.post("/contacts/:id/opportunities").handler(Rest.handle(o::create));
    api.patch("/opportunities/:id").handler(Rest.handle(o::update));
    api.delete("/opportunities/:id").handler(Rest.handle(o::delete));
  }

  private Future<?> list(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long contactId = Rest.pathId(ctx, "id", "contact");
    Page page = Page.of(ctx);
    String active = ctx.queryParams().get("active");
    if (active != null && !active.equals("true") && !active.equals("false")) {
      throw ApiError.validation("active", "active must be true or false");
    }
    boolean activeOnly = "true".equals(active);
    long after = page.after() == null ? Long.MAX_VALUE : page.afterLong(0);
    return Opportunities.list(node.db().pool(), a, new Opportunities.Query(contactId, activeOnly, after, page.limit() + 1))
        .map(found -> page.result(found.items(), o -> o, o -> Page.cursor(o.getLong("id"))).mergeIn(found.totals()));
  }

  private Future<?> create(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long contactId = Rest.pathId(ctx, "id", "contact");
    Input in = Input.of(ctx);
    String title = in.text("title", 200).trim();
    BigDecimal value = value(in);
    String currency = currency(in);
    if (value != null && currency == null) throw ApiError.validation("currency", "currency is required with a value");
    String stage = trimmed(in.optText("stage", 100));
    String status = in.optOneOf("status", Opportunities.STATUSES);
    LocalDate close = date(in, "close_date");
    Opportunities.Draft draft = new Opportunities.Draft(title, value, currency, stage, status, close);
    return node.db().tx(tx -> Opportunities.create(tx, a, contactId, draft)).map(Reply::created);
  }

  private Future<?> update(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "opportunity");
    Input in = Input.of(ctx);
    String title = in.has("title") ? in.text("title", 200).trim() : null;
    BigDecimal value = value(in);
    String currency = currency(in);
    String stage = trimmed(in.optText("stage", 100));
    String status = in.optOneOf("status", Opportunities.STATUSES);
    if (in.isNull("status")) throw ApiError.validation("status", "status must be one of active, lost, won");
    LocalDate close = date(in, "close_date");
    Opportunities.Change change = new Opportunities.Change(title, in.has("value"), value, in.has("currency"), currency,
        in.has("stage"), stage, status, in.has("close_date"), close);
    return node.db().tx(tx -> Opportunities.update(tx, a, id, change));
  }

  private Future<?> delete(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long id = Rest.pathId(ctx, "id", "opportunity");
    return node.db().tx(tx -> Opportunities.delete(tx, a, id));
  }

  private static BigDecimal value(Input in) {
    Object v = in.json().getValue("value");
    if (v == null) return null;
    BigDecimal d;
    try {
      d = v instanceof Number n ? new BigDecimal(n.toString()) : v instanceof String s ? new BigDecimal(s.trim()) : null;
    } catch (NumberFormatException e) {
      d = null;
    }
    if (d == null) throw ApiError.validation("value", "value must be a number");
    if (d.signum() < 0 || d.compareTo(MAX_VALUE) > 0) throw ApiError.validation("value", "value must be between 0 and 1000000000000");
    if (d.stripTrailingZeros().scale() > 2) throw ApiError.validation("value", "value has at most 2 decimals");
    return d.setScale(2, java.math.RoundingMode.UNNECESSARY);
  }

  private static String currency(Input in) {
    String c = in.optText("currency", 10);
    if (c == null) return null;
    String code = c.trim().toUpperCase();
    boolean known = code.matches("[A-Z]{3}") && Currency.getAvailableCurrencies().stream().anyMatch(x -> x.getCurrencyCode().equals(code));
    if (!known) throw ApiError.validation("currency", "currency must be an ISO 4217 code such as EUR or USD");
    return code;
  }

  static LocalDate date(Input in, String field) {
    String s = in.optText(field, 20);
    if (s == null || s.isBlank()) return null;
    try {
      return LocalDate.parse(s.trim());
    } catch (DateTimeParseException e) {
      throw ApiError.validation(field, field + " must be a date like 2026-01-31");
    }
  }

  private static String trimmed(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
