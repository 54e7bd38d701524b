-- The 收表 page's records: accounts, the uploads of each region and quarter (every version,
-- never overwritten), the office's reviews, and the audit log. Applied once, in order, by
-- src/web/db.rs; PRAGMA user_version says how many have been applied.
CREATE TABLE account (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    -- 'office', 'leader' or 'region'
    role TEXT NOT NULL,
    -- the region's 区划代码 for a region's account; '' otherwise
    region TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    password TEXT NOT NULL,
    must_change INTEGER NOT NULL DEFAULT 1,
    failures INTEGER NOT NULL DEFAULT 0,
    locked INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE upload (
    id INTEGER PRIMARY KEY,
    quarter TEXT NOT NULL,
    region TEXT NOT NULL,
    -- the stored file, relative to the workspace; a generated name
    stored TEXT NOT NULL UNIQUE,
    -- the name the region's computer gave it, for display only
    original TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    uploaded_at TEXT NOT NULL,
    uploaded_by INTEGER NOT NULL REFERENCES account(id),
    errors INTEGER NOT NULL,
    warnings INTEGER NOT NULL,
    -- the check's problems, one per line: severity, sheet, cell, message separated by tabs
    problems TEXT NOT NULL,
    filled_by TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT ''
);
CREATE INDEX upload_by_region ON upload (quarter, region, id);

CREATE TABLE review (
    id INTEGER PRIMARY KEY,
    quarter TEXT NOT NULL,
    region TEXT NOT NULL,
    -- 'accepted', 'returned' or 'reopened'
    decision TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    upload INTEGER REFERENCES upload(id),
    at TEXT NOT NULL,
    by INTEGER NOT NULL REFERENCES account(id)
);
CREATE INDEX review_by_region ON review (quarter, region, id);

CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    account TEXT NOT NULL,
    address TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
