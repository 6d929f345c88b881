//! The export and import screens: pick where a bundle goes or which bundles come in, run
//! the job on a worker thread (effects), follow its progress, then read what was written
//! or what changed, file by file. Pure state, its key handler and the words of the
//! outcome; `effects::exchange` does the disk and database work and answers with
//! [`ExchangeMsg`]s.

use crate::bundle::exchange::{ExportSummary, ImportSummary};
use crate::forms::Lang;
use crate::forms::value::sanitize_for_terminal_keep_newlines;
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
use crate::tui::text::{clean, count, tr, width};
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
        return Err(tr(lang, "请输入文件名", "Type a file name").into());
    }
    if name.contains(['/', '\\']) || name.chars().any(crate::termsafe::is_unsafe) {
        return Err(tr(
            lang,
            "文件名不能含 / 或 \\；文件夹在上面的列表中选择",
            "A file name has no / or \\; pick the folder in the list",
        )
        .into());
    }
    if name.starts_with('.') {
        return Err(tr(
            lang,
            "文件名不能以 . 开头",
            "A file name cannot start with a dot",
        )
        .into());
    }
    let name = if crate::tui::picker::is_bundle_name(name) {
        name.to_string()
    } else {
        format!("{name}.{BUNDLE_EXT}")
    };
    if name.len() > 200 {
        return Err(tr(lang, "文件名太长", "The file name is too long").into());
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
                    return Outcome::ask(
                        tr(
                            lang,
                            "仍在处理：现在退出？未完成的部分不保存，数据不会损坏。y / n",
                            "Still working: quit now? The unfinished part is not kept (no damage). y / n",
                        )
                        .into(),
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
            return Outcome::say(Notice::warn(tr(
                lang,
                "先选择一个位置（如 U 盘）",
                "Pick a place first (a USB stick, for example)",
            )));
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
                    x.picker.set_listing(dir, entries, came_from.as_deref());
                    o.cmds.extend(x.peek());
                }
                Err(e) => {
                    let text = match lang {
                        Lang::Zh => format!("无法打开 {}：{}", clean_path(&dir), e.text(lang)),
                        Lang::En => format!("Cannot open {}: {}", clean_path(&dir), e.text(lang)),
                    };
                    x.picker.set_error(dir, e.text(lang));
                    o = Outcome::say(Notice::error(text));
                }
            },
            ExchangeMsg::Peeked { path, about } => x.about = Some((path, about)),
            ExchangeMsg::Exists { path, cmd } => {
                // The folder is on the screen; the file name is what the question is about.
                let question = match lang {
                    Lang::Zh => format!(
                        "已有同名文件，替换它？y 替换 / n 取消：{}",
                        file_name(&path)
                    ),
                    Lang::En => format!("Replace the existing file? y / n: {}", file_name(&path)),
                };
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
                        text: match lang {
                            Lang::Zh => format!("已导出并校验：{}", clean_path(&s.path)),
                            Lang::En => format!("Exported and verified: {}", clean_path(&s.path)),
                        },
                    },
                    Err(_) => Notice::error(tr(
                        lang,
                        "导出失败，没有写入文件",
                        "The export failed; no file was written",
                    )),
                });
                x.stage = Stage::Exported(r);
                x.scroll = 0;
            }
            ExchangeMsg::Imported(results) => {
                let t = Totals::of(&results);
                let text = match lang {
                    Lang::Zh => format!(
                        "导入完成：导入 {}，已导入过 {}，拒绝 {}",
                        t.imported, t.already, t.refused
                    ),
                    Lang::En => format!(
                        "Import finished: {} imported, {} already imported, {} refused",
                        t.imported, t.already, t.refused
                    ),
                };
                o = Outcome::say(if t.refused > 0 {
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
                let carry = if "，。、；：！？）”』」》".contains(c) && width(&line) > iw + 2
                {
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
            l.add(
                Tone::Bad,
                tr(
                    lang,
                    "✗ 无法开始，没有做任何更改",
                    "✗ Could not start; nothing was changed",
                ),
                "",
            );
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
            l.add(
                Tone::Good,
                tr(
                    lang,
                    "✓ 导出完成：写入后已重新读取并校验签名",
                    "✓ Exported: read back and verified after writing",
                ),
                "",
            );
            l.blank();
            let rows: Vec<(&str, &str, String)> = vec![
                ("文件", "File", clean_path(&s.path)),
                (
                    "单位",
                    "Unit",
                    match lang {
                        Lang::Zh => format!(
                            "{} {} · {} 轮",
                            clean(&s.under_name),
                            s.under,
                            clean(&s.round)
                        ),
                        Lang::En => format!(
                            "{} {} · round {}",
                            clean(&s.under_name),
                            s.under,
                            clean(&s.round)
                        ),
                    },
                ),
                (
                    "内容",
                    "Content",
                    match lang {
                        Lang::Zh => format!(
                            "{} 个村的 {} 条版本 · 审核 {} · 处理 {}",
                            s.villages, s.revisions, s.reviews, s.resolutions
                        ),
                        Lang::En => format!(
                            "{} of {} · {} · {}",
                            count(s.revisions, "revision"),
                            count(s.villages, "village"),
                            count(s.reviews, "review"),
                            count(s.resolutions, "resolution")
                        ),
                    },
                ),
                ("表单", "Forms", clean(&s.forms.join(", "))),
                (
                    "大小",
                    "Size",
                    match lang {
                        Lang::Zh => {
                            format!("{}（{} 字节）", human_size(s.file_bytes), s.file_bytes)
                        }
                        Lang::En => {
                            format!("{} ({} bytes)", human_size(s.file_bytes), s.file_bytes)
                        }
                    },
                ),
                ("签名指纹", "Fingerprint", s.fingerprint.clone()),
            ];
            let label_w = rows
                .iter()
                .map(|(zh, en, _)| width(tr(lang, zh, en)))
                .max()
                .unwrap_or(4);
            let indent = " ".repeat(label_w + 2);
            for (zh, en, v) in rows {
                let label = tr(lang, zh, en);
                let pad = " ".repeat(label_w - width(label));
                l.add(Tone::Plain, &format!("{label}{pad}  {v}"), &indent);
            }
            l.blank();
            l.add(
                Tone::Dim,
                tr(
                    lang,
                    "接收方添加信任时，请通过电话核对上面的签名指纹。",
                    "The receiver checks this fingerprint with you by phone before trusting it.",
                ),
                "",
            );
            if s.drafts_left_out > 0 {
                let t = match lang {
                    Lang::Zh => format!(
                        "注意：还有 {} 份草稿尚未完成，没有导出。",
                        s.drafts_left_out
                    ),
                    Lang::En => format!(
                        "Note: {} {} not finalized and {} not exported.",
                        count(s.drafts_left_out, "draft"),
                        if s.drafts_left_out == 1 { "is" } else { "are" },
                        if s.drafts_left_out == 1 {
                            "was"
                        } else {
                            "were"
                        }
                    ),
                };
                l.add(Tone::Warn, &t, "");
            }
        }
        Err(p) => {
            l.add(
                Tone::Bad,
                tr(
                    lang,
                    "✗ 导出失败，没有写入文件",
                    "✗ The export failed; no file was written",
                ),
                "",
            );
            l.blank();
            let text = match (p, lang) {
                (ExportProblem::Nothing { drafts }, Lang::Zh) => format!(
                    "{} {} 在 {} 轮没有已完成的记录{}。",
                    clean(&unit.name),
                    unit.code,
                    clean(&round),
                    if *drafts > 0 {
                        format!("（有 {drafts} 份草稿，需先完成）")
                    } else {
                        String::new()
                    }
                ),
                (ExportProblem::Nothing { drafts }, Lang::En) => format!(
                    "{} {} has no finalized records in round {}{}.",
                    clean(&unit.name),
                    unit.code,
                    clean(&round),
                    if *drafts > 0 {
                        format!(" ({} must be finalized first)", count(*drafts, "draft"))
                    } else {
                        String::new()
                    }
                ),
                (ExportProblem::Other { zh, .. }, Lang::Zh) => format!("原因：{}", clean(zh)),
                (ExportProblem::Other { en, .. }, Lang::En) => format!("Why: {}", clean(en)),
            };
            l.add(Tone::Plain, &text, "  ");
        }
    }
}

fn import_lines(l: &mut Lines, results: &[FileResult], shown: &str, lang: Lang) {
    let t = Totals::of(results);
    let head = match lang {
        Lang::Zh => format!(
            "导入完成：{} 个文件 · 导入 {} · 已导入过 {} · 拒绝 {}",
            results.len(),
            t.imported,
            t.already,
            t.refused
        ),
        Lang::En => format!(
            "Import finished: {} · {} imported · {} already imported · {} refused",
            count(results.len(), "file"),
            t.imported,
            t.already,
            t.refused
        ),
    };
    l.add(Tone::Title, &head, "");
    let sums = match lang {
        Lang::Zh => format!(
            "记录版本：新增 {} · 更新 {} · 未变 {} · 分叉 {} · 重复 {}",
            t.new, t.updated, t.unchanged, t.forks, t.duplicates
        ),
        Lang::En => format!(
            "Revisions: {} new · {} updated · {} unchanged · {} · {}",
            t.new,
            t.updated,
            t.unchanged,
            count(t.forks, "fork"),
            count(t.duplicates, "duplicate")
        ),
    };
    l.add(Tone::Plain, &sums, "");
    if t.forks + t.duplicates > 0 {
        let hint = tr(
            lang,
            "有村庄存在分叉或重复记录，需要人工选择计入哪个版本：回首页后按 c 处理。",
            "Some villages now have forks or duplicates that need a person's choice: press c on home.",
        );
        l.add(Tone::Warn, hint, "");
    }
    for r in results {
        l.blank();
        let name = file_name(&r.path);
        match &r.outcome {
            FileOutcome::Imported(s) if s.already_imported => {
                let t = match lang {
                    Lang::Zh => format!("= {name}：已导入过，没有任何更改"),
                    Lang::En => format!("= {name}: already imported; nothing changed"),
                };
                l.add(Tone::Dim, &t, "  ");
                l.add(Tone::Dim, &from_line(s, lang), "  ");
            }
            FileOutcome::Imported(s) => {
                let t = match lang {
                    Lang::Zh => format!("✓ {name}：已导入（{} 轮）", clean(&s.round)),
                    Lang::En => format!("✓ {name}: imported (round {})", clean(&s.round)),
                };
                l.add(Tone::Good, &t, "  ");
                l.add(Tone::Plain, &from_line(s, lang), "  ");
                let counts = match lang {
                    Lang::Zh => format!(
                        "  {} 个村：新增 {} · 更新 {} · 未变 {} · 分叉 {} · 重复 {} · 审核 {} · \
                         处理 {}",
                        s.villages,
                        s.revisions_new,
                        s.revisions_updated,
                        s.revisions_unchanged,
                        s.forks,
                        s.duplicates,
                        s.reviews_new,
                        s.resolutions_new
                    ),
                    Lang::En => format!(
                        "  {}: {} new · {} updated · {} unchanged · {} · {} · {} · {}",
                        count(s.villages, "village"),
                        s.revisions_new,
                        s.revisions_updated,
                        s.revisions_unchanged,
                        count(s.forks, "fork"),
                        count(s.duplicates, "duplicate"),
                        count(s.reviews_new, "review"),
                        count(s.resolutions_new, "resolution")
                    ),
                };
                l.add(Tone::Plain, &counts, "  ");
            }
            FileOutcome::Refused(why) => {
                let t = match lang {
                    Lang::Zh => format!("✗ {name}：被拒绝，没有导入任何内容"),
                    Lang::En => format!("✗ {name}: refused; nothing was imported"),
                };
                l.add(Tone::Bad, &t, "  ");
                match why {
                    Refusal::UnknownKey {
                        fingerprint,
                        command,
                        claimed_name,
                        claimed_scope,
                        ..
                    } => {
                        let lead = tr(
                            lang,
                            "  签名密钥未被信任，它的指纹是：",
                            "  Signed by a key this installation does not trust; its fingerprint:",
                        );
                        l.add(Tone::Warn, lead, "  ");
                        l.add(Tone::Title, &format!("    {fingerprint}"), "    ");
                        let t = match lang {
                            Lang::Zh => format!(
                                "  数据包自称来自“{}”，范围 {}。请先打电话与发送人核对指纹，\
                                 然后按 t 在信任列表中添加此密钥（会再次显示指纹供核对），或运行：",
                                clean(claimed_name),
                                clean(claimed_scope)
                            ),
                            Lang::En => format!(
                                "  The bundle says it comes from \"{}\" for {}. Check the \
                                 fingerprint with the sender by phone, then press t to add the \
                                 key to the trust list (its fingerprint is shown again to \
                                 compare), or run:",
                                clean(claimed_name),
                                clean(claimed_scope)
                            ),
                        };
                        l.add(Tone::Warn, &t, "  ");
                        for line in wrap_command(&clean(command), l.w, "  ") {
                            l.out.push((Tone::Command, line));
                        }
                    }
                    Refusal::Other { en, zh } => {
                        let t = match lang {
                            Lang::Zh => format!("  原因：{}", clean(zh)),
                            Lang::En => format!("  Why: {}", clean(en)),
                        };
                        l.add(Tone::Plain, &t, "  ");
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
        let t = match lang {
            Lang::Zh => format!(
                "注意：导入的记录属于 {list} 轮，首页显示的是 {} 轮；在首页按 r 切换轮次。",
                clean(shown)
            ),
            Lang::En => format!(
                "Note: the records imported are of round {list}; home shows round {}. Press r \
                 on home to switch.",
                clean(shown)
            ),
        };
        l.blank();
        l.add(Tone::Warn, &t, "");
    }
    if t.forks + t.duplicates > 0 {
        l.blank();
        l.add(
            Tone::Warn,
            tr(
                lang,
                "有分叉或重复的记录等待人工处理：见冲突处理界面，或运行 ruralenv conflicts",
                "Forks or duplicates await a person: see the conflicts screen, or run \
                 ruralenv conflicts",
            ),
            "",
        );
    }
}

fn from_line(s: &ImportSummary, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "  来自“{}”（密钥 {}，信任范围 {}）",
            clean(&s.trusted_name),
            s.fingerprint,
            clean(&s.trusted_scope)
        ),
        Lang::En => format!(
            "  from \"{}\" (key {}, trusted for {})",
            clean(&s.trusted_name),
            s.fingerprint,
            clean(&s.trusted_scope)
        ),
    }
}
