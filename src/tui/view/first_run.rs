//! The first-run screen: the role, a surveyor's name, then the offer of demo data in a
//! directory of its own.

use crate::i18n::{key, tui_county as words};
use crate::tui::app::Model;
use crate::tui::keys::{Action, Ctx};
use crate::tui::screens::first_run::{DemoState, FirstRunStep};
use crate::tui::shared::Role;
use crate::tui::text::{clean, fit};
use crate::tui::view::style::{bold, dim, draw_input, selected};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

pub fn draw(m: &Model, f: &mut Frame, area: Rect) {
    let Some(fr) = &m.first_run else { return };
    let w = area.width as usize;
    let lines = vec![
        Line::raw(""),
        Line::styled(fit(&format!("  {}", words::welcome(m.lang)), w), bold()),
        Line::raw(""),
        Line::raw(fit(&format!("  {}", words::intro_home(m.lang)), w)),
        Line::raw(fit(
            &format!("  {}", words::intro_review(m.lang, help_key())),
            w,
        )),
        Line::raw(""),
    ];
    let n = lines.len() as u16;
    f.render_widget(Paragraph::new(lines), area);
    let below = Rect {
        y: area.y + n,
        height: 1,
        ..area
    };
    if area.height <= n {
        return;
    }
    let rest = Rect {
        y: area.y + n,
        height: area.height - n,
        ..area
    };
    let lang = m.lang;
    match fr.step {
        FirstRunStep::Role => {
            let mut lines = vec![Line::styled(
                words::role_question(
                    lang,
                    key(Ctx::FirstRun, Action::Up),
                    key(Ctx::FirstRun, Action::Confirm),
                ),
                bold(),
            )];
            // A role's line wraps under its text, not under the marker.
            let text_w = (w.saturating_sub(2)).saturating_sub(2);
            for (i, role) in Role::ALL.iter().enumerate() {
                let text = format!(
                    "{}{}{}",
                    role.label(lang),
                    words::colon(lang),
                    words::role_what(lang, *role)
                );
                for (k, part) in crate::tui::text::wrap_to(&text, text_w)
                    .into_iter()
                    .enumerate()
                {
                    let lead = if k == 0 && i == fr.role { "▶ " } else { "  " };
                    let line = Line::raw(format!("{lead}{part}"));
                    lines.push(if i == fr.role {
                        line.style(selected())
                    } else {
                        line
                    });
                }
            }
            wrap(f, lines, rest);
        }
        FirstRunStep::Name => {
            draw_input(
                f,
                below,
                &format!("  {}", words::name_label(lang)),
                &fr.input,
                true,
            );
            if rest.height > 2 {
                let hint = Rect {
                    y: rest.y + 2,
                    height: rest.height - 2,
                    ..rest
                };
                wrap(
                    f,
                    vec![Line::styled(
                        words::name_hint(
                            lang,
                            key(Ctx::Home, Action::Name),
                            key(Ctx::FirstRun, Action::Cancel),
                        ),
                        dim(),
                    )],
                    hint,
                );
            }
        }
        FirstRunStep::Demo => {
            let dir = clean(m.demo_dir.as_deref().unwrap_or(""));
            let open = format!("  ruralenv --data-dir {dir}");
            let lines = match &fr.demo {
                DemoState::Offered | DemoState::Failed(_) => {
                    let mut l = vec![
                        Line::styled(words::demo_offer(lang), bold()),
                        Line::raw(format!("  {dir}")),
                        Line::raw(""),
                        Line::raw(words::demo_keys(
                            lang,
                            key(Ctx::FirstRunDemo, Action::Demo),
                            key(Ctx::FirstRunDemo, Action::Confirm),
                        )),
                    ];
                    if let DemoState::Failed(e) = &fr.demo {
                        l.push(Line::raw(""));
                        l.push(Line::styled(format!("✗ {}", clean(e)), style_error()));
                    }
                    l
                }
                DemoState::Loading => vec![Line::raw(words::demo_loading(lang))],
                DemoState::Done { records, .. } => vec![
                    Line::raw(words::demo_done(lang, *records)),
                    Line::styled(open, bold()),
                    Line::raw(""),
                    Line::raw(words::demo_done_start(
                        lang,
                        key(Ctx::FirstRunDemo, Action::Confirm),
                    )),
                ],
            };
            wrap(f, lines, rest);
        }
    }
}

/// The help key that works anywhere, even while a name is typed (F1).
fn help_key() -> &'static str {
    crate::tui::keys::TABLE
        .iter()
        .find(|b| b.ctx == Ctx::Global && b.action == Action::Help && b.typing)
        .map_or("F1", |b| b.label)
}

fn style_error() -> Style {
    Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
}

/// Lines wrapped inside a margin of two columns (continuation lines keep the margin).
fn wrap(f: &mut Frame, lines: Vec<Line<'static>>, at: Rect) {
    let at = Rect {
        x: at.x + 2.min(at.width),
        width: at.width.saturating_sub(2),
        ..at
    };
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), at);
}
