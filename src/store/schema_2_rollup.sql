-- ruralenv schema, migration 2: township roll-up tables.
--
-- A report for a province or the whole country sums the counted contributions of every
-- in-scope village by township, then up the tree. Summing hundreds of thousands of
-- contribution rows at every report is slower than the one-query roll-up of the raw rows
-- (DESIGN.md performance budget), so the township sums are kept, derived like `current`:
--
-- township_sums      Σ num, Σ den per (form, round, township, indicator) over the in-scope
--                    villages' counted revisions (`current` ⋈ `contributions` ⋈ `divisions`)
-- township_reported  how many in-scope villages of the township have a counted revision
--
-- A township's rows are rebuilt from scratch (never adjusted by differences, which would
-- make the floating-point sums depend on the order facts arrived in) by triggers:
-- whenever `current` changes for one of its villages, and whenever a village's scope
-- changes or an in-scope village with records enters the register. A bulk load
-- (`store::bulk`) sets `settings.rollup_deferred`, which silences the `current` triggers,
-- and rebuilds the townships it touched with one statement before it commits.

CREATE TABLE township_sums (
    form_id   TEXT NOT NULL,
    round     TEXT NOT NULL,
    township  TEXT NOT NULL,
    indicator TEXT NOT NULL,
    num       REAL NOT NULL,
    den       REAL NOT NULL,
    PRIMARY KEY (form_id, round, township, indicator)
) WITHOUT ROWID;

CREATE TABLE township_reported (
    form_id  TEXT NOT NULL,
    round    TEXT NOT NULL,
    township TEXT NOT NULL,
    reported INTEGER NOT NULL,
    PRIMARY KEY (form_id, round, township)
) WITHOUT ROWID;

INSERT INTO township_sums(form_id, round, township, indicator, num, den)
SELECT c.form_id, c.round, substr(c.village_code, 1, 9), k.indicator, sum(k.num), sum(k.den)
FROM current c
JOIN divisions d ON d.code = c.village_code AND d.in_scope = 1
JOIN contributions k ON k.record_id = c.record_id AND k.rev = c.rev AND k.hash = c.hash
GROUP BY c.form_id, c.round, substr(c.village_code, 1, 9), k.indicator;

INSERT INTO township_reported(form_id, round, township, reported)
SELECT c.form_id, c.round, substr(c.village_code, 1, 9), count(*)
FROM current c
JOIN divisions d ON d.code = c.village_code AND d.in_scope = 1
GROUP BY c.form_id, c.round, substr(c.village_code, 1, 9);

-- One (form, round, township) rebuilt after a change of `current` for one of its villages.
CREATE TRIGGER current_insert_rollup AFTER INSERT ON current
WHEN (SELECT value FROM settings WHERE key = 'rollup_deferred') IS NULL
BEGIN
    DELETE FROM township_sums
    WHERE form_id = new.form_id AND round = new.round AND township = substr(new.village_code, 1, 9);
    INSERT INTO township_sums(form_id, round, township, indicator, num, den)
    SELECT new.form_id, new.round, substr(new.village_code, 1, 9), k.indicator, sum(k.num), sum(k.den)
    FROM current c
    JOIN divisions d ON d.code = c.village_code AND d.in_scope = 1
    JOIN contributions k ON k.record_id = c.record_id AND k.rev = c.rev AND k.hash = c.hash
    WHERE c.form_id = new.form_id AND c.round = new.round
      AND c.village_code >= substr(new.village_code, 1, 9)
      AND c.village_code < substr(new.village_code, 1, 9) || ':'
    GROUP BY k.indicator;
    DELETE FROM township_reported
    WHERE form_id = new.form_id AND round = new.round AND township = substr(new.village_code, 1, 9);
    INSERT INTO township_reported(form_id, round, township, reported)
    SELECT new.form_id, new.round, substr(new.village_code, 1, 9), count(*)
    FROM current c
    JOIN divisions d ON d.code = c.village_code AND d.in_scope = 1
    WHERE c.form_id = new.form_id AND c.round = new.round
      AND c.village_code >= substr(new.village_code, 1, 9)
      AND c.village_code < substr(new.village_code, 1, 9) || ':'
    HAVING count(*) > 0;
END;

CREATE TRIGGER current_update_rollup AFTER UPDATE ON current
WHEN (SELECT value FROM settings WHERE key = 'rollup_deferred') IS NULL
BEGIN
    DELETE FROM township_sums
    WHERE form_id = new.form_id AND round = new.round AND township = substr(new.village_code, 1, 9);
    INSERT INTO township_sums(form_id, round, township, indicator, num, den)
    SELECT new.form_id, new.round, substr(new.village_code, 1, 9), k.indicator, sum(k.num), sum(k.den)
    FROM current c
    JOIN divisions d ON d.code = c.village_code AND d.in_scope = 1
    JOIN contributions k ON k.record_id = c.record_id AND k.rev = c.rev AND k.hash = c.hash
    WHERE c.form_id = new.form_id AND c.round = new.round
      AND c.village_code >= substr(new.village_code, 1, 9)
      AND c.village_code < substr(new.village_code, 1, 9) || ':'
    GROUP BY k.indicator;
    DELETE FROM township_reported
    WHERE form_id = new.form_id AND round = new.round AND township = substr(new.village_code, 1, 9);
    INSERT INTO township_reported(form_id, round, township, reported)
    SELECT new.form_id, new.round, substr(new.village_code, 1, 9), count(*)
    FROM current c
    JOIN divisions d ON d.code = c.village_code AND d.in_scope = 1
    WHERE c.form_id = new.form_id AND c.round = new.round
      AND c.village_code >= substr(new.village_code, 1, 9)
      AND c.village_code < substr(new.village_code, 1, 9) || ':'
    HAVING count(*) > 0;
