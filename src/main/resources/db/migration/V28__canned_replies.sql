-- Canned replies: saved texts agents insert into a reply by typing /shortcut. Three kinds: the workspace's
-- (inbox_id and owner_id null), an inbox's (inbox_id set, for its members) and an agent's own (owner_id set, for
-- that agent alone). A shortcut is unique within its kind and owner.
CREATE TABLE canned_reply (
  id            bigserial PRIMARY KEY,
  workspace_id  bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  inbox_id      bigint REFERENCES inbox ON DELETE CASCADE,
  owner_id      bigint REFERENCES app_user ON DELETE CASCADE,
  shortcut      text NOT NULL CHECK (shortcut ~ '^[a-z0-9_-]{1,32}$'),
  title         text NOT NULL DEFAULT '',
  text          text NOT NULL,
  created_by    bigint REFERENCES app_user ON DELETE SET NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (inbox_id IS NULL OR owner_id IS NULL)
);
CREATE UNIQUE INDEX canned_reply_workspace_shortcut ON canned_reply (workspace_id, shortcut)
  WHERE inbox_id IS NULL AND owner_id IS NULL;
CREATE UNIQUE INDEX canned_reply_inbox_shortcut ON canned_reply (inbox_id, shortcut) WHERE inbox_id IS NOT NULL;
CREATE UNIQUE INDEX canned_reply_owner_shortcut ON canned_reply (owner_id, shortcut) WHERE owner_id IS NOT NULL;
