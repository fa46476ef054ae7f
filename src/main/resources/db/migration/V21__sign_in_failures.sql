-- Failed sign-ins, counted by every node alike, so the limits hold behind a load balancer. Keyed by account
-- ('e:' + e-mail) and by client address ('i:' + address); not workspace data: a sign-in names no workspace yet.
-- The janitor deletes rows older than the window.
CREATE TABLE sign_in_failure (
  id bigserial PRIMARY KEY,
  key text NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_failure_key_at ON sign_in_failure (key, at);
