package io.switchboard.crm;

import io.switchboard.Hub;
import io.vertx.ext.web.Router;

/**
 * The sales side of the contact sidebar: opportunities on contacts and calendar events on conversations. A package
 * of its own because neither is part of a contact's identity or a conversation's lifecycle: each leans only on the
 * public visibility checks ({@code Contacts.visible}, {@code Conversations.visible}) and adds nothing to them.
 */
public final class CrmRoutes {

  private CrmRoutes() {
  }

  public static void mount(Router api, Hub hub) {
    OpportunityApi.mount(api, hub);
    CalendarEventApi.mount(api, hub);
  }
}
