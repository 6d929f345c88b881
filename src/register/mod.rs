//! Administrative divisions (12-digit statistical codes), their hierarchy, and the survey
//! scope. The register is a CSV: `code,name,parent_code,level[,urban_rural_code][,in_scope]`.
//!
//! Scope rule: a village-level unit is in scope when its last three digits are 200–399
//! (villagers' committees, 村委会); residents' committees are in the register but not in
//! scope. An `in_scope` cell of `1`/`yes` or `0`/`no` overrides the rule for that row.

use std::collections::HashMap;

/// Level of an administrative unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The whole country: never in a register, only the top unit of a report over a
    /// register with several roots (the national one's 31 provinces), code
    /// `000000000000`, prefix empty.
    Country,
    Province,
    City,
    County,
    Township,
    Village,
}

impl Level {
    pub fn parse(s: &str) -> Option<Level> {
        Some(match s {
            "province" => Level::Province,
            "city" => Level::City,
            "county" => Level::County,
            "township" => Level::Township,
            "village" => Level::Village,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Country => "country",
            Level::Province => "province",
            Level::City => "city",
            Level::County => "county",
            Level::Township => "township",
            Level::Village => "village",
        }
    }
    /// Digits of the code that identify a unit of this level; its descendants share them.
    pub fn prefix_len(self) -> usize {
        match self {
            Level::Country => 0,
            Level::Province => 2,
            Level::City => 4,
            Level::County => 6,
            Level::Township => 9,
            Level::Village => 12,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Division {
    pub code: String,
    pub name: String,
    pub parent: Option<String>,
    pub level: Level,
    pub in_scope: bool,
}

impl Division {
    pub fn prefix(&self) -> &str {
        &self.code[..self.level.prefix_len()]
    }
}

/// A problem in a register file: `file:line: field: reason`. Its words are in the
/// catalogue (`i18n::form_checks`, which also gives it `Display`, in English).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterError {
    pub file: String,
    pub line: usize,
    pub field: String,
    pub problem: RegisterProblem,
}

/// What is wrong with a register row (values quoted from the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegisterProblem {
    HeaderUnreadable(String),
    HeaderColumns,
    BadRow(String),
    NotACode(String),
    BadName,
    UnknownLevel(String),
    BadScope(String),
    DuplicateCode(String),
    OwnParentOnly(String),
    ParentNotAbove { parent: String, level: Level },
    NotUnderParent { code: String, parent: String },
    ParentMissing(String),
}

impl std::error::Error for RegisterError {}

/// Default scope rule for a village-level code.
pub fn default_in_scope(code: &str) -> bool {
    code.get(9..12)
        .and_then(|s| s.parse::<u32>().ok())
        .is_some_and(|n| (200..=399).contains(&n))
}

pub fn is_code(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// A parsed, checked register, sorted by code.
#[derive(Debug, Clone, Default)]
pub struct Register {
    pub divisions: Vec<Division>,
    index: HashMap<String, usize>,
}

impl Register {
    /// Parse register CSV text (UTF-8, optional BOM). Codes, levels and parent chains are
    /// checked: a parent must be in the file (except for the top rows), one level up, and
    /// share the code prefix of its level. A row whose `parent_code` is its own code (how
    /// the national tables repeat a unit that has no lower level) is left out.
    pub fn parse(file: &str, text: &str) -> Result<Register, RegisterError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(text.as_bytes());
        use RegisterProblem as P;
        let err = |line: usize, field: &str, problem: RegisterProblem| RegisterError {
            file: file.to_string(),
            line,
            field: field.to_string(),
            problem,
        };
        let headers = rdr
            .headers()
            .map_err(|e| err(1, "-", P::HeaderUnreadable(e.to_string())))?
            .clone();
        let col = |name: &str| headers.iter().position(|h| h == name);
        let (Some(c_code), Some(c_name), Some(c_parent), Some(c_level)) =
            (col("code"), col("name"), col("parent_code"), col("level"))
        else {
            return Err(err(1, "-", P::HeaderColumns));
        };
        let c_scope = col("in_scope");
        let mut divisions = Vec::new();
        let mut repeats = Vec::new();
        for (i, rec) in rdr.records().enumerate() {
            let line = i + 2;
            let rec = rec.map_err(|e| err(line, "-", P::BadRow(e.to_string())))?;
            let get = |c: usize| rec.get(c).unwrap_or("").trim();
            let code = get(c_code);
            if !is_code(code) {
                return Err(err(line, "code", P::NotACode(code.to_string())));
            }
            let name = get(c_name);
            // The same test as `forms::value::has_control_chars`, kept here so the
            // register (below `forms`, which validates it) imports nothing from `forms`.
            if name.is_empty() || name.chars().any(char::is_control) {
                return Err(err(line, "name", P::BadName));
            }
            let Some(level) = Level::parse(get(c_level)) else {
                return Err(err(
                    line,
                    "level",
                    P::UnknownLevel(get(c_level).to_string()),
                ));
            };
            let parent = get(c_parent);
            if !parent.is_empty() && !is_code(parent) {
                return Err(err(line, "parent_code", P::NotACode(parent.to_string())));
            }
            if parent == code {
                // The NBS tables repeat a unit without lower levels as its own child
                // (东莞市 as city and county, 金门县 as county, township and village),
                // each repeat with `parent_code` = `code`. The repeat adds no unit: the
                // row with a real parent stands, the repeats are left out.
                repeats.push((line, code.to_string()));
                continue;
            }
            let in_scope = match c_scope.map(get).unwrap_or("") {
                "" => level == Level::Village && default_in_scope(code),
                "1" | "yes" | "true" => true,
                "0" | "no" | "false" => false,
                other => {
                    return Err(err(line, "in_scope", P::BadScope(other.to_string())));
                }
            };
            divisions.push((
                line,
                Division {
                    code: code.to_string(),
                    name: name.to_string(),
                    parent: (!parent.is_empty()).then(|| parent.to_string()),
                    level,
                    in_scope,
                },
            ));
        }
        divisions.sort_by(|a, b| a.1.code.cmp(&b.1.code));
        let mut index = HashMap::with_capacity(divisions.len());
        for (i, (line, d)) in divisions.iter().enumerate() {
            if index.insert(d.code.clone(), i).is_some() {
                return Err(err(*line, "code", P::DuplicateCode(d.code.clone())));
            }
        }
        for (line, code) in &repeats {
            if !index.contains_key(code) {
                return Err(err(*line, "parent_code", P::OwnParentOnly(code.clone())));
            }
        }
        for (line, d) in &divisions {
            let Some(p) = &d.parent else { continue };
            if let Some(&pi) = index.get(p) {
                let pd = &divisions[pi].1;
                if pd.level >= d.level {
                    let (parent, level) = (p.clone(), d.level);
                    return Err(err(
                        *line,
                        "parent_code",
                        P::ParentNotAbove { parent, level },
                    ));
                }
                if !d.code.starts_with(pd.prefix()) {
                    let (code, parent) = (d.code.clone(), p.clone());
                    return Err(err(
                        *line,
                        "parent_code",
                        P::NotUnderParent { code, parent },
                    ));
                }
            } else if d.level == Level::Village || d.level == Level::Township {
                return Err(err(*line, "parent_code", P::ParentMissing(p.clone())));
            }
        }
        Ok(Register {
            divisions: divisions.into_iter().map(|(_, d)| d).collect(),
            index,
        })
    }

    pub fn get(&self, code: &str) -> Option<&Division> {
        self.index.get(code).map(|&i| &self.divisions[i])
    }

    pub fn len(&self) -> usize {
        self.divisions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.divisions.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = "code,name,parent_code,level,urban_rural_code,in_scope
411000000000,许昌市,410000000000,city,,
411002000000,魏都区,411000000000,county,,
411002001000,西大街道,411002000000,township,,
411002001001,金地社区居委会,411002001000,village,,
411002001201,秋庄村委会,411002001000,village,,
411002001202,下集村,411002001000,village,,0
411002001003,某社区,411002001000,village,,1
";

    #[test]
    fn parses_and_applies_scope_rule() {
        let r = Register::parse("t.csv", SMALL).unwrap();
        assert_eq!(r.len(), 7);
        assert!(!r.get("411002001001").unwrap().in_scope);
        assert!(r.get("411002001201").unwrap().in_scope);
        assert!(!r.get("411002001202").unwrap().in_scope, "override to 0");
        assert!(r.get("411002001003").unwrap().in_scope, "override to 1");
        assert_eq!(r.get("411002000000").unwrap().prefix(), "411002");
    }

    #[test]
    fn rejects_broken_chains() {
        let bad = SMALL.replace(
            "411002001201,秋庄村委会,411002001000",
            "411002001201,秋庄村委会,411002002000",
        );
        let e = Register::parse("t.csv", &bad).unwrap_err();
        assert_eq!(e.line, 6);
        assert_eq!(e.field, "parent_code");
        let bad = SMALL.replace("411002001202,下集村", "41100200120,下集村");
        assert_eq!(Register::parse("t.csv", &bad).unwrap_err().field, "code");
        let bad = SMALL.replace(
            "411002001202,下集村,411002001000,village",
            "411002001202,下集村,411002001000,hamlet",
        );
        assert_eq!(Register::parse("t.csv", &bad).unwrap_err().field, "level");
        let bad = format!("{SMALL}411002001201,重复,411002001000,village,,\n");
        assert!(
            Register::parse("t.csv", &bad)
                .unwrap_err()
                .to_string()
                .contains("duplicate")
        );
    }

    #[test]
    fn a_unit_repeated_as_its_own_child_is_left_out() {
        // As in the national file: 东莞市 is a city, repeated as a county whose parent is
        // itself; its townships hang from the city.
        let text = "code,name,parent_code,level,urban_rural_code
440000000000,广东省,,province,
441900000000,东莞市,440000000000,city,
441900000000,东莞市,441900000000,county,
441900003000,东城街道,441900000000,township,
441900003201,某村委会,441900003000,village,
350527000000,金门县,350500000000,county,
350527000000,金门县,350527000000,township,
350527000000,金门县,350527000000,village,
";
        let r = Register::parse("china.csv", text).unwrap();
        assert_eq!(r.len(), 5);
        assert_eq!(r.get("441900000000").unwrap().level, Level::City);
        assert_eq!(r.get("350527000000").unwrap().level, Level::County);
        assert!(r.get("441900003201").unwrap().in_scope);
        // A real duplicate (another parent) is still refused.
        let bad = format!("{text}441900003201,重复,441900003000,village,\n");
        assert!(Register::parse("china.csv", &bad).is_err());
        // A unit that is only ever its own parent is an error, not silently dropped.
        let bad = format!("{text}441900004000,孤立街道,441900004000,township,\n");
        let e = Register::parse("china.csv", &bad).unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (10, "parent_code"), "{e}");
    }

    #[test]
    fn shipped_register_is_xuchang() {
        let r = Register::parse(
            "xuchang.csv",
            include_str!("../../forms/divisions/xuchang.csv"),
        )
        .unwrap();
        let villages = r
            .divisions
            .iter()
            .filter(|d| d.level == Level::Village)
            .count();
        let in_scope = r.divisions.iter().filter(|d| d.in_scope).count();
        assert_eq!(villages, 2505);
        assert_eq!(in_scope, 1591);
    }
}
