//! What an import must remember across rows, kept on disk instead of in memory: the
//! villages seen so far (to refuse a village given twice) and the rows of repeat-group
//! files (farms), which are read before the village file and joined to each village as its
//! row arrives. A private temporary SQLite database (deleted when the import ends), so an
//! import's memory does not grow with the file or with the number of villages: SQLite
//! keeps a small page cache and spills the rest to a temporary file.

use super::cells::Cell;
use rusqlite::{Connection, OptionalExtension, params};

/// Page cache of the staging database, in KiB (negative as `PRAGMA cache_size` takes it).
const STAGE_CACHE_KIB: i64 = -4096;

pub struct Stage {
    conn: Connection,
    seq: i64,
}

/// One staged row of a repeat group: where it came from and its cells.
pub struct StagedRow {
    pub at: String,
    pub cells: Vec<Cell>,
}

impl Stage {
    pub fn new() -> rusqlite::Result<Stage> {
        // "" is a private, temporary on-disk database: pages beyond the cache go to a
        // temporary file, never to memory.
        let conn = Connection::open("")?;
        conn.execute_batch(&format!(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = {STAGE_CACHE_KIB};
             CREATE TABLE seen(village TEXT PRIMARY KEY, at TEXT NOT NULL) WITHOUT ROWID;
             CREATE TABLE group_rows(grp TEXT NOT NULL, village TEXT NOT NULL, seq INTEGER NOT NULL,
                                     at TEXT NOT NULL, cells TEXT NOT NULL,
                                     PRIMARY KEY (grp, village, seq)) WITHOUT ROWID;
             BEGIN;"
        ))?;
        Ok(Stage { conn, seq: 0 })
    }

    /// Note a village as seen at `at`; when it was seen before, where.
    pub fn see(&mut self, village: &str, at: &str) -> rusqlite::Result<Option<String>> {
        let n = self
            .conn
            .prepare_cached("INSERT INTO seen(village, at) VALUES (?1, ?2) ON CONFLICT DO NOTHING")?
            .execute([village, at])?;
        if n == 1 {
            return Ok(None);
        }
        self.conn
            .prepare_cached("SELECT at FROM seen WHERE village = ?1")?
            .query_row([village], |r| r.get(0))
            .optional()
    }

    /// Keep one row of a repeat group for its village.
    pub fn push_group_row(
        &mut self,
        group: &str,
        village: &str,
        at: &str,
        cells: &[Cell],
    ) -> rusqlite::Result<()> {
        self.seq += 1;
        self.conn
            .prepare_cached(
                "INSERT INTO group_rows(grp, village, seq, at, cells) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![group, village, self.seq, at, encode(cells)])?;
        Ok(())
    }

    /// The rows of `group` for `village` in the order they were read: the first `limit`
    /// in full, and where each later one is (they are over the limit).
    pub fn group_rows(
        &self,
        group: &str,
        village: &str,
        limit: usize,
    ) -> rusqlite::Result<(Vec<StagedRow>, Vec<String>)> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT at, cells FROM group_rows WHERE grp = ?1 AND village = ?2 ORDER BY seq",
        )?;
        let mut rows = stmt.query([group, village])?;
        let (mut kept, mut over) = (Vec::new(), Vec::new());
        while let Some(r) = rows.next()? {
            let at: String = r.get(0)?;
            if kept.len() < limit {
                let cells: String = r.get(1)?;
                kept.push(StagedRow {
                    at,
                    cells: decode(&cells),
                });
            } else {
                over.push(at);
            }
        }
        Ok((kept, over))
    }

    /// Rows of `group` whose village has no row in the village sheet, one at a time in
    /// village order: (village, where).
    pub fn orphans(&self, group: &str, each: &mut dyn FnMut(&str, &str)) -> rusqlite::Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT g.village, g.at FROM group_rows g
             WHERE g.grp = ?1 AND NOT EXISTS (SELECT 1 FROM seen s WHERE s.village = g.village)
             ORDER BY g.village, g.seq",
        )?;
        let mut rows = stmt.query([group])?;
        while let Some(r) = rows.next()? {
            let village: String = r.get(0)?;
            let at: String = r.get(1)?;
            each(&village, &at);
        }
        Ok(())
    }
}

