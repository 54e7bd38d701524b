-- An upload whose file names another region (区划代码 not the uploader's): kept as a version,
-- never put in 报送/ as the uploader's file.
ALTER TABLE upload ADD COLUMN other_region INTEGER NOT NULL DEFAULT 0;
