-- Contacts and profiles (issue 8): notes on contacts, search indexes, and the fold used when a merge brings two
-- chat threads of one endpoint together.

CREATE TABLE contact_note (
  id            bigserial PRIMARY KEY,
  workspace_id  bigint NOT NULL REFERENCES workspace ON DELETE CASCADE,
  contact_id    bigint NOT NULL REFERENCES contact ON DELETE CASCADE,
  author_id     bigint REFERENCES app_user ON DELETE SET NULL,
  text          text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_note_contact ON contact_note (contact_id, id);

-- deleting a property definition removes its values; these keep that from scanning every value
CREATE INDEX contact_property_property ON contact_property (property_id);
CREATE INDEX profile_property_property ON profile_property (property_id);
CREATE INDEX opportunity_contact_status ON opportunity (contact_id, status, id);
CREATE INDEX calendar_event_conversation_start ON calendar_event (conversation_id, starts_at, id);

-- Search matches parts of names, addresses, companies, phone digits and property values (ILIKE '%…%'). Trigram
-- indexes make that fast; pg_trgm ships with PostgreSQL (and the embedded one) but an external server may not
-- allow it, so without it the same queries run, only without these indexes.
DO $$
BEGIN
  BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
  EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pg_trgm unavailable (%): contact search runs without trigram indexes', SQLERRM;
  END;
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    BEGIN
      CREATE INDEX contact_name_trgm ON contact USING gin (name gin_trgm_ops);
      CREATE INDEX contact_email_trgm ON contact USING gin (email gin_trgm_ops);
      CREATE INDEX contact_company_trgm ON contact USING gin (company gin_trgm_ops);
      CREATE INDEX contact_phone_digits_trgm ON contact USING gin ((regexp_replace(phone, '[^0-9]', '', 'g')) gin_trgm_ops);
      CREATE INDEX contact_identity_address_trgm ON contact_identity USING gin (address gin_trgm_ops);
      CREATE INDEX contact_property_value_trgm ON contact_property USING gin ((value #>> '{}') gin_trgm_ops);
      CREATE INDEX profile_name_trgm ON profile USING gin (name gin_trgm_ops);
      CREATE INDEX profile_property_value_trgm ON profile_property USING gin ((value #>> '{}') gin_trgm_ops);
    EXCEPTION WHEN OTHERS THEN
      RAISE NOTICE 'trigram indexes not created (%): contact search runs without them', SQLERRM;
    END;
  END IF;
END $$;

-- Moves everything that points at conversation src over to conversation dst. Referencing columns are read from the
-- catalogue, so tables that later features add (calls, scheduled messages, enrolments…) move too without this
-- function knowing them. Rows that would duplicate one of dst's under a unique key stay on src and are deleted
-- with it; callers move rows they want merged (tags) before calling.
CREATE FUNCTION sb_fold_conversation(src bigint, dst bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT k.conrelid::regclass::text AS tbl, a.attname AS col
    FROM pg_constraint k
    JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
    WHERE k.contype = 'f' AND k.confrelid = 'conversation'::regclass AND cardinality(k.conkey) = 1
    ORDER BY 1, 2
  LOOP
    BEGIN
      EXECUTE format('UPDATE %s SET %I = $1 WHERE %I = $2', r.tbl, r.col, r.col) USING dst, src;
    EXCEPTION WHEN unique_violation OR exclusion_violation THEN
      RAISE DEBUG 'rows of % stay with conversation % (they would duplicate %''s)', r.tbl, src, dst;
    END;
  END LOOP;
END $$;
