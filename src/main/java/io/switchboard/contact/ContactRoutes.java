package io.switchboard.contact;

import io.switchboard.Hub;
import io.vertx.ext.web.Router;

/**
 * Mounts everything about contacts and profiles on the API router: contacts, their merge and notes, custom
 * property definitions, profiles with their moments, attachments and notes.
 */
public final class ContactRoutes {

  private ContactRoutes() {
  }

  public static void mount(Router api, Hub hub) {
    ContactApi.mount(api, hub);
    Merge.mount(api, hub);
    PropertyApi.mount(api, hub);
    ProfileApi.mount(api, hub);
    Moments.mount(api, hub);
    Notes.mount(api, hub);
  }
}
