//! The division register in the database: loaded from `forms/divisions/` on first run,
//! or from a `--register` file.

use super::{Result, Store};
use crate::register::{Level, Register};
use rusqlite::{OptionalExtension, params};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DivisionRow {
    pub code: String,
    pub name: String,
    pub parent: Option<String>,
    pub level: Level,
    pub in_scope: bool,
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DivisionRow> {
    let level: String = r.get(3)?;
    Ok(DivisionRow {
        code: r.get(0)?,
        name: r.get(1)?,
        parent: r.get(2)?,
        level: Level::parse(&level).unwrap_or(Level::Village),
        in_scope: r.get::<_, i64>(4)? != 0,
    })
}

const COLS: &str = "code, name, parent_code, level, in_scope";

impl Store {
    /// Add or update every division of a register in one transaction.
    pub fn load_register(&mut self, register: &Register) -> Result<usize> {
        self.transaction(|s| {
            let mut stmt = s.conn.prepare_cached(
                "INSERT INTO divisions(code, name, parent_code, level, in_scope) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(code) DO UPDATE SET name = excluded.name, parent_code = excluded.parent_code,
                   level = excluded.level, in_scope = excluded.in_scope",
            )?;
            for d in &register.divisions {
                stmt.execute(params![d.code, d.name, d.parent, d.level.as_str(), d.in_scope])?;
            }
            Ok(register.divisions.len())
        })
    }

    pub fn division_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM divisions", [], |r| r.get(0))?)
    }

    pub fn division(&self, code: &str) -> Result<Option<DivisionRow>> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {COLS} FROM divisions WHERE code = ?1"))?
            .query_row([code], row)
            .optional()?)
    }

    /// Whether any village under a code prefix is in the survey scope (one index probe).
    pub fn any_village_in_scope(&self, prefix: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM divisions WHERE code >= ?1 AND code < ?1 || ':'
                   AND level = 'village' AND in_scope = 1)",
            )?
            .query_row([prefix], |r| r.get(0))?)
    }

    /// Direct children of a unit, in code order.
    pub fn children(&self, code: &str) -> Result<Vec<DivisionRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLS} FROM divisions WHERE parent_code = ?1 ORDER BY code"
        ))?;
        let rows = stmt
            .query_map([code], row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Units without a parent in the register (the top of the tree).
    pub fn roots(&self) -> Result<Vec<DivisionRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLS} FROM divisions d WHERE parent_code IS NULL
               OR NOT EXISTS (SELECT 1 FROM divisions p WHERE p.code = d.parent_code) ORDER BY code"
        ))?;
        let rows = stmt.query_map([], row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Every unit whose code starts with `prefix`, in code order (one range read: an
    /// import looks up a township's villages together).
    pub fn divisions_with_prefix(&self, prefix: &str) -> Result<Vec<DivisionRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLS} FROM divisions WHERE code >= ?1 AND code < ?1 || ':' ORDER BY code"
        ))?;
        let rows = stmt
            .query_map([prefix], row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Every unit at or below `under` (all when None), optionally one level, in code order.
    pub fn divisions_under(
        &self,
        under: Option<&DivisionRow>,
        level: Option<Level>,
        in_scope_only: bool,
    ) -> Result<Vec<DivisionRow>> {
        let prefix = under.map(|d| d.code[..d.level.prefix_len()].to_string());
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLS} FROM divisions
             WHERE (?1 IS NULL OR code >= ?1 || '' AND code < ?1 || ':')
               AND (?2 IS NULL OR level = ?2)
               AND (?3 = 0 OR in_scope = 1)
             ORDER BY code"
        ))?;
        let rows = stmt
            .query_map(
                params![prefix, level.map(|l| l.as_str()), in_scope_only as i64],
                row,
            )?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

impl DivisionRow {
    /// Digits of the code its descendants share.
    pub fn prefix(&self) -> &str {
        &self.code[..self.level.prefix_len()]
    }
}
