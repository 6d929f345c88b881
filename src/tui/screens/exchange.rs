//! The export and import screens: pick where a bundle goes or which bundles come in, run
//! the job on a worker thread (effects), follow its progress, then read what was written
//! or what changed, file by file. Pure state, its key handler and the words of the
//! outcome; `effects::exchange` does the disk and database work and answers with
//! [`ExchangeMsg`]s.

use crate::bundle::exchange::{ExportSummary, ImportSummary};
use crate::forms::Lang;
use crate::forms::value::sanitize_for_terminal_keep_newlines;
use crate::i18n::key;
use crate::i18n::tui_exchange as t;
use crate::store::DivisionRow;
use crate::tui::keys::{Action, Ctx};
use crate::tui::picker::{BUNDLE_EXT, PickMode, Picker, PickerOutcome, human_size};
use crate::tui::shared::exchange::{
    BundleAbout, ExchangeCmd, ExchangeMsg, ExportProblem, FileOutcome, FileResult, JobProgress,
    Refusal,
};
use crate::tui::shared::trust::Prefill;
use crate::tui::shared::{Cmd, Go, Notice, NoticeKind, Outcome};
use crate::tui::shared::{input_request, paste_into};
use crate::tui::text::{clean, width};
use ratatui::crossterm::event::KeyEvent;
use std::path::{Path, PathBuf};
use tui_input::Input;

/// Export what, or import.
#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    Export { unit: DivisionRow, round: String },
    Import,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    Picking,
    Running(JobProgress),
    Exported(Result<ExportSummary, ExportProblem>),
    Imported(Vec<FileResult>),
    Failed(String),
}

/// The state of the export or import screen.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub job: Job,
    pub picker: Picker,
    /// The export's file name.
    pub name: Input,
    pub editing_name: bool,
    pub stage: Stage,
    /// First line of the outcome shown.
    pub scroll: usize,
    /// The round home shows (imports may bring others).
    pub round: String,
    /// What the bundle under the cursor says about itself (import list).
    pub about: Option<(PathBuf, Result<BundleAbout, String>)>,
}

impl Exchange {
    pub fn is_running(&self) -> bool {
        matches!(self.stage, Stage::Running(_))
    }
}

/// `{unit-code}-{round}-{date}.renv`, with only file-name-safe characters.
/// The export's default file name: unit, round, who exports (so two surveyors' bundles
/// of one unit on one stick do not replace each other) and the day.
pub fn proposed_name(code: &str, round: &str, who: Option<&str>, today: &str) -> String {
    let safe: String = round
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect();
    let who: String = who
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_alphanumeric() && !crate::termsafe::is_unsafe(*c))
        .take(16)
        .collect();
    if who.is_empty() {
        format!("{code}-{safe}-{today}.{BUNDLE_EXT}")
    } else {
        format!("{code}-{safe}-{who}-{today}.{BUNDLE_EXT}")
    }
}

/// A file name as typed, checked; `.renv` is added when missing.
pub fn check_name(typed: &str, lang: Lang) -> Result<String, String> {
    let name = typed.trim();
    if name.is_empty() {
        return Err(t::type_file_name(lang).into());
    }
    if name.contains(['/', '\\']) || name.chars().any(crate::termsafe::is_unsafe) {
        return Err(t::file_name_has_slash(lang).into());
    }
    if name.starts_with('.') {
        return Err(t::file_name_starts_with_dot(lang).into());
    }
    let name = if crate::tui::picker::is_bundle_name(name) {
        name.to_string()
    } else {
        format!("{name}.{BUNDLE_EXT}")
    };
    if name.len() > 200 {
        return Err(t::file_name_too_long(lang).into());
    }
    Ok(name)
}

impl Exchange {
    /// The screen as it opens, for the round home shows.
    pub fn new(job: Job, mode: PickMode, name: String, round: String) -> Exchange {
        Exchange {
            job,
            picker: Picker::new(mode),
            name: Input::new(name),
            editing_name: false,
            stage: Stage::Picking,
            scroll: 0,
            round,
            about: None,
        }
    }

