//! The roll-up queries: indicator sums per township (or per village), reported and
//! in-scope village counts. Higher levels are sums of these, done by `report::rollup`.

use super::{DivisionRow, Result, Store};
use crate::register::Level;
use rusqlite::params;
use rusqlite::types::ValueRef;
use std::collections::HashMap;
use std::sync::Arc;

/// One in-scope village for a round (`Store::village_facts`).
#[derive(Debug, Clone, PartialEq)]
pub struct VillageFacts {
    pub code: String,
    pub name: String,
    /// A counted record reports it.
    pub reported: bool,
    /// (indicator, numerator, denominator) of the counted record; the indicator's id is
    /// shared by every village (one allocation per indicator, not per village).
    pub sums: Vec<(Arc<str>, f64, f64)>,
}

/// Sums for one bucket (a township's 9-digit prefix, or a village code).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bucket {
    pub in_scope: u64,
    pub reported: u64,
    /// indicator → (Σ numerator, Σ denominator)
    pub sums: HashMap<String, (f64, f64)>,
}

impl Store {
    /// Buckets by the first `digits` digits of the village code (9 = township, 12 = village),
    /// for in-scope villages under `prefix`, counting each village's current record once.
    pub fn rollup_buckets(
        &self,
        form_id: &str,
        round: &str,
        prefix: &str,
        digits: usize,
    ) -> Result<HashMap<String, Bucket>> {
        let mut out: HashMap<String, Bucket> = HashMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT substr(code, 1, ?2), count(*) FROM divisions
             WHERE level = 'village' AND in_scope = 1 AND code >= ?1 AND code < ?1 || ':'
             GROUP BY 1",
        )?;
        for row in stmt.query_map(params![prefix, digits as i64], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })? {
            let (k, n) = row?;
            out.entry(k).or_default().in_scope = n as u64;
        }
        if digits == 9 && prefix.len() <= 9 {
            self.township_rollup(form_id, round, prefix, &mut out)?;
            return Ok(out);
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT substr(c.village_code, 1, ?4), count(*) FROM counted c
             JOIN divisions d ON d.code = c.village_code AND d.in_scope = 1
             WHERE c.form_id = ?1 AND c.round = ?2 AND c.village_code >= ?3 AND c.village_code < ?3 || ':'
             GROUP BY 1",
        )?;
        for row in stmt.query_map(params![form_id, round, prefix, digits as i64], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })? {
            let (k, n) = row?;
            out.entry(k).or_default().reported = n as u64;
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT substr(c.village_code, 1, ?4), k.indicator, sum(k.num), sum(k.den) FROM counted c
             JOIN divisions d ON d.code = c.village_code AND d.in_scope = 1
             JOIN contributions k ON k.record_id = c.record_id AND k.rev = c.rev AND k.hash = c.hash
             WHERE c.form_id = ?1 AND c.round = ?2 AND c.village_code >= ?3 AND c.village_code < ?3 || ':'
             GROUP BY 1, 2",
        )?;
        for row in stmt.query_map(params![form_id, round, prefix, digits as i64], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, f64>(2)?,
                r.get::<_, f64>(3)?,
            ))
        })? {
            let (k, ind, n, d) = row?;
            out.entry(k).or_default().sums.insert(ind, (n, d));
        }
        Ok(out)
    }

    /// Reported counts and sums of whole townships under a prefix of at most 9 digits, from
    /// the township roll-up tables kept by `schema_2_rollup.sql`: the same numbers as
    /// summing `current` ⋈ `contributions` here, without reading a row per village.
    fn township_rollup(
        &self,
        form_id: &str,
        round: &str,
        prefix: &str,
        out: &mut HashMap<String, Bucket>,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT township, reported FROM township_reported
             WHERE form_id = ?1 AND round = ?2 AND township >= ?3 AND township < ?3 || ':'",
        )?;
        for row in stmt.query_map(params![form_id, round, prefix], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })? {
            let (k, n) = row?;
            out.entry(k).or_default().reported = n as u64;
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT township, indicator, num, den FROM township_sums
             WHERE form_id = ?1 AND round = ?2 AND township >= ?3 AND township < ?3 || ':'",
        )?;
        for row in stmt.query_map(params![form_id, round, prefix], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, f64>(2)?,
                r.get::<_, f64>(3)?,
            ))
        })? {
            let (k, ind, n, d) = row?;
            out.entry(k).or_default().sums.insert(ind, (n, d));
        }
        Ok(())
    }

    /// The units a roll-up under `under` lists: `under` first, then every unit below it
    /// down to `max_level`, in code order; villages only when in scope. One range scan of
    /// the register: a filter that cannot use the code index would read the whole
    /// national register for every report.
    pub fn rollup_units(&self, under: &DivisionRow, max_level: Level) -> Result<Vec<DivisionRow>> {
        let levels: Vec<&str> = [Level::Province, Level::City, Level::County, Level::Township]
            .into_iter()
            .filter(|l| *l <= max_level)
            .map(Level::as_str)
            .collect();
        let villages = max_level >= Level::Village;
        let mut stmt = self.conn.prepare_cached(
            "SELECT code, name, parent_code, level, in_scope FROM divisions
             WHERE code >= ?1 AND code < ?1 || ':' AND code <> ?2
               AND (level IN (?3, ?4, ?5, ?6) OR (?7 AND level = 'village' AND in_scope = 1))
             ORDER BY code",
        )?;
        let mut out = vec![under.clone()];
        let rows = stmt.query_map(
            params![
                under.prefix(),
                under.code,
                levels.first().copied().unwrap_or(""),
                levels.get(1).copied().unwrap_or(""),
                levels.get(2).copied().unwrap_or(""),
                levels.get(3).copied().unwrap_or(""),
                villages,
            ],
            |r| {
                let level: String = r.get(3)?;
                Ok(DivisionRow {
                    code: r.get(0)?,
                    name: r.get(1)?,
                    parent: r.get(2)?,
                    level: Level::parse(&level).unwrap_or(Level::Village),
                    in_scope: r.get::<_, i64>(4)? != 0,
                })
            },
        )?;
        for row in rows {
            out.push(row?);
        }
        Ok(out)
    }

    /// Per-village contributions of one indicator under a prefix (for "what holds it back").
    /// (village code, numerator, denominator)
    pub fn village_contributions(
        &self,
        form_id: &str,
        round: &str,
        prefix: &str,
        indicator: &str,
    ) -> Result<Vec<(String, f64, f64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.village_code, k.num, k.den FROM counted c
             JOIN divisions d ON d.code = c.village_code AND d.in_scope = 1
             JOIN contributions k ON k.record_id = c.record_id AND k.rev = c.rev AND k.hash = c.hash AND k.indicator = ?4
             WHERE c.form_id = ?1 AND c.round = ?2 AND c.village_code >= ?3 AND c.village_code < ?3 || ':'
             ORDER BY c.village_code",
        )?;
        let rows = stmt
            .query_map(params![form_id, round, prefix, indicator], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Every in-scope village under a prefix, in code order, with whether a counted
    /// record reports it for the round and that record's contributions, read in one
    /// pass (the dashboard's holds-back lists and unreported villages at province scale:
    /// one query instead of one per indicator).
    pub fn village_facts(
        &self,
        form_id: &str,
        round: &str,
        prefix: &str,
    ) -> Result<Vec<VillageFacts>> {
        // Two ranges read in code order and merged here: the in-scope villages, then the
        // counted records' contributions (a scan of `current` by its key, where a join
        // from every village would look each one up). The view `contributions` is written
        // out as its join: SQLite cannot flatten a view that is a join on the right of a
        // LEFT JOIN and would materialize every contribution of the database.
        let mut out: Vec<VillageFacts> = Vec::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT code, name FROM divisions
             WHERE level = 'village' AND in_scope = 1 AND code >= ?1 AND code < ?1 || ':'
             ORDER BY code",
        )?;
        let mut rows = stmt.query(params![prefix])?;
        while let Some(r) = rows.next()? {
            out.push(VillageFacts {
                code: r.get(0)?,
                name: r.get(1)?,
                reported: false,
                sums: Vec::new(),
            });
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.village_code, k.indicator, k.num, k.den
             FROM counted c
             LEFT JOIN revisions r ON r.record_id = c.record_id AND r.rev = c.rev AND r.hash = c.hash
             LEFT JOIN contribution_terms k ON k.revision = r.id
             WHERE c.form_id = ?1 AND c.round = ?2 AND c.village_code >= ?3 AND c.village_code < ?3 || ':'
             ORDER BY c.village_code",
        )?;
        // Read without a copy per row (about six rows a village at province scale): the
        // code is compared in place, the indicator's id shared.
        let mut ids: Vec<Arc<str>> = Vec::new();
        let mut at = 0;
        let mut rows = stmt.query(params![form_id, round, prefix])?;
        while let Some(r) = rows.next()? {
            let code = text_ref(r, 0)?;
            // The villages are in code order too: move on to this one (a counted record
            // of a village out of scope has none, and is skipped).
            while at < out.len() && out[at].code.as_str() < code {
                at += 1;
            }
            let Some(v) = out.get_mut(at).filter(|v| v.code == code) else {
                continue;
            };
            v.reported = true;
            let ind = match r.get_ref(1)? {
                ValueRef::Null => None,
                _ => Some(text_ref(r, 1)?),
            };
            if let (Some(ind), Some(num), Some(den)) = (
                ind,
                r.get::<_, Option<f64>>(2)?,
                r.get::<_, Option<f64>>(3)?,
            ) {
                let id = match ids.iter().find(|id| &***id == ind) {
                    Some(id) => id.clone(),
                    None => {
                        let id: Arc<str> = Arc::from(ind);
                        ids.push(id.clone());
                        id
                    }
                };
                v.sums.push((id, num, den));
            }
        }
        Ok(out)
    }

    /// In-scope villages under a prefix with no counted record for the round (never
    /// reported, or returned and not finalized again).
    pub fn unreported_villages(
        &self,
        form_id: &str,
        round: &str,
        prefix: &str,
    ) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.code, d.name FROM divisions d
             WHERE d.level = 'village' AND d.in_scope = 1 AND d.code >= ?3 AND d.code < ?3 || ':'
               AND NOT EXISTS (SELECT 1 FROM counted c WHERE c.form_id = ?1 AND c.round = ?2 AND c.village_code = d.code)
             ORDER BY d.code",
        )?;
        let rows = stmt
            .query_map(params![form_id, round, prefix], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// In-scope villages whose counted record counts for the round (the `counted` view,
    /// as `villages_reported` counts them), for home's 计入 figures.
    pub fn counted_villages(
        &self,
        form_id: &str,
        round: &str,
    ) -> Result<std::collections::HashSet<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.village_code FROM counted c
             JOIN divisions d ON d.code = c.village_code AND d.in_scope = 1
             WHERE c.form_id = ?1 AND c.round = ?2",
        )?;
        let rows = stmt
            .query_map(params![form_id, round], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

/// A text column read in place (a code, an id), without a copy.
fn text_ref<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<&'r str> {
    r.get_ref(i)?.as_str().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}
