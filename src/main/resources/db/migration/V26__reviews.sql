-- Customer reviews: a request sent when a conversation is resolved, answered once with a rating of 1 to 5.
-- A request lives until answered or expired; only the SHA-256 of its link's token is kept.
CREATE TABLE review (
  id               bigserial PRIMARY KEY,
  workspace_id     bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  inbox_id         bigint NOT NULL REFERENCES inbox ON DELETE CASCADE,
  conversation_id  bigint NOT NULL REFERENCES conversation ON DELETE CASCADE,
  contact_id       bigint NOT NULL REFERENCES contact ON DELETE CASCADE,
  -- who the conversation was assigned to when it was resolved: the agent the rating is about
  agent_id         bigint REFERENCES app_user ON DELETE SET NULL,
  channel          text NOT NULL,
  token_hash       bytea UNIQUE,
  asked_at         timestamptz NOT NULL DEFAULT now(),
  expires_at       timestamptz NOT NULL,
  rating           smallint CHECK (rating BETWEEN 1 AND 5),
  comment          text,
  answered_at      timestamptz,
  -- the activity that records the rating in the conversation
  activity_id      bigint REFERENCES activity ON DELETE SET NULL,
  CHECK ((rating IS NULL) = (answered_at IS NULL))
);
CREATE INDEX review_inbox_asked ON review (inbox_id, asked_at);
CREATE INDEX review_conversation ON review (conversation_id);