    /// On the import list, reading what the bundle under the cursor claims (once per
    /// file; files over 64 MiB are left to the import itself).
    fn peek(&self) -> Option<Cmd> {
        if self.job != Job::Import || self.stage != Stage::Picking {
            return None;
        }
        let e = self.picker.current().filter(|e| e.is_bundle())?;
        if e.size > 64 << 20 || self.about.as_ref().is_some_and(|(p, _)| *p == e.path) {
            return None;
        }
        Some(Cmd::Exchange(ExchangeCmd::Peek(e.path.clone())))
    }

    /// What the bundle under the cursor says, when it was read.
    pub fn about_current(&self) -> Option<&Result<BundleAbout, String>> {
        let e = self.picker.current()?;
        self.about
            .as_ref()
            .filter(|(p, _)| *p == e.path)
            .map(|(_, a)| a)
    }

    /// The parts of the key table in force on these screens.
    pub fn contexts(&self) -> Vec<Ctx> {
        let x = self;
        match (&x.stage, &x.job) {
            (Stage::Running(_), _) => vec![Ctx::Running, Ctx::Global],
            (Stage::Picking, _) if x.editing_name => vec![Ctx::FileName, Ctx::Global],
            (Stage::Picking, Job::Import) => vec![Ctx::ImportPicker, Ctx::Picker, Ctx::Global],
            (Stage::Picking, Job::Export { .. }) => {
                vec![Ctx::ExportPicker, Ctx::Picker, Ctx::Global]
            }
            _ => vec![Ctx::Outcome, Ctx::Global],
        }
    }

    pub fn typing(&self) -> bool {
        self.stage == Stage::Picking && self.editing_name
    }

    /// A key. `body` is the number of rows of the screen's body and `w` its width (as
    /// drawn: `layout::body_rows`), for scrolling by a page.
    pub fn key(
        &mut self,
        action: Option<Action>,
        ev: &KeyEvent,
        lang: Lang,
        body: usize,
        w: usize,
    ) -> Outcome {
        let mut o = self.key_inner(action, ev, lang, body, w);
        o.cmds.extend(self.peek());
        o
    }

    fn key_inner(
        &mut self,
        action: Option<Action>,
        ev: &KeyEvent,
        lang: Lang,
        body: usize,
        w: usize,
    ) -> Outcome {
        // The picker's list has the screen's header above it.
        let page = body.saturating_sub(4).max(1) as isize;
        let x = self;
        match &x.stage {
            Stage::Running(_) => {
                // Nothing stops a bundle half way: it is all or nothing, so quitting is safe.
                if action == Some(Action::Quit) {
                    let (yes, no) = t::yes_no_keys();
                    return Outcome::ask(
                        t::quit_while_running(lang, yes, no),
                        Cmd::Exchange(ExchangeCmd::Quit),
                    );
                }
                Outcome::none()
            }
            Stage::Picking if x.editing_name => {
                match action {
                    Some(Action::Confirm) => return x.write(lang),
                    Some(Action::Cancel) => x.editing_name = false,
                    _ => {
                        if let Some(req) = input_request(ev) {
                            x.name.handle(req);
                        }
                    }
                }
                Outcome::none()
            }
            Stage::Picking => match action {
                Some(Action::WriteHere) => x.write(lang),
                Some(Action::EditName) => {
                    x.editing_name = true;
                    Outcome::none()
                }
                Some(Action::Quit) => Outcome::quit(),
                other => match x.picker.key(other, page) {
                    PickerOutcome::Nothing => Outcome::none(),
                    PickerOutcome::Places => Outcome::cmd(Cmd::Exchange(ExchangeCmd::LoadPlaces)),
                    PickerOutcome::List { dir, came_from } => {
                        Outcome::cmd(Cmd::Exchange(ExchangeCmd::List { dir, came_from }))
                    }
                    PickerOutcome::Chosen(paths) => {
                        Outcome::cmd(Cmd::Exchange(ExchangeCmd::Import { paths }))
                    }
                    PickerOutcome::Close => Outcome::close(),
                },
            },
            _ => {
                let max = outcome_lines(x, lang, w).len().saturating_sub(body);
                match action {
                    Some(Action::Up) => x.scroll = x.scroll.saturating_sub(1),
                    Some(Action::Down) => x.scroll = (x.scroll + 1).min(max),
                    Some(Action::PageUp) => x.scroll = x.scroll.saturating_sub(body),
                    Some(Action::PageDown) => x.scroll = (x.scroll + body).min(max),
                    Some(Action::Back) => return Outcome::close(),
                    Some(Action::Quit) => return Outcome::quit(),
                    Some(Action::Trust) => return x.trust_refused_key(),
                    _ => {}
                }
                Outcome::none()
            }
        }
    }

