-- ruralenv schema, migration 6: indicator contributions keyed by their revision's id.
--
-- Every revision has seven contribution rows (one per ratio indicator). Keyed by
-- (record id, rev, hash, indicator), each row repeated the 36-character record id and the
-- 64-character hash: about 135 bytes a row, 35 MB for one province's round, written twice
-- (WAL, then checkpoint) by every import (docs/performance.md, "Bundles"). Keyed by the
-- revision's integer id they take about a quarter of that.
--
-- `revisions` gets an explicit `id INTEGER PRIMARY KEY`: an alias of the rowid, so the id a
-- contribution names never changes (a bare rowid may be renumbered by VACUUM). The ids are
-- local bookkeeping, like the rowid before: they depend on the order facts arrived in, so
-- nothing compares them across databases; `canonical_dump` and every roll-up see the
-- contributions through the view `contributions`, with the same columns as before.

-- The old table moves aside first, so that no rename happens while the triggers that read
-- `contributions` have nothing by that name to read.
DROP INDEX revisions_key;
ALTER TABLE revisions RENAME TO revisions_rowid;

CREATE TABLE revisions (
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
    id           INTEGER PRIMARY KEY,
    UNIQUE (record_id, rev, hash)
);

INSERT INTO revisions(id, record_id, rev, hash, form_id, form_version, village_code, round,
                      finalized_at, finalized_by, content)
SELECT rowid, record_id, rev, hash, form_id, form_version, village_code, round,
       finalized_at, finalized_by, content
FROM revisions_rowid ORDER BY rowid;

DROP TABLE revisions_rowid;
CREATE INDEX revisions_key ON revisions(form_id, village_code, round);

-- (revision id, indicator) -> numerator, denominator of one revision's term.
CREATE TABLE contribution_terms (
    revision  INTEGER NOT NULL,
    indicator TEXT NOT NULL,
    num       REAL NOT NULL,
    den       REAL NOT NULL,
    PRIMARY KEY (revision, indicator)
) WITHOUT ROWID;

INSERT INTO contribution_terms(revision, indicator, num, den)
SELECT r.id, k.indicator, k.num, k.den
FROM contributions k
JOIN revisions r ON r.record_id = k.record_id AND r.rev = k.rev AND r.hash = k.hash
ORDER BY r.id, k.indicator;

DROP TABLE contributions;

-- The contributions as every reader knew them (the roll-up triggers of migration 4 read
-- this name). Read-only: contributions are written to `contribution_terms`.
CREATE VIEW contributions AS
SELECT r.record_id AS record_id, r.rev AS rev, r.hash AS hash,
       t.indicator AS indicator, t.num AS num, t.den AS den
FROM contribution_terms t JOIN revisions r ON r.id = t.revision;
