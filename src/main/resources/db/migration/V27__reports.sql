-- Reports read the activity history by inbox and time; these indexes let a 90-day report over a million activities
-- answer in well under a second (see docs/reports.md and the benchmark). No rollup table: every figure is computed
-- from the history itself, so it is never stale.

-- messages by inbox and time, answerable from the index alone (counts, heatmap, time series, per-agent counts)
CREATE INDEX activity_report_message ON activity (inbox_id, created_at)
  INCLUDE (conversation_id, direction, sender_type, sender_id) WHERE kind = 'message';
-- calls, voicemails and status changes by inbox and time
CREATE INDEX activity_report_event ON activity (inbox_id, created_at)
  WHERE kind IN ('call', 'voicemail') OR (kind = 'system' AND data->>'change' = 'status');
-- a conversation's messages in time order: its first incoming message and first agent reply
CREATE INDEX activity_report_turn ON activity (conversation_id, created_at)
  INCLUDE (direction, sender_type, sender_id) WHERE kind = 'message';
-- a conversation's status changes in time order: its first resolution, what followed a resolution
CREATE INDEX activity_report_status ON activity (conversation_id, created_at)
  WHERE kind = 'system' AND data->>'change' = 'status';
-- conversations opened by inbox and time
CREATE INDEX conversation_report_opened ON conversation (inbox_id, created_at);
