package io.switchboard.rest;

import io.switchboard.auth.web.Authenticator;
import io.switchboard.contact.Merges;
import io.switchboard.node.Node;
import io.switchboard.auth.Actor;
import io.switchboard.http.Rest;
import io.switchboard.common.ApiError;
import io.switchboard.http.Input;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /contacts/{id}/merge {"from_contact_id"}}: the duplicate ("from") disappears into the contact of the
 * path, in one transaction, as {@link Merges} describes. Both contacts must be visible to the user, who needs
 * {@code contacts.manage}, and so must all their conversations (409 otherwise, as for a deletion). Audited.
 */
public final class MergeApi {

  private final Node node;

  private MergeApi(Node node) {
    this.node = node;
  }

  public static void mount(Router api, Node node) {
    api.post("/contacts/:id/merge").handler(Rest.handle(new MergeApi(node)::merge));
  }

  private Future<?> merge(RoutingContext ctx) {
    Actor a = Authenticator.actor(ctx);
    long into = Rest.pathId(ctx, "id", "contact");
    long from = Input.of(ctx).id("from_contact_id");
    if (from == into) throw ApiError.validation("from_contact_id", "a contact cannot be merged into itself");
    return node.db().tx(conn -> Merges.merge(conn, a, into, from));
  }
}
