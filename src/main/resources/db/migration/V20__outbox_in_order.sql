-- Replies of one conversation leave in the order they were written: the dispatcher only claims a conversation's
-- oldest queued row, so a later message never overtakes an earlier one (even one waiting to be retried).
ALTER TABLE outbox ADD COLUMN conversation_id bigint;
UPDATE outbox o SET conversation_id = a.conversation_id FROM activity a WHERE a.id = o.activity_id;
ALTER TABLE outbox ALTER COLUMN conversation_id SET NOT NULL;
CREATE INDEX outbox_conversation ON outbox (conversation_id, id);