    /// `t` on an import's outcome: open the trust screen's add form filled in with the
    /// first refused key, and what its bundle claims (scope, name). Saving still goes
    /// through the fingerprint check there.
    fn trust_refused_key(&self) -> Outcome {
        let Stage::Imported(results) = &self.stage else {
            return Outcome::none();
        };
        let refused = results.iter().find_map(|r| match &r.outcome {
            FileOutcome::Refused(Refusal::UnknownKey {
                key,
                claimed_name,
                claimed_scope,
                ..
            }) => Some(Prefill {
                key: key.clone(),
                scope: claimed_scope.clone(),
                name: claimed_name.clone(),
                bundle: Some(r.path.clone()),
            }),
            _ => None,
        });
        match refused {
            Some(p) => Outcome::go(Go::Trust(p)),
            None => Outcome::none(),
        }
    }

    /// `w` or Enter on the file name: export into the folder shown (or the place under
    /// the cursor).
    fn write(&mut self, lang: Lang) -> Outcome {
        let x = self;
        let Job::Export { unit, round } = &x.job else {
            return Outcome::none();
        };
        let Some(dir) = x.picker.target_dir().map(Path::to_path_buf) else {
            return Outcome::say(Notice::warn(t::pick_a_place_first(lang)));
        };
        match check_name(x.name.value(), lang) {
            Err(e) => {
                x.editing_name = true;
                Outcome::say(Notice::error(e))
            }
            Ok(name) => {
                let cmd = Cmd::Exchange(ExchangeCmd::Export {
                    under: unit.code.clone(),
                    round: round.clone(),
                    dir,
                    name: name.clone(),
                    replace: false,
                });
                if name != x.name.value() {
                    x.name = Input::new(name);
                }
                x.editing_name = false;
                Outcome::cmd(cmd)
            }
        }
    }

    pub fn paste(&mut self, text: &str) {
        if self.typing() {
            paste_into(&mut self.name, text);
        }
    }

    /// An answer of effects or of the worker (`ExchangeMsg::Quit` and the reload of
    /// statuses after an import are the router's).
    pub fn answer(&mut self, msg: ExchangeMsg, lang: Lang) -> Outcome {
        let x = self;
        let mut o = Outcome::none();
        match msg {
            ExchangeMsg::Places(places) => x.picker.set_places(places),
            ExchangeMsg::Listed {
                dir,
                came_from,
                result,
            } => match result {
                Ok(entries) => {
                    // A folder that opens ends the complaint about one that did not.
                    let complained = x.picker.error.is_some();
                    x.picker.set_listing(dir, entries, came_from.as_deref());
                    if complained {
                        o = Outcome::clear();
                    }
                    o.cmds.extend(x.peek());
                }
                Err(e) => {
                    let text = t::cannot_open(lang, &clean_path(&dir), &e.text(lang));
                    x.picker.set_error(dir, e.text(lang));
                    o = Outcome::say(Notice::error(text));
                }
            },
            ExchangeMsg::Peeked { path, about } => x.about = Some((path, about)),
            ExchangeMsg::Exists { path, cmd } => {
                // The folder is on the screen; the file name is what the question is about.
                let (yes, no) = t::yes_no_keys();
                let question = t::replace_existing(lang, &file_name(&path), yes, no);
                o = Outcome::ask(question, Cmd::Exchange(cmd));
            }
            ExchangeMsg::Started(p) => {
                x.stage = Stage::Running(p);
                x.editing_name = false;
                o = Outcome::clear();
            }
            ExchangeMsg::Progress(p) => {
                if let Stage::Running(old) = &mut x.stage {
                    *old = p;
                }
            }
            ExchangeMsg::Exported(r) => {
                o = Outcome::say(match &r {
                    Ok(s) => Notice {
                        kind: NoticeKind::Saved,
                        text: t::exported_notice(lang, &clean_path(&s.path)),
                    },
                    Err(_) => Notice::error(t::export_failed_notice(lang)),
                });
                x.stage = Stage::Exported(r);
                x.scroll = 0;
            }
            ExchangeMsg::Imported(results) => {
                let sums = Totals::of(&results);
                let text =
                    t::import_finished_notice(lang, sums.imported, sums.already, sums.refused);
                o = Outcome::say(if sums.refused > 0 {
                    Notice::warn(text)
                } else {
                    Notice {
                        kind: NoticeKind::Saved,
                        text,
                    }
                });
                x.stage = Stage::Imported(results);
                x.scroll = 0;
            }
            ExchangeMsg::Failed(e) => {
                x.stage = Stage::Failed(e);
                x.scroll = 0;
            }
            ExchangeMsg::Quit => {}
        }
        o
    }
}

