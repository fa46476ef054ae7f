-- Switchboard core schema: the whole glossary of the design. Every table carries workspace_id.

CREATE TABLE workspace (
  id          bigserial PRIMARY KEY,
  slug        text NOT NULL UNIQUE,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Roles are named sets of permissions; code checks permissions, never role names.
CREATE TABLE role (
  name        text PRIMARY KEY,
  description text NOT NULL
);

CREATE TABLE role_permission (
  role        text NOT NULL REFERENCES role ON DELETE CASCADE,
  permission  text NOT NULL,
  PRIMARY KEY (role, permission)
);

INSERT INTO role (name, description) VALUES
  ('admin', 'manages the workspace: inboxes, endpoints, members, users, properties, chatbots'),
  ('supervisor', 'leads agents: assigns, reviews and reports'),
  ('agent', 'answers conversations of the inboxes they are a member of');

INSERT INTO role_permission (role, permission) VALUES
  ('admin', 'inbox.use'), ('admin', 'calls.make'), ('admin', 'contacts.manage'),
  ('admin', 'conversations.assign'), ('admin', 'reviews.manage'), ('admin', 'reports.view'),
  ('admin', 'settings.manage'),
  ('supervisor', 'inbox.use'), ('supervisor', 'calls.make'), ('supervisor', 'contacts.manage'),
  ('supervisor', 'conversations.assign'), ('supervisor', 'reviews.manage'), ('supervisor', 'reports.view'),
  ('agent', 'inbox.use'), ('agent', 'calls.make'), ('agent', 'contacts.manage');

CREATE TABLE app_user (
  id                bigserial PRIMARY KEY,
  workspace_id      bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  email             text NOT NULL,
  name              text NOT NULL,
  role              text NOT NULL REFERENCES role,
  password_hash     text,
  default_inbox_id  bigint,
  active            boolean NOT NULL DEFAULT true,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
-- login is by e-mail alone, so an address names one user across the hub
CREATE UNIQUE INDEX app_user_email ON app_user (lower(email));
CREATE INDEX app_user_workspace ON app_user (workspace_id);

CREATE TABLE session (
  token_hash    bytea PRIMARY KEY,
  workspace_id  bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  user_id       bigint NOT NULL REFERENCES app_user ON DELETE CASCADE,
  csrf_token    text NOT NULL,
  ip            text,
  user_agent    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL
);
CREATE INDEX session_by_user ON session (user_id);
CREATE INDEX session_expiry ON session (expires_at);

CREATE TABLE access_token (
  id            bigserial PRIMARY KEY,
  workspace_id  bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  user_id       bigint NOT NULL REFERENCES app_user ON DELETE CASCADE,
  name          text NOT NULL,
  token_hash    bytea NOT NULL UNIQUE,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  expires_at    timestamptz,
  revoked_at    timestamptz
);
CREATE INDEX access_token_user ON access_token (user_id);

CREATE TABLE inbox (
  id              bigserial PRIMARY KEY,
  workspace_id    bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  name            text NOT NULL,
  color           text NOT NULL DEFAULT '#4f46e5',
  business_hours  jsonb,
  call_routing    jsonb,
  settings        jsonb NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX inbox_name ON inbox (workspace_id, lower(name));

ALTER TABLE app_user ADD CONSTRAINT app_user_default_inbox
  FOREIGN KEY (default_inbox_id) REFERENCES inbox ON DELETE SET NULL;

CREATE TABLE endpoint (
  id               bigserial PRIMARY KEY,
  workspace_id     bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  inbox_id         bigint NOT NULL REFERENCES inbox ON DELETE CASCADE,
  channel          text NOT NULL CHECK (channel IN ('email', 'phone', 'whatsapp', 'messenger', 'instagram', 'widget', 'api')),
  address          text NOT NULL,
  name             text,
  is_primary       boolean NOT NULL DEFAULT false,
  enabled          boolean NOT NULL DEFAULT true,
  disabled_reason  text,
  settings         jsonb NOT NULL DEFAULT '{}',
  secrets          jsonb NOT NULL DEFAULT '{}',
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (NOT is_primary OR channel = 'phone')
);
-- an address routes to exactly one inbox
CREATE UNIQUE INDEX endpoint_address ON endpoint (channel, address);
-- at most one primary phone number per inbox
CREATE UNIQUE INDEX endpoint_primary_phone ON endpoint (inbox_id) WHERE is_primary;
CREATE INDEX endpoint_inbox ON endpoint (inbox_id);

CREATE TABLE membership (
  workspace_id  bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  inbox_id      bigint NOT NULL REFERENCES inbox ON DELETE CASCADE,
  user_id       bigint NOT NULL REFERENCES app_user ON DELETE CASCADE,
  created_by    bigint REFERENCES app_user ON DELETE SET NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (inbox_id, user_id)
);
CREATE INDEX membership_user ON membership (user_id);

CREATE TABLE audit_log (
  id           bigserial PRIMARY KEY,
  workspace_id bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  actor_id     bigint REFERENCES app_user ON DELETE SET NULL,
  action       text NOT NULL,
  target_type  text NOT NULL,
  target_id    bigint,
  data         jsonb NOT NULL DEFAULT '{}',
  ip           text,
  at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_workspace ON audit_log (workspace_id, id);

-- Contacts, identities, profiles, properties

CREATE TABLE contact (
  id            bigserial PRIMARY KEY,
  workspace_id  bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  name          text,
  email         text,
  phone         text,
  company       text,
  blocked       boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_workspace ON contact (workspace_id, id);

CREATE TABLE contact_identity (
  id            bigserial PRIMARY KEY,
  workspace_id  bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  contact_id    bigint NOT NULL REFERENCES contact ON DELETE CASCADE,
  channel       text NOT NULL,
  address       text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, channel, address)
);
CREATE INDEX contact_identity_contact ON contact_identity (contact_id);

CREATE TABLE profile (
  id            bigserial PRIMARY KEY,
  workspace_id  bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  name          text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX profile_workspace ON profile (workspace_id, id);

CREATE TABLE profile_contact (
  workspace_id  bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  profile_id    bigint NOT NULL REFERENCES profile ON DELETE CASCADE,
  contact_id    bigint NOT NULL REFERENCES contact ON DELETE CASCADE,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (profile_id, contact_id)
);
CREATE INDEX profile_contact_contact ON profile_contact (contact_id);

CREATE TABLE profile_note (
  id            bigserial PRIMARY KEY,
  workspace_id  bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  profile_id    bigint NOT NULL REFERENCES profile ON DELETE CASCADE,
  author_id     bigint REFERENCES app_user ON DELETE SET NULL,
  text          text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX profile_note_profile ON profile_note (profile_id, id);

CREATE TABLE property (
  id            bigserial PRIMARY KEY,
  workspace_id  bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  scope         text NOT NULL CHECK (scope IN ('contact', 'profile')),
  key           text NOT NULL,
  label         text NOT NULL,
  type          text NOT NULL CHECK (type IN ('text', 'number', 'boolean', 'date')),
  position      int NOT NULL DEFAULT 0,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, scope, key)
);

-- values are keyed by the definition's id, so renaming a definition keeps them
CREATE TABLE contact_property (
  contact_id   bigint NOT NULL REFERENCES contact ON DELETE CASCADE,
  property_id  bigint NOT NULL REFERENCES property ON DELETE CASCADE,
  value        jsonb NOT NULL,
  PRIMARY KEY (contact_id, property_id)
);

CREATE TABLE profile_property (
  profile_id   bigint NOT NULL REFERENCES profile ON DELETE CASCADE,
  property_id  bigint NOT NULL REFERENCES property ON DELETE CASCADE,
  value        jsonb NOT NULL,
  PRIMARY KEY (profile_id, property_id)
);

-- Conversations and their activities

CREATE TABLE conversation (
  id                bigserial PRIMARY KEY,
  workspace_id      bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  inbox_id          bigint NOT NULL REFERENCES inbox ON DELETE CASCADE,
  endpoint_id       bigint NOT NULL REFERENCES endpoint,
  contact_id        bigint NOT NULL REFERENCES contact ON DELETE CASCADE,
  channel           text NOT NULL,
  -- where replies go: the contact's address on this channel (e-mail, E.164, wa_id, PSID, visitor id)
  contact_address   text NOT NULL,
  subject           text,
  status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pending', 'snoozed', 'resolved')),
  priority          text NOT NULL DEFAULT 'none' CHECK (priority IN ('none', 'low', 'medium', 'high', 'urgent')),
  assignee_id       bigint REFERENCES app_user ON DELETE SET NULL,
  snoozed_until     timestamptz,
  thread_token      text NOT NULL UNIQUE,
  last_activity_at  timestamptz NOT NULL DEFAULT now(),
  last_incoming_at  timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
-- chat-like channels keep one conversation per contact and endpoint (a resolved one reopens)
CREATE UNIQUE INDEX conversation_chat_thread ON conversation (endpoint_id, contact_id)
  WHERE channel IN ('phone', 'whatsapp', 'messenger', 'instagram', 'widget', 'api');
CREATE INDEX conversation_inbox ON conversation (inbox_id, last_activity_at DESC, id DESC);
CREATE INDEX conversation_contact ON conversation (contact_id);
CREATE INDEX conversation_assignee ON conversation (assignee_id) WHERE assignee_id IS NOT NULL;

CREATE TABLE activity (
  id             bigserial PRIMARY KEY,
  workspace_id   bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  inbox_id       bigint NOT NULL REFERENCES inbox ON DELETE CASCADE,
  conversation_id bigint NOT NULL REFERENCES conversation ON DELETE CASCADE,
  endpoint_id    bigint,
  kind           text NOT NULL CHECK (kind IN ('message', 'note', 'call', 'voicemail', 'system')),
  direction      text CHECK (direction IN ('in', 'out')),
  status         text CHECK (status IN ('received', 'queued', 'sent', 'delivered', 'read', 'failed')),
  sender_type    text NOT NULL CHECK (sender_type IN ('contact', 'user', 'bot', 'system')),
  sender_id      bigint,
  sender_name    text,
  subject        text,
  text           text,
  html           text,
  provider_id    text,
  error_code     text,
  error_message  text,
  data           jsonb NOT NULL DEFAULT '{}',
  search         tsvector GENERATED ALWAYS AS
                   (to_tsvector('simple'::regconfig, coalesce(subject, '') || ' ' || coalesce(text, ''))) STORED,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
-- a redelivered provider message (same id on the same endpoint) is stored once
CREATE UNIQUE INDEX activity_provider_id ON activity (endpoint_id, provider_id) WHERE provider_id IS NOT NULL;
CREATE INDEX activity_conversation ON activity (conversation_id, id);
CREATE INDEX activity_search ON activity USING gin (search);

CREATE TABLE attachment (
  id            bigserial PRIMARY KEY,
  workspace_id  bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  activity_id   bigint REFERENCES activity ON DELETE CASCADE,
  uploaded_by   bigint REFERENCES app_user ON DELETE SET NULL,
  sha256        text,
  size          bigint NOT NULL DEFAULT 0,
  content_type  text NOT NULL DEFAULT 'application/octet-stream',
  filename      text,
  content_id    text,
  inline        boolean NOT NULL DEFAULT false,
  status        text NOT NULL DEFAULT 'stored' CHECK (status IN ('stored', 'failed')),
  source_url    text,
  error         text,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachment_activity ON attachment (activity_id);

CREATE TABLE tag (
  id            bigserial PRIMARY KEY,
  workspace_id  bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  name          text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, name)
);

CREATE TABLE conversation_tag (
  workspace_id     bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  conversation_id  bigint NOT NULL REFERENCES conversation ON DELETE CASCADE,
  tag_id           bigint NOT NULL REFERENCES tag ON DELETE CASCADE,
  created_by       bigint REFERENCES app_user ON DELETE SET NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (conversation_id, tag_id)
);
CREATE INDEX conversation_tag_tag ON conversation_tag (tag_id);

-- what each user has read, for unread counts
CREATE TABLE conversation_read (
  user_id          bigint NOT NULL REFERENCES app_user ON DELETE CASCADE,
  conversation_id  bigint NOT NULL REFERENCES conversation ON DELETE CASCADE,
  last_read_at     timestamptz NOT NULL,
  PRIMARY KEY (user_id, conversation_id)
);

-- Replies waiting for their channel sender; claimed with FOR UPDATE SKIP LOCKED and a lease.
CREATE TABLE outbox (
  id             bigserial PRIMARY KEY,
  workspace_id   bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  activity_id    bigint NOT NULL UNIQUE REFERENCES activity ON DELETE CASCADE,
  channel        text NOT NULL,
  due_at         timestamptz NOT NULL DEFAULT now(),
  attempts       int NOT NULL DEFAULT 0,
  claimed_by     text,
  claimed_until  timestamptz,
  last_error     text,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_due ON outbox (due_at);

-- The event log. Rows are written with the change, unsequenced; the sequencer then numbers them in
-- commit order (seq), so a client resuming "after seq N" can never miss a late-committing event.
CREATE TABLE event (
  id               bigserial PRIMARY KEY,
  seq              bigint UNIQUE,
  workspace_id     bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  inbox_id         bigint,
  conversation_id  bigint,
  type             text NOT NULL,
  data             jsonb NOT NULL DEFAULT '{}',
  at               timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX event_unsequenced ON event (id) WHERE seq IS NULL;
CREATE INDEX event_inbox_seq ON event (inbox_id, seq);
CREATE INDEX event_at ON event (at);

CREATE TABLE event_counter (
  id        int PRIMARY KEY CHECK (id = 1),
  last_seq  bigint NOT NULL
);
INSERT INTO event_counter VALUES (1, 0);

-- Around the contact: opportunities, calendar events, chatbots, scheduled messages, sequences

CREATE TABLE opportunity (
  id            bigserial PRIMARY KEY,
  workspace_id  bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  contact_id    bigint NOT NULL REFERENCES contact ON DELETE CASCADE,
  title         text NOT NULL,
  value         numeric(16, 2),
  currency      text,
  stage         text,
  status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'won', 'lost')),
  close_date    date,
  created_by    bigint REFERENCES app_user ON DELETE SET NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX opportunity_contact ON opportunity (contact_id);

CREATE TABLE calendar_event (
  id               bigserial PRIMARY KEY,
  workspace_id     bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  conversation_id  bigint NOT NULL REFERENCES conversation ON DELETE CASCADE,
  title            text NOT NULL,
  starts_at        timestamptz NOT NULL,
  ends_at          timestamptz NOT NULL,
  location         text,
  notes            text,
  created_by       bigint REFERENCES app_user ON DELETE SET NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at >= starts_at)
);
CREATE INDEX calendar_event_conversation ON calendar_event (conversation_id);

CREATE TABLE chatbot (
  id            bigserial PRIMARY KEY,
  workspace_id  bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  name          text NOT NULL,
  rules         jsonb NOT NULL DEFAULT '[]',
  enabled       boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE conversation_chatbot (
  workspace_id     bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  conversation_id  bigint NOT NULL REFERENCES conversation ON DELETE CASCADE,
  chatbot_id       bigint NOT NULL REFERENCES chatbot ON DELETE CASCADE,
  active           boolean NOT NULL DEFAULT true,
  state            jsonb NOT NULL DEFAULT '{}',
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (conversation_id, chatbot_id)
);

CREATE TABLE scheduled_message (
  id                bigserial PRIMARY KEY,
  workspace_id      bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  conversation_id   bigint NOT NULL REFERENCES conversation ON DELETE CASCADE,
  author_id         bigint REFERENCES app_user ON DELETE SET NULL,
  from_endpoint_id  bigint REFERENCES endpoint ON DELETE SET NULL,
  text              text,
  html              text,
  attachment_ids    bigint[] NOT NULL DEFAULT '{}',
  send_at           timestamptz NOT NULL,
  status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'canceled', 'failed')),
  activity_id       bigint REFERENCES activity ON DELETE SET NULL,
  sent_at           timestamptz,
  lateness_ms       bigint,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX scheduled_message_due ON scheduled_message (send_at) WHERE status = 'pending';
CREATE INDEX scheduled_message_conversation ON scheduled_message (conversation_id);

CREATE TABLE sequence (
  id             bigserial PRIMARY KEY,
  workspace_id   bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  name           text NOT NULL,
  steps          jsonb NOT NULL,
  stop_on_reply  boolean NOT NULL DEFAULT true,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sequence_enrollment (
  id               bigserial PRIMARY KEY,
  workspace_id     bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  sequence_id      bigint NOT NULL REFERENCES sequence ON DELETE CASCADE,
  conversation_id  bigint NOT NULL REFERENCES conversation ON DELETE CASCADE,
  next_step        int NOT NULL DEFAULT 0,
  next_at          timestamptz,
  status           text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'stopped', 'canceled')),
  stop_reason      text,
  created_by       bigint REFERENCES app_user ON DELETE SET NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sequence_enrollment_due ON sequence_enrollment (next_at) WHERE status = 'active';
CREATE UNIQUE INDEX sequence_enrollment_active ON sequence_enrollment (conversation_id, sequence_id) WHERE status = 'active';
