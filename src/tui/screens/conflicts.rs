//! The conflicts screen: its state and its key handling: the forks and duplicates of the
//! round that no person has resolved, and one of them opened as two versions side by
//! side (the one counted for now on the left, the others in turn on the right). Keeping
//! a version records a resolution fact (`Store::resolve`) that travels in later bundles.
//! Pure: `effects::conflicts` reads the store and writes the resolution.

use crate::forms::record::Row as GroupRow;
use crate::forms::schema::SectionItem;
use crate::forms::value::Value;
use crate::forms::{Field, Lang};
use crate::i18n::tui_exchange as words;
use crate::store::exchange::{Candidate, ConflictDetail};
use crate::tui::keys::{Action, Ctx};
use crate::tui::shared::conflicts::{
    Choice, ConflictsCmd, ConflictsMsg, DUPLICATE, FORK, OpenedConflict, Question, Version,
};
use crate::tui::shared::tree::Tree;
use crate::tui::shared::{Cmd, Go, Notice, NoticeKind, Outcome, Say};
use crate::tui::text::{clean, short_time, show_raw, show_value};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Left,
    Right,
}

/// One conflict opened: which versions are shown, which side has the focus.
#[derive(Debug, Clone)]
pub struct Compare {
    pub conflict: Box<OpenedConflict>,
    /// Index into `versions` of the left (counted for now) and right versions.
    pub left: usize,
    pub right: usize,
    pub side: Side,
    /// First field row shown.
    pub scroll: usize,
    pub diff_only: bool,
}

impl Compare {
    pub fn new(conflict: Box<OpenedConflict>) -> Compare {
        let left = conflict
            .versions
            .iter()
            .position(|v| v.candidate.counted)
            .unwrap_or(0);
        let right = if conflict.versions.len() > 1 {
            (left + 1) % conflict.versions.len()
        } else {
            left
        };
        Compare {
            conflict,
            left,
            right,
            side: Side::Left,
            scroll: 0,
            diff_only: false,
        }
    }

    pub fn versions(&self) -> &[Version] {
        &self.conflict.versions
    }

    pub fn left_version(&self) -> Option<&Version> {
        self.conflict.versions.get(self.left)
    }

    pub fn right_version(&self) -> Option<&Version> {
        self.conflict.versions.get(self.right)
    }

    /// Position of the right version among the others (1-based), and how many others.
    pub fn right_position(&self) -> (usize, usize) {
        let others: Vec<usize> = (0..self.versions().len())
            .filter(|&i| i != self.left)
            .collect();
        let pos = others.iter().position(|&i| i == self.right).unwrap_or(0);
        (pos + 1, others.len())
    }

    fn cycle(&mut self, forward: bool) {
        let n = self.versions().len();
        if n < 3 {
            return;
        }
        let mut i = self.right;
        loop {
            i = if forward {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            };
            if i != self.left {
                break;
            }
        }
        self.right = i;
        self.side = Side::Right;
    }

    /// The rows shown under the headers (all, or only differing ones).
    pub fn rows(&self, lang: Lang) -> Vec<CompareRow> {
        match (self.left_version(), self.right_version()) {
            (Some(l), Some(r)) => {
                let all = compare(l, r, lang);
                if self.diff_only {
                    only_differences(all)
                } else {
                    all
                }
            }
            _ => Vec::new(),
        }
    }

    pub fn chosen(&self) -> Option<&Version> {
        match self.side {
            Side::Left => self.left_version(),
            Side::Right => self.right_version(),
        }
    }
}

/// The conflicts screen: the round's list, the cursor, and the conflict opened.
#[derive(Debug, Clone)]
pub struct ConflictsScreen {
    pub round: String,
    pub list: Vec<ConflictDetail>,
    pub cursor: usize,
    pub open: Option<Compare>,
}

impl ConflictsScreen {
    pub fn ctx(&self) -> Ctx {
        if self.open.is_some() {
            Ctx::Compare
        } else {
            Ctx::Conflicts
        }
    }
}

/// The resolutions keeping `chosen` records: "fork" when another candidate is the same
/// record (a forked revision), "duplicate" when the question is which of several records
/// counts. Keeping one version of a forked record that counts settles both.
pub fn kinds_for(
    question: &Question,
    candidates: &[Candidate],
    chosen: &Candidate,
) -> Vec<&'static str> {
    let mut kinds = Vec::new();
    let same_record = candidates
        .iter()
        .filter(|c| c.record_id == chosen.record_id)
        .count();
    if same_record > 1 {
        kinds.push(FORK);
    }
    let records: BTreeSet<&str> = candidates.iter().map(|c| c.record_id.as_str()).collect();
    if records.len() > 1 && *question == Question::Record {
        kinds.push(DUPLICATE);
    }
    kinds
}