/// Cells as one JSON array of `[tag, value]` pairs.
fn encode(cells: &[Cell]) -> String {
    use serde_json::{Value as J, json};
    let list: Vec<J> = cells
        .iter()
        .map(|c| match c {
            Cell::Empty => json!(["e"]),
            Cell::Text(s) => json!(["t", s]),
            Cell::Number(x) => json!(["n", x]),
            Cell::Bool(b) => json!(["b", b]),
            Cell::Date(d) => json!(["d", d.to_string()]),
            Cell::Error(s) => json!(["x", s]),
            Cell::Formula(s) => json!(["f", s]),
        })
        .collect();
    J::Array(list).to_string()
}

fn decode(s: &str) -> Vec<Cell> {
    let Ok(serde_json::Value::Array(list)) = serde_json::from_str::<serde_json::Value>(s) else {
        return Vec::new();
    };
    list.iter()
        .map(|c| {
            let tag = c.get(0).and_then(|t| t.as_str()).unwrap_or("e");
            let v = c.get(1);
            let text = || v.and_then(|x| x.as_str()).unwrap_or_default().to_string();
            match tag {
                "t" => Cell::Text(text()),
                "n" => Cell::Number(v.and_then(|x| x.as_f64()).unwrap_or(f64::NAN)),
                "b" => Cell::Bool(v.and_then(|x| x.as_bool()).unwrap_or(false)),
                "d" => text()
                    .parse::<jiff::civil::Date>()
                    .map(Cell::Date)
                    .unwrap_or(Cell::Error(text())),
                "x" => Cell::Error(text()),
                "f" => Cell::Formula(text()),
                _ => Cell::Empty,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_come_back_as_they_went_in() {
        let cells = vec![
            Cell::Empty,
            Cell::Text("猪场, \"大\"\n".into()),
            Cell::Number(120.5),
            Cell::Number(-0.0),
            Cell::Bool(true),
            Cell::Date(jiff::civil::date(2020, 6, 15)),
            Cell::Error("#VALUE!".into()),
            Cell::Formula("=A1+1".into()),
        ];
        assert_eq!(decode(&encode(&cells)), cells);
    }

    #[test]
    fn rows_join_by_village_in_file_order_and_orphans_are_listed() {
        let mut s = Stage::new().unwrap();
        let c = |t: &str| vec![Cell::Text(t.into())];
        s.push_group_row("farms", "B", "f:2", &c("b1")).unwrap();
        s.push_group_row("farms", "A", "f:3", &c("a1")).unwrap();
        s.push_group_row("farms", "B", "f:4", &c("b2")).unwrap();
        s.push_group_row("farms", "B", "f:5", &c("b3")).unwrap();
        s.push_group_row("farms", "C", "f:6", &c("c1")).unwrap();
        let (kept, over) = s.group_rows("farms", "B", 2).unwrap();
        let ats: Vec<&str> = kept.iter().map(|r| r.at.as_str()).collect();
        assert_eq!(ats, ["f:2", "f:4"]);
        assert_eq!(kept[1].cells, c("b2"));
        assert_eq!(over, ["f:5"]);
        assert_eq!(s.see("A", "2").unwrap(), None);
        assert_eq!(s.see("B", "3").unwrap(), None);
        assert_eq!(s.see("A", "9").unwrap().as_deref(), Some("2"));
        let mut orphans = Vec::new();
        s.orphans("farms", &mut |v, at| orphans.push(format!("{v}@{at}")))
            .unwrap();
        assert_eq!(orphans, ["C@f:6"]);
    }
}
