-- ruralenv schema, migration 1. Facts (revisions, reviews, resolutions) are immutable;
-- `current` and `contributions` are derived from them and rebuilt deterministically.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE divisions (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    parent_code TEXT,
    level       TEXT NOT NULL CHECK (level IN ('province','city','county','township','village')),
    in_scope    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX divisions_parent ON divisions(parent_code);

-- Every form version ever used: its TOML source and lookup tables, so an old record
-- always renders and recomputes with its own form.
CREATE TABLE form_versions (
    form_id  TEXT NOT NULL,
    version  INTEGER NOT NULL,
    hash     TEXT NOT NULL,
    source   TEXT NOT NULL,
    tables   TEXT NOT NULL,
    PRIMARY KEY (form_id, version)
) WITHOUT ROWID;

CREATE TABLE records (
    record_id    TEXT PRIMARY KEY,
    form_id      TEXT NOT NULL,
    village_code TEXT NOT NULL,
    round        TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX records_key ON records(form_id, village_code, round);

-- A draft: the working copy of a record, committed one field at a time.
CREATE TABLE drafts (
    record_id    TEXT PRIMARY KEY REFERENCES records(record_id),
    form_version INTEGER NOT NULL,
    base_rev     INTEGER,
    base_hash    TEXT,
    started_at   TEXT NOT NULL,
    started_by   TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE draft_values (
    record_id  TEXT NOT NULL REFERENCES drafts(record_id) ON DELETE CASCADE,
    grp        TEXT NOT NULL DEFAULT '',
    row_id     TEXT NOT NULL DEFAULT '',
    field      TEXT NOT NULL,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (record_id, grp, row_id, field)
) WITHOUT ROWID;

CREATE TABLE draft_rows (
    record_id TEXT NOT NULL REFERENCES drafts(record_id) ON DELETE CASCADE,
    grp       TEXT NOT NULL,
    row_id    TEXT NOT NULL,
    ord       INTEGER NOT NULL,
    PRIMARY KEY (record_id, grp, row_id)
) WITHOUT ROWID;

-- Immutable finalized revisions. Same (record, rev) with another hash is a fork.
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
    PRIMARY KEY (record_id, rev, hash)
) WITHOUT ROWID;
CREATE INDEX revisions_key ON revisions(form_id, village_code, round);

CREATE TABLE contributions (
    record_id TEXT NOT NULL,
    rev       INTEGER NOT NULL,
    hash      TEXT NOT NULL,
    indicator TEXT NOT NULL,
    num       REAL NOT NULL,
    den       REAL NOT NULL,
    PRIMARY KEY (record_id, rev, hash, indicator)
) WITHOUT ROWID;

-- Who changed which field from what to what, and when (one row per change of a revision).
CREATE TABLE audit (
    record_id TEXT NOT NULL,
    rev       INTEGER NOT NULL,
    hash      TEXT NOT NULL,
    field     TEXT NOT NULL,
    old       TEXT,
    new       TEXT,
    who       TEXT NOT NULL,
    at        TEXT NOT NULL,
    PRIMARY KEY (record_id, rev, hash, field)
) WITHOUT ROWID;

-- Review decisions on a revision: approve or return with a comment.
CREATE TABLE reviews (
    review_id TEXT PRIMARY KEY,
    record_id TEXT NOT NULL,
    rev       INTEGER NOT NULL,
    hash      TEXT NOT NULL,
    action    TEXT NOT NULL CHECK (action IN ('approve','return')),
    comment   TEXT NOT NULL DEFAULT '',
    who       TEXT NOT NULL,
    at        TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX reviews_record ON reviews(record_id);

-- A person's choice between forks of a record, or between duplicate records of a village.
CREATE TABLE resolutions (
    resolution_id TEXT PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('fork','duplicate')),
    form_id       TEXT NOT NULL,
    village_code  TEXT NOT NULL,
    round         TEXT NOT NULL,
    record_id     TEXT NOT NULL,
    rev           INTEGER NOT NULL,
    hash          TEXT NOT NULL,
    who           TEXT NOT NULL,
    at            TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX resolutions_key ON resolutions(form_id, village_code, round);

-- Derived: the revision that counts for each (form, village, round).
CREATE TABLE current (
    form_id      TEXT NOT NULL,
    village_code TEXT NOT NULL,
    round        TEXT NOT NULL,
    record_id    TEXT NOT NULL,
    rev          INTEGER NOT NULL,
    hash         TEXT NOT NULL,
    records      INTEGER NOT NULL,
    forked       INTEGER NOT NULL,
    resolved     INTEGER NOT NULL,
    PRIMARY KEY (form_id, village_code, round)
) WITHOUT ROWID;
CREATE INDEX current_round ON current(round, village_code);

CREATE TABLE trusted_keys (
    public_key TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    scope      TEXT NOT NULL,
    added_at   TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE imports (
    bundle_id   TEXT PRIMARY KEY,
    file_name   TEXT NOT NULL,
    signer      TEXT NOT NULL,
    imported_at TEXT NOT NULL
) WITHOUT ROWID;
