-- Events are now numbered by the transaction that writes them (see EventLog): number what an older version left
-- unnumbered, then seq becomes the key and the columns and indexes that served the second pass go.
WITH b AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM event WHERE seq IS NULL),
     c AS (UPDATE event_counter SET last_seq = last_seq + (SELECT count(*) FROM b) WHERE id = 1
           RETURNING last_seq - (SELECT count(*) FROM b) AS base)
UPDATE event e SET seq = c.base + b.n FROM b, c WHERE e.id = b.id;

DROP INDEX event_unsequenced;
ALTER TABLE event DROP CONSTRAINT event_pkey;
ALTER TABLE event DROP COLUMN id;
ALTER TABLE event ALTER COLUMN seq SET NOT NULL;
ALTER TABLE event DROP CONSTRAINT event_seq_key;
ALTER TABLE event ADD CONSTRAINT event_pkey PRIMARY KEY (seq);
-- retention trims by time; times follow seq closely, so a block-range index serves at a fraction of the upkeep
DROP INDEX event_at;
CREATE INDEX event_at ON event USING brin (at);
