-- 发布: the office releases each region's 反馈单 of a quarter to it. A quarter is published
-- from its last row on; scoring again withdraws it until published again.
CREATE TABLE publication (
    id INTEGER PRIMARY KEY,
    quarter TEXT NOT NULL,
    -- 'published' or 'withdrawn'
    event TEXT NOT NULL,
    at TEXT NOT NULL,
    by INTEGER NOT NULL REFERENCES account(id)
);