/// One line of the comparison: a section heading, or a field with both values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompareRow {
    pub label: String,
    pub left: String,
    pub right: String,
    pub differs: bool,
    pub heading: bool,
}

fn shown(field: Option<&Field>, v: &Value, lang: Lang) -> String {
    if v.is_null() {
        return "—".into();
    }
    let s = match field {
        Some(f) => show_value(f, v, lang),
        None => show_raw(v, lang),
    };
    if s.is_empty() { "—".into() } else { s }
}

/// Rows of a repeat group paired: by row id when the two share any (two versions of one
/// record), else by position (two records of one village).
fn pair_rows<'a>(
    l: &'a [GroupRow],
    r: &'a [GroupRow],
) -> Vec<(Option<&'a GroupRow>, Option<&'a GroupRow>)> {
    let shared = l.iter().any(|a| r.iter().any(|b| b.id == a.id));
    if !shared {
        let n = l.len().max(r.len());
        return (0..n).map(|i| (l.get(i), r.get(i))).collect();
    }
    let mut out: Vec<_> = l
        .iter()
        .map(|a| (Some(a), r.iter().find(|b| b.id == a.id)))
        .collect();
    for b in r {
        if !l.iter().any(|a| a.id == b.id) {
            out.push((None, Some(b)));
        }
    }
    out
}

fn label_of(f: Option<&Field>, name: &str, lang: Lang) -> String {
    f.map(|f| clean(f.label.get(lang)))
        .unwrap_or_else(|| clean(name))
}

/// Both versions field by field, in the order of the left version's form; fields only
/// the right one's form or data has come last. Pure.
pub fn compare(l: &Version, r: &Version, lang: Lang) -> Vec<CompareRow> {
    let mut rows = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut seen_groups: BTreeSet<String> = BTreeSet::new();
    let field_row = |name: &str, rows: &mut Vec<CompareRow>| {
        let lf = l.form.field(name);
        let rf = r.form.field(name).or(lf);
        let (a, b) = (l.data.get(name), r.data.get(name));
        rows.push(CompareRow {
            label: label_of(lf.or(rf), name, lang),
            left: shown(lf.or(rf), a, lang),
            right: shown(rf, b, lang),
            differs: a != b,
            heading: false,
        });
    };
    let group_rows = |name: &str, rows: &mut Vec<CompareRow>| {
        let lg = l.form.group(name).or(r.form.group(name));
        let (lr, rr) = (l.data.rows(name), r.data.rows(name));
        let count = |n: usize| words::rows(lang, n);
        rows.push(CompareRow {
            label: lg
                .map(|g| clean(g.label.get(lang)))
                .unwrap_or_else(|| clean(name)),
            left: count(lr.len()),
            right: count(rr.len()),
            differs: lr.len() != rr.len(),
            heading: false,
        });
        let fields: Vec<&Field> = lg.map(|g| g.fields.iter().collect()).unwrap_or_default();
        for (i, (a, b)) in pair_rows(lr, rr).into_iter().enumerate() {
            let mut names: Vec<String> = fields.iter().map(|f| f.name.clone()).collect();
            for row in [a, b].into_iter().flatten() {
                for k in row.values.keys() {
                    if !names.contains(k) {
                        names.push(k.clone());
                    }
                }
            }
            for n in names {
                let f = l
                    .form
                    .group_field(name, &n)
                    .or(r.form.group_field(name, &n));
                let va = a.and_then(|x| x.values.get(&n)).unwrap_or(&Value::Null);
                let vb = b.and_then(|x| x.values.get(&n)).unwrap_or(&Value::Null);
                rows.push(CompareRow {
                    label: format!("#{} {}", i + 1, label_of(f, &n, lang)),
                    left: if a.is_some() {
                        shown(f, va, lang)
                    } else {
                        String::new()
                    },
                    right: if b.is_some() {
                        shown(f, vb, lang)
                    } else {
                        String::new()
                    },
                    differs: a.is_none() || b.is_none() || va != vb,
                    heading: false,
                });
            }
        }
    };
    for section in &l.form.sections {
        rows.push(CompareRow {
            label: clean(section.label.get(lang)),
            left: String::new(),
            right: String::new(),
            differs: false,
            heading: true,
        });
        for item in &section.items {
            match item {
                SectionItem::Field(n) => {
                    seen.insert(n.clone());
                    field_row(n, &mut rows);
                }
                SectionItem::Group(g) => {
                    seen_groups.insert(g.clone());
                    group_rows(g, &mut rows);
                }
            }
        }
    }
    // What the left form does not have: the right form's fields, then stray values.
    let mut rest: Vec<String> = Vec::new();
    for f in &r.form.fields {
        if !seen.contains(&f.name) {
            rest.push(f.name.clone());
        }
    }
    for k in l.data.values.keys().chain(r.data.values.keys()) {
        if !seen.contains(k) && !rest.contains(k) {
            rest.push(k.clone());
        }
    }
    let mut rest_groups: Vec<String> = Vec::new();
    for k in l.data.groups.keys().chain(r.data.groups.keys()) {
        if !seen_groups.contains(k) && !rest_groups.contains(k) {
            rest_groups.push(k.clone());
        }
    }
    if !rest.is_empty() || !rest_groups.is_empty() {
        rows.push(CompareRow {
            label: words::other_fields(lang).to_string(),
            left: String::new(),
            right: String::new(),
            differs: false,
            heading: true,
        });
        for n in rest {
            field_row(&n, &mut rows);
        }
        for g in rest_groups {
            group_rows(&g, &mut rows);
        }
    }
    rows
}

