//! Drawing: a pure function of the model. Every screen has a title bar, a body, a
//! message line and a one-line footer of hints from the key table; at 80×24 the body
//! still shows what matters.

mod conflicts;
mod dashboard;
mod exchange;
mod first_run;
mod form;
mod help;
mod history;
mod home;
mod picker;
mod review;
mod style;
mod trust;

use crate::i18n::tui_keys;
use crate::tui::app::{Model, Screen};
use crate::tui::keys;
use crate::tui::shared::NoticeKind;
use crate::tui::text::{fit, width};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use style::{dim, draw_input};

pub fn draw(m: &Model, f: &mut Frame) {
    // A question is read in full before it is answered: it takes the rows it needs.
    let message_rows = match &m.confirm {
        Some(c) => {
            let w = (f.area().width as usize).max(1);
            (width(&c.question).div_ceil(w)).clamp(1, 4) as u16
        }
        // A prompt's refusal (an empty return comment, a round that is not one) is read
        // above the prompt, which stays open to correct it.
        None if m.prompt.is_some()
            && m.notice
                .as_ref()
                .is_some_and(|n| n.kind == NoticeKind::Error) =>
        {
            2
        }
        // A long notice is read in full too (up to three rows, the body keeps the rest).
        None if m.saves_waiting == 0 => m.notice.as_ref().map_or(1, |n| {
            let w = (f.area().width as usize).max(1);
            (width(&n.text) + 2)
                .div_ceil(w)
                .clamp(1, 3)
                .min(f.area().height.saturating_sub(4).max(1) as usize) as u16
        }),
        None => 1,
    };
    let [title, body, message, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(message_rows),
        Constraint::Length(1),
    ])
    .areas(f.area());
    draw_title(m, f, title);
    if m.help.is_some() {
        help::draw(m, f, body);
    } else {
        match m.screen {
            Screen::FirstRun => first_run::draw(m, f, body),
            Screen::Home => home::draw(m, f, body),
            Screen::Form => form::draw(m, f, body),
            Screen::History => history::draw(m, f, body),
            Screen::Review => review::draw(m, f, body),
            Screen::Dashboard => dashboard::draw(m, f, body),
            Screen::Trust => trust::draw(m, f, body),
            Screen::Conflicts => conflicts::draw(m, f, body),
            Screen::Exchange => exchange::draw(m, f, body),
        }
    }
    draw_message(m, f, message);
    draw_footer(m, f, footer);
}

fn draw_title(m: &Model, f: &mut Frame, area: Rect) {
    let w = area.width as usize;
    let demo = if m.demo {
        tui_keys::demo_marker(m.lang)
    } else {
        ""
    };
    let left = format!(" {demo}ruralenv · {}", tui_keys::app_title(m.lang));
    let role = m.role.unwrap_or(crate::tui::shared::Role::Surveyor);
    let who = match &m.surveyor {
        Some(name) => super::text::clean(name),
        None if role == crate::tui::shared::Role::Surveyor => "—".into(),
        None => String::new(),
    };
    let who = format!("{} {who}", role.label(m.lang));
    let right = tui_keys::title_round(m.lang, &super::text::clean(&m.round), who.trim_end());
    let rw = width(&right).min(w / 2);
    let lw = w - rw;
    // Demo data is marked in another colour, before anything else, on every screen.
    let bar = if m.demo { Color::Yellow } else { Color::Cyan };
    let line = Line::from(vec![
        Span::styled(fit(&left, lw), Style::default().fg(Color::Black).bg(bar)),
        Span::styled(
            fit(&right, rw),
            Style::default().fg(Color::Black).bg(Color::Cyan),
        ),
    ]);
    f.render_widget(Paragraph::new(line), area);
}

/// The message line: a prompt or a question when one is open, else the last notice.
fn draw_message(m: &Model, f: &mut Frame, area: Rect) {
    if let Some(p) = &m.prompt {
        let label = match p.kind {
            crate::tui::shared::PromptKind::Round => tui_keys::prompt_round(m.lang),
            crate::tui::shared::PromptKind::Name => tui_keys::prompt_name(m.lang),
            crate::tui::shared::PromptKind::ReturnComment { .. } => {
                tui_keys::prompt_return_comment(m.lang)
            }
        };
        let mut at = area;
        if area.height > 1
            && let Some(n) = &m.notice
        {
            f.render_widget(
                Paragraph::new(fit(&format!("✗ {}", n.text), area.width as usize))
                    .style(Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)),
                Rect { height: 1, ..area },
            );
            at = Rect {
                y: area.y + area.height - 1,
                height: 1,
                ..area
            };
        }
        draw_input(f, at, label, &p.input, true);
        return;
    }
    if let Some(c) = &m.confirm {
        f.render_widget(
            Paragraph::new(c.question.as_str())
                .wrap(ratatui::widgets::Wrap { trim: false })
                .style(Style::default().fg(Color::Black).bg(Color::Yellow)),
            area,
        );
        return;
    }
    if m.saves_waiting > 0 {
        let text = tui_keys::waiting_for_database(m.lang, m.saves_waiting);
        f.render_widget(
            Paragraph::new(fit(&text, area.width as usize)).style(
                Style::default()
                    .fg(Color::Yellow)
                    .add_modifier(Modifier::BOLD),
            ),
            area,
        );
        return;
    }
    if let Some(n) = &m.notice {
        let style = match n.kind {
            NoticeKind::Info => Style::default(),
            NoticeKind::Saved => Style::default().fg(Color::Green),
            NoticeKind::Warn => Style::default().fg(Color::Yellow),
            NoticeKind::Error => Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
        };
        let mark = match n.kind {
            NoticeKind::Saved => "✓ ",
            NoticeKind::Warn => "! ",
            NoticeKind::Error => "✗ ",
            NoticeKind::Info => "",
        };
        let text = format!("{mark}{}", n.text);
        let lines: Vec<Line> = crate::tui::text::wrap_to(&text, area.width as usize)
            .into_iter()
            .map(|l| Line::raw(fit(&l, area.width as usize)))
            .collect();
        f.render_widget(Paragraph::new(lines).style(style), area);
    }
}

/// The actions whose keys this installation's role uses most, kept in home's footer before
/// the others: the clerk's review (`v`), the county's dashboard (`d`).
fn role_actions(role: Option<crate::tui::shared::Role>) -> &'static [keys::Action] {
    use crate::tui::shared::Role;
    match role {
        Some(Role::Township) => &[keys::Action::Review],
        Some(Role::County) => &[keys::Action::Dashboard],
        Some(Role::Surveyor) | None => &[],
    }
}

fn draw_footer(m: &Model, f: &mut Frame, area: Rect) {
    let key = Style::default()
        .fg(Color::Cyan)
        .add_modifier(Modifier::BOLD);
    let mut spans = Vec::new();
    let first = role_actions(m.role);
    let line = keys::footer_line_for(
        &m.contexts(),
        m.typing(),
        m.lang,
        area.width as usize,
        first,
    );
    for (label, hint) in line {
        spans.push(Span::styled(label, key));
        spans.push(Span::raw(format!(" {hint}  ")));
    }
    f.render_widget(
        Paragraph::new(Line::from(spans)).style(dim().fg(Color::Gray)),
        area,
    );
}
