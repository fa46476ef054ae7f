-- Automation (issue 10): scheduled messages, follow-up sequences, chatbots, auto-assignment and auto-replies.

-- How far the automation worker has read the event log. One row; the node that processes events holds its row
-- lock for the length of a pass, and the actions an event causes commit together with the cursor moving past it,
-- so each event is acted on exactly once however many nodes run. Existing logs are not replayed on upgrade.
CREATE TABLE automation_cursor (
  id          int PRIMARY KEY CHECK (id = 1),
  last_seq    bigint NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO automation_cursor (id, last_seq) SELECT 1, last_seq FROM event_counter WHERE id = 1;

ALTER TABLE scheduled_message
  ADD COLUMN subject        text,
  ADD COLUMN error_code     text,
  ADD COLUMN error_message  text,
  -- the node that sent it, for operators reading a multi-node log
  ADD COLUMN sent_by        text,
  ADD COLUMN canceled_by    bigint REFERENCES app_user ON DELETE SET NULL,
  ADD COLUMN updated_at     timestamptz NOT NULL DEFAULT now();
CREATE INDEX scheduled_message_conversation_time ON scheduled_message (conversation_id, send_at, id);

-- Files of a pending scheduled message are reserved for it, so they cannot be sent (or reserved) elsewhere meanwhile.
ALTER TABLE attachment ADD COLUMN scheduled_message_id bigint REFERENCES scheduled_message ON DELETE SET NULL;
CREATE INDEX attachment_scheduled_message ON attachment (scheduled_message_id) WHERE scheduled_message_id IS NOT NULL;

-- A deleted sequence stays for the history of its enrolments.
ALTER TABLE sequence ADD COLUMN deleted_at timestamptz;
CREATE INDEX sequence_workspace ON sequence (workspace_id, id) WHERE deleted_at IS NULL;

ALTER TABLE sequence_enrollment
  -- the conversation's newest activity when it was enrolled: only a contact message after it stops the sequence
  ADD COLUMN since_activity_id  bigint NOT NULL DEFAULT 0,
  ADD COLUMN steps_sent         int NOT NULL DEFAULT 0;
CREATE INDEX sequence_enrollment_conversation ON sequence_enrollment (conversation_id, id);

CREATE INDEX chatbot_workspace ON chatbot (workspace_id, id);

ALTER TABLE conversation_chatbot
  -- 'conversation': added by an agent; 'inbox': the inbox's default bot joined by itself
  ADD COLUMN source        text NOT NULL DEFAULT 'conversation' CHECK (source IN ('conversation', 'inbox')),
  ADD COLUMN stop_reason   text,
  ADD COLUMN activated_at  timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN updated_at    timestamptz NOT NULL DEFAULT now();
CREATE INDEX conversation_chatbot_chatbot ON conversation_chatbot (chatbot_id);

-- Per conversation: when the outside-hours auto-reply last went out (at most once per closed period).
CREATE TABLE conversation_automation (
  conversation_id  bigint PRIMARY KEY REFERENCES conversation ON DELETE CASCADE,
  auto_replied_at  timestamptz
);

-- Round-robin position per inbox: the member who got the last automatic assignment.
CREATE TABLE inbox_assignment (
  inbox_id      bigint PRIMARY KEY REFERENCES inbox ON DELETE CASCADE,
  last_user_id  bigint
);