/// Differing rows, under the headings of their sections.
pub fn only_differences(rows: Vec<CompareRow>) -> Vec<CompareRow> {
    let mut out: Vec<CompareRow> = Vec::new();
    let mut heading: Option<CompareRow> = None;
    for r in rows {
        if r.heading {
            heading = Some(r);
        } else if r.differs {
            if let Some(h) = heading.take() {
                out.push(h);
            }
            out.push(r);
        }
    }
    out
}

impl ConflictsScreen {
    /// The round's list arrived. `prev` is the screen as it was (its cursor and the
    /// conflict left open are kept while they still apply); `from_home` is the village
    /// under home's cursor when the screen is opened from home (it starts there).
    pub fn loaded(
        prev: Option<ConflictsScreen>,
        round: String,
        list: Vec<ConflictDetail>,
        from_home: Option<&str>,
    ) -> ConflictsScreen {
        let from_home = from_home.and_then(|code| list.iter().position(|c| c.village_code == code));
        let cursor = from_home.unwrap_or_else(|| {
            prev.as_ref()
                .filter(|c| c.round == round)
                .map(|c| c.cursor.min(list.len().saturating_sub(1)))
                .unwrap_or(0)
        });
        let open = prev.and_then(|c| c.open);
        // A conflict left open stays open only while it is still in the list.
        let open = open.filter(|o| {
            list.iter().any(|c| {
                c.village_code == o.conflict.detail.village_code
                    && c.form_id == o.conflict.detail.form_id
            })
        });
        ConflictsScreen {
            round,
            list,
            cursor,
            open,
        }
    }

    /// A screen holding just this conflict (opened before the list was loaded).
    pub fn of(conflict: &OpenedConflict) -> ConflictsScreen {
        ConflictsScreen {
            round: conflict.detail.round.clone(),
            list: vec![conflict.detail.clone()],
            cursor: 0,
            open: None,
        }
    }

    /// Show one conflict's versions side by side.
    pub fn opened(&mut self, conflict: Box<OpenedConflict>) {
        let c = self;
        if let Some(i) = c.list.iter().position(|x| {
            x.village_code == conflict.detail.village_code && x.form_id == conflict.detail.form_id
        }) {
            c.cursor = i;
        }
        c.open = Some(Compare::new(conflict));
    }

