//! The export and import screens: the picker with what it will do, the progress of the
//! job, and its outcome.

use crate::forms::Lang;
use crate::tui::app::Model;
use crate::tui::screens::exchange::{Exchange, Job, Stage, Tone, outcome_lines};
use crate::tui::shared::exchange::{BundleAbout, JobProgress};
use crate::tui::text::{clean, fit, tr};
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
            let title = match lang {
                Lang::Zh => format!(
                    "导出数据包 · {} {} · {} 轮",
                    clean(&unit.name),
                    unit.code,
                    clean(round)
                ),
                Lang::En => format!(
                    "Export a bundle · {} {} · round {}",
                    clean(&unit.name),
                    unit.code,
                    clean(round)
                ),
            };
            f.render_widget(Paragraph::new(fit(&title, w)).style(bold()), row(area, 0));
            let target = match p.target_dir() {
                Some(d) => clean(&d.to_string_lossy()),
                None => tr(lang, "（先选择一个位置）", "(pick a place first)").into(),
            };
            let to = format!("{}{target}", tr(lang, "保存到：", "Save to: "));
            f.render_widget(Paragraph::new(fit(&to, w)), row(area, 1));
            draw_input(
                f,
                row(area, 2),
                tr(lang, "文件名：", "File name: "),
                &x.name,
                x.editing_name,
            );
        }
        Job::Import => {
            let n = p.marked.len();
            let title = match (lang, n) {
                (Lang::Zh, 0) => "导入数据包 · 空格选中文件，Enter 导入".to_string(),
                (Lang::Zh, n) => format!("导入数据包 · 已选 {n} 个文件，Enter 导入"),
                (Lang::En, 0) => "Import bundles · Space marks files, Enter imports".to_string(),
                (Lang::En, n) => format!(
                    "Import bundles · {} marked, Enter imports",
                    crate::tui::text::count(n, "file")
                ),
            };
            f.render_widget(Paragraph::new(fit(&title, w)).style(bold()), row(area, 0));
            f.render_widget(Paragraph::new(fit(&location(p, lang), w)), row(area, 1));
        }
    }
    // The line above the list: why a folder could not be opened, or where we are.
    let info = header - 1;
    match (&p.error, &x.job) {
        (Some((dir, why)), _) => {
            let text = match lang {
                Lang::Zh => format!("✗ 无法打开 {}：{why}", clean(&dir.to_string_lossy())),
                Lang::En => format!("✗ Cannot open {}: {why}", clean(&dir.to_string_lossy())),
            };
            f.render_widget(
                Paragraph::new(fit(&text, w)).style(error_style()),
                row(area, info),
            );
        }
        (None, Job::Export { .. }) => {
            let text = match &p.dir {
                None => location(p, lang),
                Some(_) => tr(
                    lang,
                    "此处已有的数据包也列在下面；同名文件会先询问是否替换",
                    "Bundles already here are listed below; a file of the same name is asked about",
                )
                .into(),
            };
            f.render_widget(Paragraph::new(fit(&text, w)).style(dim()), row(area, info));
        }
        (None, Job::Import) => {
            let text = tr(
                lang,
                "只显示文件夹和 .renv 数据包（. 显示全部）· Backspace 上级 · p 起始位置",
                "Folders and .renv bundles only (. for all) · Backspace: up · p: places",
            );
            let text = if p.show_all {
                tr(
                    lang,
                    "显示全部文件（. 只显示数据包）· Backspace 上级 · p 起始位置",
                    "Every file (. for bundles only) · Backspace: up · p: places",
                )
            } else {
                text
            };
            f.render_widget(Paragraph::new(fit(text, w)).style(dim()), row(area, info));
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
    let trust = match (&a.trusted_as, lang) {
        (Some(n), Lang::Zh) => format!("已信任（{}）", clean(n)),
        (Some(n), Lang::En) => format!("trusted ({})", clean(n)),
        (None, Lang::Zh) => format!("未信任的密钥，指纹 {}", clean(&a.fingerprint)),
        (None, Lang::En) => format!("key not trusted, fingerprint {}", clean(&a.fingerprint)),
    };
    let demo = if a.demo {
        tr(lang, " · 演示数据", " · demo data")
    } else {
        ""
    };
    match lang {
        Lang::Zh => format!(
            "来自 {}（范围 {}）· {} 轮 · {} 条版本 · {trust}{demo}",
            clean(&a.exporter_name),
            clean(&a.exporter_scope),
            clean(&a.round),
            a.revisions
        ),
        Lang::En => format!(
            "From {} (scope {}) · round {} · {} · {trust}{demo}",
            clean(&a.exporter_name),
            clean(&a.exporter_scope),
            clean(&a.round),
            crate::tui::text::count(a.revisions, "revision")
        ),
    }
}

fn draw_running(m: &Model, x: &Exchange, p: &JobProgress, f: &mut Frame, area: Rect) {
    let w = area.width as usize;
    let lang = m.lang;
    let title = match (&x.job, lang) {
        (Job::Export { unit, .. }, Lang::Zh) => {
            format!("正在导出 {} {} …", clean(&unit.name), unit.code)
        }
        (Job::Export { unit, .. }, Lang::En) => {
            format!("Exporting {} {} …", clean(&unit.name), unit.code)
        }
        (Job::Import, Lang::Zh) => format!("正在导入 · 文件 {}/{}", p.file, p.files),
        (Job::Import, Lang::En) => format!("Importing · file {} of {}", p.file, p.files),
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
        tr(lang, "正在读取、校验…", "reading and checking…").to_string()
    } else {
        match lang {
            Lang::Zh => format!("{} / {} 条", p.done, p.total),
            Lang::En => format!("{} / {} facts", p.done, p.total),
        }
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
        f.render_widget(
            Paragraph::new(fit(tr(lang, "全部文件", "All files"), w)),
            all_label,
        );
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
            tr(
                lang,
                "每个数据包要么全部导入，要么完全不导入；导入期间请勿拔出 U 盘。",
                "Each bundle goes in whole or not at all; keep the USB stick in.",
            ),
            tr(
                lang,
                "现在退出（q 或 Ctrl-C）不会损坏数据，只是未完成的导入不保存。",
                "Quitting now (q or Ctrl-C) damages nothing; the unfinished part is not kept.",
            ),
        ),
        Job::Export { .. } => (
            tr(
                lang,
                "先写入临时文件，同步到磁盘后改名，再读回校验；请勿拔出 U 盘。",
                "Written to a temporary file, synced, renamed, then read back; keep the USB in.",
            ),
            "",
        ),
    };
    f.render_widget(Paragraph::new(fit(a, w)).style(dim()), hint1);
    f.render_widget(Paragraph::new(fit(b, w)).style(dim()), hint2);
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
