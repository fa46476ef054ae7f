-- Telephony (issue 6): the agent's own phone number, rung for inbound calls and click-to-call, and provider
-- status callbacks that arrived before the send they report on was recorded.

ALTER TABLE app_user ADD COLUMN phone text;

-- A status callback whose MessageSid/CallSid is not stored yet waits here; the sender applies it once it has
-- recorded the sid. Rows are consumed under the activity's row lock, so each is applied exactly once in effect.
CREATE TABLE telephony_early_callback (
  id           bigserial PRIMARY KEY,
  endpoint_id  bigint NOT NULL REFERENCES endpoint ON DELETE CASCADE,
  sid          text NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('message', 'call')),
  params       jsonb NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX telephony_early_callback_sid ON telephony_early_callback (endpoint_id, sid);