    /// A key on the list or the comparison; `page` is the number of field rows shown
    /// (`layout::compare_page`).
    pub fn key(&mut self, action: Option<Action>, page: usize, lang: Lang) -> Outcome {
        let c = self;
        if let Some(o) = &mut c.open {
            // A row takes one or two lines (a long label or value goes on below), so a
            // page holds between `page` and half of it; the view keeps the end on the page.
            let half = (page / 2).max(1);
            let max = o.rows(lang).len().saturating_sub(half);
            let page = half;
            match action {
                Some(Action::SideLeft) => o.side = Side::Left,
                Some(Action::SideRight) => o.side = Side::Right,
                Some(Action::NextVersion) => o.cycle(true),
                Some(Action::PrevVersion) => o.cycle(false),
                Some(Action::Up) => o.scroll = o.scroll.saturating_sub(1),
                Some(Action::Down) => o.scroll = (o.scroll + 1).min(max),
                Some(Action::PageUp) => o.scroll = o.scroll.saturating_sub(page),
                Some(Action::PageDown) => o.scroll = (o.scroll + page).min(max),
                Some(Action::DiffOnly) => {
                    o.diff_only = !o.diff_only;
                    o.scroll = 0;
                }
                Some(Action::Choose) => return o.choose(lang),
                Some(Action::Back) => c.open = None,
                Some(Action::Quit) => return Outcome::quit(),
                _ => {}
            }
            return Outcome::none();
        }
        match action {
            Some(Action::Up) => c.cursor = c.cursor.saturating_sub(1),
            Some(Action::Down) => c.cursor = (c.cursor + 1).min(c.list.len().saturating_sub(1)),
            Some(Action::Open) => {
                if let Some(d) = c.list.get(c.cursor) {
                    return Outcome::cmd(Cmd::Conflicts(ConflictsCmd::Open {
                        form_id: d.form_id.clone(),
                        village: d.village_code.clone(),
                        round: d.round.clone(),
                    }));
                }
            }
            Some(Action::Back) => {
                let reveal = c.list.get(c.cursor).map(|d| d.village_code.clone());
                return Outcome::go(Go::Close { reveal });
            }
            Some(Action::Quit) => return Outcome::quit(),
            _ => {}
        }
        Outcome::none()
    }
}

impl Compare {
    /// `Enter` on a side: ask before keeping it.
    fn choose(&self, lang: Lang) -> Outcome {
        let o = self;
        let Some(v) = o.chosen() else {
            return Outcome::none();
        };
        let kinds = kinds_for(
            &o.conflict.question,
            &o.conflict.detail.candidates,
            &v.candidate,
        );
        if kinds.is_empty() || o.versions().len() < 2 {
            return Outcome::say(Notice::info(words::only_one_version(lang)));
        }
        let k = &v.candidate;
        let d = &o.conflict.detail;
        let side = match o.side {
            Side::Left => words::left_side(lang),
            Side::Right => words::right_side(lang),
        };
        let date = short_time(&k.finalized_at);
        let (yes, no) = words::yes_no_keys();
        let question = words::keep_side_question(
            lang,
            side,
            &short_id(&k.record_id),
            k.rev,
            &clean(&k.finalized_by),
            &date,
            yes,
            no,
        );
        Outcome::ask(
            question,
            Cmd::Conflicts(ConflictsCmd::Resolve(Choice {
                form_id: d.form_id.clone(),
                village: d.village_code.clone(),
                round: d.round.clone(),
                record_id: k.record_id.clone(),
                rev: k.rev,
                hash: k.hash.clone(),
                kinds,
            })),
        )
    }
}

/// A resolution is stored: reload the list and the statuses; when another record of the
/// village is still forked, open the conflict again. The screen may be gone by then.
pub fn resolved(
    screen: Option<&mut ConflictsScreen>,
    tree: &Tree,
    lang: Lang,
    msg: ConflictsMsg,
) -> Outcome {
    let ConflictsMsg::Resolved {
        form_id,
        village,
        round,
        still_open,
    } = msg
    else {
        return Outcome::none();
    };
    let name = village_name(tree, &village);
    let mut cmds = vec![
        Cmd::Conflicts(ConflictsCmd::Load {
            round: round.clone(),
        }),
        Cmd::LoadStatuses {
            round: round.clone(),
        },
    ];
    if let Some(c) = screen {
        c.open = None;
    }
    let notice = if still_open {
        cmds.push(Cmd::Conflicts(ConflictsCmd::Open {
            form_id,
            village,
            round,
        }));
        Notice::warn(words::choose_again(lang, &name))
    } else {
        Notice {
            kind: NoticeKind::Saved,
            text: words::resolved_notice(lang, &name),
        }
    };
    Outcome {
        cmds,
        say: Some(Say::Set(notice)),
        ..Outcome::default()
    }
}

/// A village's name from the register (its code when the register lacks it).
pub fn village_name(tree: &Tree, code: &str) -> String {
    tree.by_code
        .get(code)
        .map(|&i| clean(&tree.units[i].name))
        .unwrap_or_else(|| clean(code))
}

/// The last eight characters of a record id: a v7 UUID begins with its creation time,
/// so two records made the same minute share their first characters.
pub fn short_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let tail: String = chars[chars.len().saturating_sub(8)..].iter().collect();
    clean(&tail)
}

/// The first eight characters of a content hash.
pub fn short_hash(hash: &str) -> String {
    clean(&hash.chars().take(8).collect::<String>())
}
