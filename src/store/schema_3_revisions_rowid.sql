-- ruralenv schema, migration 3: revisions in an ordinary (rowid) table.
--
-- A revision's content is about 1 KB of JSON. In a WITHOUT ROWID table a row that large
-- does not fit in a 4 KB page's share for one row (about 1,000 bytes), so every revision
-- took a page of its own for the spill-over: about 4.5 KB on disk per revision instead of
-- 1.4 KB, and as much again written to the WAL (DESIGN.md: imports and demo data at
-- national scale). Same columns, same primary key (now a unique index), same
-- `revisions_key` index; nothing else changes.

CREATE TABLE revisions_rowid (
    record_id    TEXT NOT NULL,
    rev          INTEGER NOT NULL,
    hash         TEXT NOT NULL,
    form_id      TEXT NOT NULL,
    form_version INTEGER NOT NULL,
    village_code TEXT NOT NULL,
    round        TEXT NOT NULL,
    finalized_at TEXT NOT NULL,
    finalized_by TEXT NOT NULL,
    content      TEXT NOT NULL,
    PRIMARY KEY (record_id, rev, hash)
);

INSERT INTO revisions_rowid(record_id, rev, hash, form_id, form_version, village_code, round,
                            finalized_at, finalized_by, content)
SELECT record_id, rev, hash, form_id, form_version, village_code, round,
       finalized_at, finalized_by, content
FROM revisions ORDER BY record_id, rev, hash;

DROP TABLE revisions;
ALTER TABLE revisions_rowid RENAME TO revisions;
CREATE INDEX revisions_key ON revisions(form_id, village_code, round);
