//! The export and import screens: the picker with what it will do, the progress of the
//! job, and its outcome.

use crate::forms::Lang;
use crate::i18n::key;
use crate::i18n::tui_exchange as t;
use crate::tui::app::Model;
use crate::tui::keys::{Action, Ctx};
use crate::tui::screens::exchange::{Exchange, Job, Stage, Tone, outcome_lines};
use crate::tui::shared::exchange::{BundleAbout, JobProgress};
use crate::tui::text::{clean, fit};
use crate::tui::view::picker::{draw_list, location};
use crate::tui::view::style::{bold, dim, draw_input};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Gauge, Paragraph};

pub fn draw(m: &Model, f: &mut Frame, area: Rect) {
    let Some(x) = &m.exchange else { return };
    match &x.stage {
        Stage::Picking => draw_picking(m, x, f, area),
        Stage::Running(p) => draw_running(m, x, p, f, area),
        _ => draw_outcome(m, x, f, area),
    }
}

fn row(area: Rect, i: u16) -> Rect {
    Rect {
        y: area.y + i.min(area.height.saturating_sub(1)),
        height: 1,
        ..area
    }
}

fn error_style() -> Style {
    Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
}

fn draw_picking(m: &Model, x: &Exchange, f: &mut Frame, area: Rect) {
    let w = area.width as usize;
    let lang = m.lang;
    let p = &x.picker;
    let header = match &x.job {
        Job::Export { .. } => 4,
        Job::Import => 3,
    };
    if area.height <= header {
        return;
    }
    match &x.job {
        Job::Export { unit, round } => {
            let title = t::export_title(lang, &clean(&unit.name), &unit.code, &clean(round));
            f.render_widget(Paragraph::new(fit(&title, w)).style(bold()), row(area, 0));
            let target = match p.target_dir() {
                Some(d) => clean(&d.to_string_lossy()),
                None => t::pick_a_place_hint(lang).into(),
            };
            let to = format!("{}{target}", t::save_to(lang));
            f.render_widget(Paragraph::new(fit(&to, w)), row(area, 1));
            draw_input(
                f,
                row(area, 2),
                t::file_name_label(lang),
                &x.name,
                x.editing_name,
            );
        }
        Job::Import => {
            let n = p.marked.len();
            let title = t::import_title(
                lang,
                n,
                key(Ctx::ImportPicker, Action::Mark),
                key(Ctx::ImportPicker, Action::Open),
            );
            f.render_widget(Paragraph::new(fit(&title, w)).style(bold()), row(area, 0));
            f.render_widget(Paragraph::new(fit(&location(p, lang), w)), row(area, 1));
        }
    }
    // The line above the list: why a folder could not be opened, or where we are.
    let info = header - 1;
    match (&p.error, &x.job) {
        (Some((dir, why)), _) => {
            let text = t::cannot_open_line(lang, &clean(&dir.to_string_lossy()), why);
            f.render_widget(
                Paragraph::new(fit(&text, w)).style(error_style()),
                row(area, info),
            );
        }
        (None, Job::Export { .. }) => {
            let text = match &p.dir {
                None => location(p, lang),
                Some(_) => t::bundles_here_listed(lang).into(),
            };
            f.render_widget(Paragraph::new(fit(&text, w)).style(dim()), row(area, info));
        }
        (None, Job::Import) => {
            let (all, up, places) = (
                key(Ctx::Picker, Action::ShowAll),
                key(Ctx::Picker, Action::Parent),
                key(Ctx::Picker, Action::Places),
            );
            let text = if p.show_all {
                t::all_files_hint(lang, all, up, places)
            } else {
                t::bundles_only_hint(lang, all, up, places)
            };
            f.render_widget(Paragraph::new(fit(&text, w)).style(dim()), row(area, info));
        }
    }
    let mut list = Rect {
        y: area.y + header,
        height: area.height - header,
        ..area
    };
    // What the bundle under the cursor says about itself, below the list.
    if let Some(about) = x.about_current()
        && list.height > 4
    {
        let lines = crate::tui::text::wrap_to(&about_text(about, lang), w);
        let n = (lines.len() as u16).min(2);
        list.height -= n;
        let style = match about {
            Ok(a) if a.trusted_as.is_some() => Style::default().fg(Color::Green),
            Ok(_) => Style::default().fg(Color::Yellow),
            Err(_) => error_style(),
        };
        let shown: Vec<Line> = lines
            .into_iter()
            .take(n as usize)
            .map(|l| Line::raw(fit(&l, w)))
            .collect();
        f.render_widget(
            Paragraph::new(shown).style(style),
            Rect {
                y: list.y + list.height,
                height: n,
                ..list
            },
        );
    }
    draw_list(p, lang, f, list);
}

