package io.switchboard;

import io.switchboard.apidocs.ApiDocs;
import io.switchboard.attachment.AttachmentStore;
import io.switchboard.auth.web.Authenticator;
import io.switchboard.auth.InviteMailer;
import io.switchboard.auth.LoginLimiter;
import io.switchboard.auth.Passwords;
import io.switchboard.auth.Roles;
import io.switchboard.automation.Env;
import io.switchboard.channel.Channel;
import io.switchboard.channel.Channels;
import io.switchboard.conversation.Timeline;
import io.switchboard.http.ClientAddress;
import io.switchboard.http.Routes;
import io.switchboard.inbox.EndpointCache;
import io.switchboard.live.LiveGateway;
import io.switchboard.live.Presence;
import io.switchboard.node.Node;
import io.switchboard.ops.Ops;
import io.switchboard.rest.ReportsApi;
import io.switchboard.rest.ActivityApi;
import io.switchboard.rest.RetryApi;
import io.switchboard.rest.RatingPage;
import io.switchboard.rest.ReviewApi;
import io.switchboard.rest.AttachmentApi;
import io.switchboard.rest.AuditApi;
import io.switchboard.rest.AuthApi;
import io.switchboard.rest.CalendarEventApi;
import io.switchboard.rest.CannedReplyApi;
import io.switchboard.rest.ChatbotApi;
import io.switchboard.rest.ContactApi;
import io.switchboard.rest.ContactChannelsApi;
import io.switchboard.rest.ConversationApi;
import io.switchboard.rest.EndpointApi;
import io.switchboard.rest.ConnectionTestApi;
import io.switchboard.rest.InboxApi;
import io.switchboard.rest.InviteApi;
import io.switchboard.rest.MembersApi;
import io.switchboard.rest.MergeApi;
import io.switchboard.rest.MomentsApi;
import io.switchboard.rest.NotesApi;
import io.switchboard.rest.OpportunityApi;
import io.switchboard.rest.PresenceApi;
import io.switchboard.rest.ProfileApi;
import io.switchboard.rest.PropertyApi;
import io.switchboard.rest.ScheduledApi;
import io.switchboard.rest.SequenceApi;
import io.switchboard.rest.SimulateApi;
import io.switchboard.rest.TagApi;
import io.switchboard.sandbox.Sandbox;
import io.switchboard.rest.UsersApi;

/**
 * The route assembly: which part answers which path, mounted on every HTTP verticle instance. The one place that
 * names every REST resource, every channel and the live gateway; nothing below it imports a feature for routing.
 */
record Routing(Node node, Authenticator auth, ClientAddress clients, Passwords passwords, Roles roles, LoginLimiter loginLimiter,
               AttachmentStore attachments, EndpointCache endpoints, Presence presence, Timeline timeline, Env automation,
               Channels channels, Sandbox sandbox, InviteMailer inviteMailer) {

  void mount(Routes r) {
    Ops.mount(r.root(), node, clients);

    AuthApi.mountPublic(r.api(), node, auth, passwords, roles, loginLimiter);
    InviteApi.mountPublic(r.api(), node, auth, passwords, roles);
    ApiDocs.mount(r.root(), r.api());
    RatingPage.mount(r.root(), node);
    ReportsApi.mountAssets(r.root());
    r.api().route().handler(auth.required());
    AuthApi.mount(r.api(), node, auth, passwords, roles, loginLimiter);
    UsersApi.mount(r.api(), node, passwords, roles, inviteMailer);
    InboxApi.mount(r.api(), node);
    EndpointApi.mount(r.api(), node, endpoints, channels);
    SimulateApi.mount(r.api(), node, sandbox);
    ConnectionTestApi.mount(r.api(), node, channels);
    MembersApi.mount(r.api(), node);
    ConversationApi.mount(r.api(), node);
    ContactChannelsApi.mount(r.api(), node);
    // before the activity routes: a reply with a send_at is a scheduled message
    ScheduledApi.mount(r.api(), automation);
    SequenceApi.mount(r.api(), automation);
    ChatbotApi.mount(r.api(), automation);
    ActivityApi.mount(r.api(), node, timeline);
    RetryApi.mount(r.api(), node);
    TagApi.mount(r.api(), node);
    ContactApi.mount(r.api(), node);
    MergeApi.mount(r.api(), node);
    ProfileApi.mount(r.api(), node);
    PropertyApi.mount(r.api(), node);
    CannedReplyApi.mount(r.api(), node);
    MomentsApi.mount(r.api(), node);
    NotesApi.mount(r.api(), node);
    OpportunityApi.mount(r.api(), node);
    CalendarEventApi.mount(r.api(), node);
    AttachmentApi.mount(r.api(), node, attachments);
    AuditApi.mount(r.api(), node);
    ReportsApi.mount(r.api(), node);
    PresenceApi.mount(r.api(), node, presence);
    ReviewApi.mount(r.api(), node);

    for (Channel c : channels.all()) c.mount(r);
    sandbox.mount(r);

    LiveGateway gateway = new LiveGateway(node, auth, presence, r.vertx());
    r.root().get("/live").handler(gateway::upgrade);
    r.onDrain(gateway::drain);
  }
}
