-- E-mail channel: connected mailboxes (IMAP), their per-folder position, mails that could not be imported, and
-- the tokens of signed MIME webhooks already used.

-- One row per email endpoint with an IMAP account. A node polls a mailbox only while it holds the lease
-- (claimed_by, claimed_until), so with several nodes each mailbox is polled once.
CREATE TABLE mailbox (
  endpoint_id      bigint PRIMARY KEY REFERENCES endpoint ON DELETE CASCADE,
  workspace_id     bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'connected', 'failing', 'stopped')),
  error            text,
  idle             boolean NOT NULL DEFAULT false,
  claimed_by       text,
  claimed_until    timestamptz,
  last_poll_at     timestamptz,
  last_success_at  timestamptz,
  failing_since    timestamptz,
  imported_count   bigint NOT NULL DEFAULT 0,
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Where import stands in each folder: UIDs are only meaningful within one UIDVALIDITY.
CREATE TABLE mailbox_folder (
  endpoint_id  bigint NOT NULL REFERENCES endpoint ON DELETE CASCADE,
  folder       text NOT NULL,
  role         text NOT NULL CHECK (role IN ('inbox', 'sent')),
  uidvalidity  bigint NOT NULL,
  last_uid     bigint NOT NULL DEFAULT 0,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (endpoint_id, folder)
);

-- A mail that could not be imported is recorded here and skipped, never fetched again.
CREATE TABLE mailbox_failure (
  id           bigserial PRIMARY KEY,
  endpoint_id  bigint NOT NULL REFERENCES endpoint ON DELETE CASCADE,
  folder       text NOT NULL,
  uidvalidity  bigint NOT NULL,
  uid          bigint NOT NULL,
  message_id   text,
  error        text NOT NULL,
  at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (endpoint_id, folder, uidvalidity, uid)
);

-- Mailgun-style signatures cover only timestamp + token: a token is accepted once.
CREATE TABLE email_hook_token (
  token    text PRIMARY KEY,
  used_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX email_hook_token_used ON email_hook_token (used_at);

-- reply+<token>@ addresses pass through mail systems that may change the case of the local part
CREATE INDEX conversation_thread_token_lower ON conversation (lower(thread_token));
