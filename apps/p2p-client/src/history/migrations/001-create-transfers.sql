-- One row per finished transfer (sent or received), whatever its result.
CREATE TABLE transfers (
  id TEXT PRIMARY KEY,
  direction TEXT NOT NULL CHECK (direction IN ('send', 'receive')),
  peer_id TEXT NOT NULL,
  peer_name TEXT NOT NULL,
  -- JSON array of top-level file and folder names.
  names_json TEXT NOT NULL,
  file_count INTEGER NOT NULL,
  total_bytes INTEGER NOT NULL,
  started_at_ms INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  result TEXT NOT NULL CHECK (result IN ('completed', 'declined', 'cancelled', 'failed')),
  error_code TEXT,
  error_message TEXT,
  saved_to TEXT
);
CREATE INDEX transfers_by_start ON transfers (started_at_ms DESC);
