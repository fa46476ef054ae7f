-- An endpoint in sandbox mode: its replies go to the hub's built-in provider simulator instead of a provider.
ALTER TABLE endpoint ADD COLUMN sandbox boolean NOT NULL DEFAULT false;
