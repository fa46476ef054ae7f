-- An endpoint's recent outgoing messages, read to tell whether its sends keep failing (endpoint health).
CREATE INDEX activity_outgoing_endpoint ON activity (endpoint_id, created_at) WHERE kind = 'message' AND direction = 'out';
