-- ruralenv schema, migration 4: what counts (DESIGN.md "What counts", docs/counting.md).
--
-- A village counts, in coverage and in every indicator, when its counted record (the row
-- of `current`: the merge rules' choice among duplicates and forks) is finalized or
-- approved and not returned. The review that decides is the latest one (by instant: times
-- carry the offset of the installation that wrote them; then by
-- review id) of exactly that revision: a review is bound to the revision it judged, so a
-- newer revision is counted as finalized until someone reviews it. A returned record
-- stops counting until a new revision is finalized.
--
-- `counted` is the one place this rule is written; every roll-up reads it instead of
-- `current`. The roll-up triggers are redefined on it, and a review that changes whether
-- a counted revision counts rebuilds its township (store::facts::merge_review).

CREATE VIEW counted AS
SELECT c.* FROM current c
WHERE coalesce((SELECT v.action FROM reviews v
                WHERE v.record_id = c.record_id AND v.rev = c.rev AND v.hash = c.hash
                ORDER BY julianday(v.at) DESC, v.review_id DESC LIMIT 1), 'none') <> 'return';

CREATE INDEX reviews_revision ON reviews(record_id, rev, hash);

DROP TRIGGER current_insert_rollup;
DROP TRIGGER current_update_rollup;
DROP TRIGGER current_delete_rollup;
DROP TRIGGER divisions_scope_rollup;
DROP TRIGGER divisions_insert_rollup;

CREATE TRIGGER current_insert_rollup AFTER INSERT ON current
WHEN (SELECT value FROM settings WHERE key = 'rollup_deferred') IS NULL
BEGIN
    DELETE FROM township_sums
    WHERE form_id = new.form_id AND round = new.round AND township = substr(new.village_code, 1, 9);
    INSERT INTO township_sums(form_id, round, township, indicator, num, den)
    SELECT new.form_id, new.round, substr(new.village_code, 1, 9), k.indicator, sum(k.num), sum(k.den)
    FROM counted c
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
    FROM counted c
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
    FROM counted c
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
    FROM counted c
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
    FROM counted c
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
    FROM counted c
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
    JOIN counted c ON c.form_id = f.form_id
      AND c.village_code >= substr(new.code, 1, 9) AND c.village_code < substr(new.code, 1, 9) || ':'
    JOIN divisions d ON d.code = c.village_code AND d.in_scope = 1
    JOIN contributions k ON k.record_id = c.record_id AND k.rev = c.rev AND k.hash = c.hash
    GROUP BY c.form_id, c.round, k.indicator;
    DELETE FROM township_reported WHERE township = substr(new.code, 1, 9);
    INSERT INTO township_reported(form_id, round, township, reported)
    SELECT c.form_id, c.round, substr(new.code, 1, 9), count(*)
    FROM (SELECT DISTINCT form_id FROM form_versions) f
    JOIN counted c ON c.form_id = f.form_id
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
    JOIN counted c ON c.form_id = f.form_id
      AND c.village_code >= substr(new.code, 1, 9) AND c.village_code < substr(new.code, 1, 9) || ':'
    JOIN divisions d ON d.code = c.village_code AND d.in_scope = 1
    JOIN contributions k ON k.record_id = c.record_id AND k.rev = c.rev AND k.hash = c.hash
    GROUP BY c.form_id, c.round, k.indicator;
    DELETE FROM township_reported WHERE township = substr(new.code, 1, 9);
    INSERT INTO township_reported(form_id, round, township, reported)
    SELECT c.form_id, c.round, substr(new.code, 1, 9), count(*)
    FROM (SELECT DISTINCT form_id FROM form_versions) f
    JOIN counted c ON c.form_id = f.form_id
      AND c.village_code >= substr(new.code, 1, 9) AND c.village_code < substr(new.code, 1, 9) || ':'
    JOIN divisions d ON d.code = c.village_code AND d.in_scope = 1
    GROUP BY c.form_id, c.round;
END;

DELETE FROM township_sums;
INSERT INTO township_sums(form_id, round, township, indicator, num, den)
SELECT c.form_id, c.round, substr(c.village_code, 1, 9), k.indicator, sum(k.num), sum(k.den)
FROM counted c
JOIN divisions d ON d.code = c.village_code AND d.in_scope = 1
JOIN contributions k ON k.record_id = c.record_id AND k.rev = c.rev AND k.hash = c.hash
GROUP BY c.form_id, c.round, substr(c.village_code, 1, 9), k.indicator;

DELETE FROM township_reported;
INSERT INTO township_reported(form_id, round, township, reported)
SELECT c.form_id, c.round, substr(c.village_code, 1, 9), count(*)
FROM counted c
JOIN divisions d ON d.code = c.village_code AND d.in_scope = 1
GROUP BY c.form_id, c.round, substr(c.village_code, 1, 9);
