-- Invite links: an admin creates a user without a password and hands them a link; the invitee sets their own
-- password through it. Only the SHA-256 of the link's token is stored; a link works once, until it expires.
CREATE TABLE user_invite (
  token_hash    bytea PRIMARY KEY,
  workspace_id  bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  user_id       bigint NOT NULL REFERENCES app_user ON DELETE CASCADE,
  created_by    bigint REFERENCES app_user ON DELETE SET NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  used_at       timestamptz
);
CREATE INDEX user_invite_user ON user_invite (user_id);

-- When the user was last signed in and active: set at sign-in and as a session slides (at most every ten minutes),
-- kept when sessions end, so the Users page can say "last seen".
ALTER TABLE app_user ADD COLUMN last_seen_at timestamptz;
UPDATE app_user u SET last_seen_at = (SELECT max(s.last_seen_at) FROM session s WHERE s.user_id = u.id);