/// "From 邓庄街道 张三 (scope 411003003000) · round 2020 · 14 revisions · trusted as …"
fn about_text(about: &Result<BundleAbout, String>, lang: Lang) -> String {
    let a = match about {
        Ok(a) => a,
        Err(e) => return format!("✗ {}", clean(e)),
    };
    let trust = match &a.trusted_as {
        Some(n) => t::trusted_as(lang, &clean(n)),
        None => t::key_not_trusted(lang, &clean(&a.fingerprint)),
    };
    let demo = if a.demo {
        t::demo_data_suffix(lang)
    } else {
        ""
    };
    t::about_bundle(
        lang,
        &clean(&a.exporter_name),
        &clean(&a.exporter_scope),
        &clean(&a.round),
        a.revisions,
        &trust,
        demo,
    )
}

fn draw_running(m: &Model, x: &Exchange, p: &JobProgress, f: &mut Frame, area: Rect) {
    let w = area.width as usize;
    let lang = m.lang;
    let title = match &x.job {
        Job::Export { unit, .. } => t::exporting(lang, &clean(&unit.name), &unit.code),
        Job::Import => t::importing(lang, p.file, p.files),
    };
    let [t, _, name, gauge, _, all_label, all, _, hint1, hint2] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    f.render_widget(Paragraph::new(fit(&title, w)).style(bold()), t);
    f.render_widget(
        Paragraph::new(fit(&format!("  {}", clean(&p.name)), w)),
        name,
    );
    let label = if p.total == 0 {
        t::reading_and_checking(lang).to_string()
    } else {
        t::facts_done(lang, p.done, p.total)
    };
    let ratio = if p.total == 0 {
        0.0
    } else {
        (p.done as f64 / p.total as f64).clamp(0.0, 1.0)
    };
    let gauge_style = Style::default().fg(Color::Cyan).bg(Color::DarkGray);
    f.render_widget(
        Gauge::default()
            .ratio(ratio)
            .label(label)
            .gauge_style(gauge_style)
            .use_unicode(true),
        inset(gauge),
    );
    if matches!(x.job, Job::Import) && p.files > 1 {
        f.render_widget(Paragraph::new(fit(t::all_files(lang), w)), all_label);
        let overall = p.overall();
        f.render_widget(
            Gauge::default()
                .ratio(overall)
                .label(format!("{:.0} %", overall * 100.0))
                .gauge_style(gauge_style)
                .use_unicode(true),
            inset(all),
        );
    }
    let (a, b) = match x.job {
        Job::Import => (
            t::import_whole_or_nothing(lang),
            t::quitting_keeps_nothing(
                lang,
                key(Ctx::Running, Action::Quit),
                key(Ctx::Global, Action::ForceQuit),
            ),
        ),
        Job::Export { .. } => (t::export_written_safely(lang), String::new()),
    };
    f.render_widget(Paragraph::new(fit(a, w)).style(dim()), hint1);
    f.render_widget(Paragraph::new(fit(&b, w)).style(dim()), hint2);
}

/// A gauge two cells in from each side.
fn inset(r: Rect) -> Rect {
    Rect {
        x: r.x + 2.min(r.width),
        width: r.width.saturating_sub(4),
        ..r
    }
}

fn draw_outcome(m: &Model, x: &Exchange, f: &mut Frame, area: Rect) {
    let lines = outcome_lines(x, m.lang, area.width as usize);
    let h = area.height as usize;
    let scroll = x.scroll.min(lines.len().saturating_sub(h));
    let shown: Vec<Line> = lines
        .into_iter()
        .skip(scroll)
        .take(h)
        .map(|(tone, text)| {
            let style = match tone {
                Tone::Title => bold(),
                Tone::Plain => Style::default(),
                Tone::Good => Style::default()
                    .fg(Color::Green)
                    .add_modifier(Modifier::BOLD),
                Tone::Warn => Style::default().fg(Color::Yellow),
                Tone::Bad => error_style(),
                Tone::Dim => dim(),
                Tone::Command => Style::default().fg(Color::Cyan),
            };
            Line::styled(text, style)
        })
        .collect();
    f.render_widget(Paragraph::new(shown), area);
}