fn clean_path(p: &Path) -> String {
    clean(&p.to_string_lossy())
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| clean(&n.to_string_lossy()))
        .unwrap_or_else(|| clean_path(p))
}

/// Sums over the files of an import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub imported: usize,
    pub already: usize,
    pub refused: usize,
    pub new: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub forks: u64,
    pub duplicates: u64,
}

impl Totals {
    pub fn of(results: &[FileResult]) -> Totals {
        let mut t = Totals::default();
        for r in results {
            match &r.outcome {
                FileOutcome::Imported(s) if s.already_imported => t.already += 1,
                FileOutcome::Imported(s) => {
                    t.imported += 1;
                    t.new += s.revisions_new;
                    t.updated += s.revisions_updated;
                    t.unchanged += s.revisions_unchanged;
                    t.forks += s.forks;
                    t.duplicates += s.duplicates;
                }
                FileOutcome::Refused(_) => t.refused += 1,
            }
        }
        t
    }
}

/// How a line of the outcome reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Title,
    Plain,
    Good,
    Warn,
    Bad,
    Dim,
    /// A command to copy.
    Command,
}

/// Break `text` into lines of at most `w` cells, at spaces where it can (a word longer
/// than a line, such as Chinese without spaces, is cut by width); every line after the
/// first starts with `indent`.
pub fn wrap(text: &str, w: usize, indent: &str) -> Vec<String> {
    let iw = width(indent);
    let w = w.max(iw + 8);
    let mut out = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    // The line holds a word (so the next one needs a space before it).
    let mut has_text = false;
    for word in text.split(' ') {
        let ww = width(word);
        // A word with Chinese characters in it (a sentence: no spaces) is cut where the
        // line ends rather than moved whole to the next line; codes and numbers are not.
        let wide = word.chars().any(|c| {
            c.is_alphabetic() && unicode_width::UnicodeWidthChar::width(c).unwrap_or(0) > 1
        });
        if has_text && used + 1 + ww > w && iw + ww <= w && !wide {
            out.push(std::mem::take(&mut line));
            line.push_str(indent);
            used = iw;
            has_text = false;
        }
        let sep = usize::from(has_text);
        if used + sep + ww <= w {
            if has_text {
                line.push(' ');
            }
            line.push_str(word);
            used += sep + ww;
            has_text = true;
            continue;
        }
        if has_text {
            line.push(' ');
            used += 1;
        }
        for c in word.chars() {
            let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if used + cw > w {
                // Closing punctuation never starts a line: the character before it goes
                // down with it.
                let carry = if t::CLOSING_PUNCTUATION.contains(c) && width(&line) > iw + 2 {
                    line.pop()
                } else {
                    None
                };
                out.push(std::mem::take(&mut line));
                line.push_str(indent);
                used = iw;
                if let Some(p) = carry {
                    line.push(p);
                    used += unicode_width::UnicodeWidthChar::width(p).unwrap_or(0);
                }
            }
            line.push(c);
            used += cw;
        }
        has_text = true;
    }
    out.push(line);
    out
}