END;

CREATE TRIGGER current_delete_rollup AFTER DELETE ON current
WHEN (SELECT value FROM settings WHERE key = 'rollup_deferred') IS NULL
BEGIN
    DELETE FROM township_sums
    WHERE form_id = old.form_id AND round = old.round AND township = substr(old.village_code, 1, 9);
    INSERT INTO township_sums(form_id, round, township, indicator, num, den)
    SELECT old.form_id, old.round, substr(old.village_code, 1, 9), k.indicator, sum(k.num), sum(k.den)
    FROM current c
    JOIN divisions d ON d.code = c.village_code AND d.in_scope = 1
    JOIN contributions k ON k.record_id = c.record_id AND k.rev = c.rev AND k.hash = c.hash
    WHERE c.form_id = old.form_id AND c.round = old.round
      AND c.village_code >= substr(old.village_code, 1, 9)
      AND c.village_code < substr(old.village_code, 1, 9) || ':'
    GROUP BY k.indicator;
    DELETE FROM township_reported
    WHERE form_id = old.form_id AND round = old.round AND township = substr(old.village_code, 1, 9);
    INSERT INTO township_reported(form_id, round, township, reported)
    SELECT old.form_id, old.round, substr(old.village_code, 1, 9), count(*)
    FROM current c
    JOIN divisions d ON d.code = c.village_code AND d.in_scope = 1
    WHERE c.form_id = old.form_id AND c.round = old.round
      AND c.village_code >= substr(old.village_code, 1, 9)
      AND c.village_code < substr(old.village_code, 1, 9) || ':'
    HAVING count(*) > 0;
END;

-- A village's scope changed (a county edited the register), or an in-scope village that
-- already has records entered the register: rebuild its township for every form and round.
CREATE TRIGGER divisions_scope_rollup AFTER UPDATE OF in_scope ON divisions
WHEN new.level = 'village' AND old.in_scope IS NOT new.in_scope
BEGIN
    DELETE FROM township_sums WHERE township = substr(new.code, 1, 9);
    INSERT INTO township_sums(form_id, round, township, indicator, num, den)
    SELECT c.form_id, c.round, substr(new.code, 1, 9), k.indicator, sum(k.num), sum(k.den)
    FROM (SELECT DISTINCT form_id FROM form_versions) f
    JOIN current c ON c.form_id = f.form_id
      AND c.village_code >= substr(new.code, 1, 9) AND c.village_code < substr(new.code, 1, 9) || ':'
    JOIN divisions d ON d.code = c.village_code AND d.in_scope = 1
    JOIN contributions k ON k.record_id = c.record_id AND k.rev = c.rev AND k.hash = c.hash
    GROUP BY c.form_id, c.round, k.indicator;
    DELETE FROM township_reported WHERE township = substr(new.code, 1, 9);
    INSERT INTO township_reported(form_id, round, township, reported)
    SELECT c.form_id, c.round, substr(new.code, 1, 9), count(*)
    FROM (SELECT DISTINCT form_id FROM form_versions) f
    JOIN current c ON c.form_id = f.form_id
      AND c.village_code >= substr(new.code, 1, 9) AND c.village_code < substr(new.code, 1, 9) || ':'
    JOIN divisions d ON d.code = c.village_code AND d.in_scope = 1
    GROUP BY c.form_id, c.round;
END;

CREATE TRIGGER divisions_insert_rollup AFTER INSERT ON divisions
WHEN new.level = 'village' AND new.in_scope = 1
  AND EXISTS (SELECT 1 FROM (SELECT DISTINCT form_id FROM form_versions) f
              JOIN current c ON c.form_id = f.form_id AND c.village_code = new.code)
BEGIN
    DELETE FROM township_sums WHERE township = substr(new.code, 1, 9);
    INSERT INTO township_sums(form_id, round, township, indicator, num, den)
    SELECT c.form_id, c.round, substr(new.code, 1, 9), k.indicator, sum(k.num), sum(k.den)
    FROM (SELECT DISTINCT form_id FROM form_versions) f
    JOIN current c ON c.form_id = f.form_id
      AND c.village_code >= substr(new.code, 1, 9) AND c.village_code < substr(new.code, 1, 9) || ':'
    JOIN divisions d ON d.code = c.village_code AND d.in_scope = 1
    JOIN contributions k ON k.record_id = c.record_id AND k.rev = c.rev AND k.hash = c.hash
    GROUP BY c.form_id, c.round, k.indicator;
    DELETE FROM township_reported WHERE township = substr(new.code, 1, 9);
    INSERT INTO township_reported(form_id, round, township, reported)
    SELECT c.form_id, c.round, substr(new.code, 1, 9), count(*)
    FROM (SELECT DISTINCT form_id FROM form_versions) f
    JOIN current c ON c.form_id = f.form_id
      AND c.village_code >= substr(new.code, 1, 9) AND c.village_code < substr(new.code, 1, 9) || ':'
    JOIN divisions d ON d.code = c.village_code AND d.in_scope = 1
    GROUP BY c.form_id, c.round;
END;
