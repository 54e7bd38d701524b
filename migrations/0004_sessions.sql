-- Signed-in sessions (tower-sessions' records as JSON), so that a restarted server keeps
-- everyone signed in; expired ones are deleted when the page starts.
CREATE TABLE session (
    id TEXT PRIMARY KEY,
    record TEXT NOT NULL,
    -- seconds since 1970, UTC
    expires INTEGER NOT NULL
);