/// A shell command in lines of at most `w` cells that still paste as one command: broken
/// between words (never inside quotes), each line but the last ending in ` \`.
pub fn wrap_command(cmd: &str, w: usize, indent: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut quoted = false;
    let mut cur = String::new();
    for c in cmd.chars() {
        if c == '\'' {
            quoted = !quoted;
        }
        if c == ' ' && !quoted {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    let more = format!("{indent}  ");
    let mut out = Vec::new();
    let mut line = indent.to_string();
    let mut fresh = true;
    for word in words {
        // Room for " \\" at the end of a line that goes on.
        if !fresh && width(&line) + 1 + width(&word) + 2 > w {
            line.push_str(" \\");
            out.push(std::mem::replace(&mut line, more.clone()));
            fresh = true;
        }
        if !fresh {
            line.push(' ');
        }
        line.push_str(&word);
        fresh = false;
    }
    out.push(line);
    out
}

struct Lines {
    w: usize,
    out: Vec<(Tone, String)>,
}

impl Lines {
    fn add(&mut self, tone: Tone, text: &str, indent: &str) {
        for l in wrap(text, self.w, indent) {
            self.out.push((tone, l));
        }
    }
    fn blank(&mut self) {
        self.out.push((Tone::Plain, String::new()));
    }
}

/// The outcome of an export or import as lines of at most `w` cells.
pub fn outcome_lines(x: &Exchange, lang: Lang, w: usize) -> Vec<(Tone, String)> {
    let mut l = Lines {
        w: w.max(20),
        out: Vec::new(),
    };
    match &x.stage {
        Stage::Exported(r) => export_lines(&mut l, x, r, lang),
        Stage::Imported(results) => import_lines(&mut l, results, &x.round, lang),
        Stage::Failed(e) => {
            l.add(Tone::Bad, t::could_not_start(lang), "");
            l.add(
                Tone::Plain,
                &sanitize_for_terminal_keep_newlines(e).replace('\n', " "),
                "  ",
            );
        }
        Stage::Picking | Stage::Running(_) => {}
    }
    l.out
}

fn export_lines(l: &mut Lines, x: &Exchange, r: &Result<ExportSummary, ExportProblem>, lang: Lang) {
    let (unit, round) = match &x.job {
        Job::Export { unit, round } => (unit.clone(), round.clone()),
        Job::Import => return,
    };
    match r {
        Ok(s) => {
            l.add(Tone::Good, t::exported_title(lang), "");
            l.blank();
            let rows: Vec<(&str, String)> = vec![
                (t::label_file(lang), clean_path(&s.path)),
                (
                    t::label_unit(lang),
                    t::unit_round(lang, &clean(&s.under_name), &s.under, &clean(&s.round)),
                ),
                (
                    t::label_content(lang),
                    t::export_content(lang, s.villages, s.revisions, s.reviews, s.resolutions),
                ),
                (t::label_forms(lang), clean(&s.forms.join(", "))),
                (
                    t::label_size(lang),
                    t::bytes(lang, &human_size(s.file_bytes), s.file_bytes),
                ),
                (t::label_fingerprint(lang), s.fingerprint.clone()),
            ];
            let label_w = rows
                .iter()
                .map(|(label, _)| width(label))
                .max()
                .unwrap_or(4);
            let indent = " ".repeat(label_w + 2);
            for (label, v) in rows {
                let pad = " ".repeat(label_w - width(label));
                l.add(Tone::Plain, &format!("{label}{pad}  {v}"), &indent);
            }
            l.blank();
            l.add(Tone::Dim, t::check_fingerprint_by_phone(lang), "");
            if s.drafts_left_out > 0 {
                let text = t::drafts_left_out(lang, s.drafts_left_out);
                l.add(Tone::Warn, &text, "");
            }
        }
        Err(p) => {
            l.add(Tone::Bad, t::export_failed_title(lang), "");
            l.blank();
            let text = match p {
                ExportProblem::Nothing { drafts } => t::nothing_to_export(
                    lang,
                    &clean(&unit.name),
                    &unit.code,
                    &clean(&round),
                    *drafts,
                ),
                ExportProblem::Other { zh, en } => {
                    t::export_reason(lang, &clean(crate::i18n::pick(lang, zh, en)))
                }
            };
            l.add(Tone::Plain, &text, "  ");
        }
    }
}

fn import_lines(l: &mut Lines, results: &[FileResult], shown: &str, lang: Lang) {
    let sums = Totals::of(results);
    let head = t::import_head(
        lang,
        results.len(),
        sums.imported,
        sums.already,
        sums.refused,
    );
    l.add(Tone::Title, &head, "");
    let line = t::import_sums(
        lang,
        sums.new,
        sums.updated,
        sums.unchanged,
        sums.forks,
        sums.duplicates,
    );
    l.add(Tone::Plain, &line, "");
    if sums.forks + sums.duplicates > 0 {
        let hint = t::forks_need_a_person(lang, key(Ctx::Home, Action::Conflicts));
        l.add(Tone::Warn, &hint, "");
    }
    for r in results {
        l.blank();
        let name = file_name(&r.path);
        match &r.outcome {
            FileOutcome::Imported(s) if s.already_imported => {
                l.add(Tone::Dim, &t::already_imported(lang, &name), "  ");
                l.add(Tone::Dim, &from_line(s, lang), "  ");
            }
            FileOutcome::Imported(s) => {
                let text = t::imported_file(lang, &name, &clean(&s.round));
                l.add(Tone::Good, &text, "  ");
                l.add(Tone::Plain, &from_line(s, lang), "  ");
                let counts = t::imported_counts(
                    lang,
                    s.villages,
                    s.revisions_new,
                    s.revisions_updated,
                    s.revisions_unchanged,
                    s.forks,
                    s.duplicates,
                    s.reviews_new,
                    s.resolutions_new,
                );
                l.add(Tone::Plain, &counts, "  ");
            }
            FileOutcome::Refused(why) => {
                l.add(Tone::Bad, &t::refused_file(lang, &name), "  ");
                match why {
                    Refusal::UnknownKey {
                        fingerprint,
                        command,
                        claimed_name,
                        claimed_scope,
                        ..
                    } => {
                        l.add(Tone::Warn, t::untrusted_key_lead(lang), "  ");
                        l.add(Tone::Title, &format!("    {fingerprint}"), "    ");
                        let text = t::refused_key_advice(
                            lang,
                            &clean(claimed_name),
                            &clean(claimed_scope),
                            key(Ctx::Outcome, Action::Trust),
                        );
                        l.add(Tone::Warn, &text, "  ");
                        for line in wrap_command(&clean(command), l.w, "  ") {
                            l.out.push((Tone::Command, line));
                        }
                    }
                    Refusal::Other { en, zh } => {
                        let why = clean(crate::i18n::pick(lang, zh, en));
                        l.add(Tone::Plain, &t::refusal_reason(lang, &why), "  ");
                    }
                }
            }
        }
    }
    let mut others: Vec<&str> = results
        .iter()
        .filter_map(|r| match &r.outcome {
            FileOutcome::Imported(s) if !s.already_imported && s.round != shown => {
                Some(s.round.as_str())
            }
            _ => None,
        })
        .collect();
    others.sort_unstable();
    others.dedup();
    if !others.is_empty() {
        let list = clean(&others.join(", "));
        let text =
            t::other_round_imported(lang, &list, &clean(shown), key(Ctx::Home, Action::Round));
        l.blank();
        l.add(Tone::Warn, &text, "");
    }
    if sums.forks + sums.duplicates > 0 {
        l.blank();
        l.add(Tone::Warn, t::forks_await(lang), "");
    }
}

fn from_line(s: &ImportSummary, lang: Lang) -> String {
    t::from_sender(
        lang,
        &clean(&s.trusted_name),
        &s.fingerprint,
        &clean(&s.trusted_scope),
    )
}
