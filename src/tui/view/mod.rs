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

use crate::tui::app::{Model, Screen};
use crate::tui::keys;
use crate::tui::shared::NoticeKind;
use crate::tui::text::{fit, tr, width};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use style::{dim, draw_input};

pub fn draw(m: &Model, f: &mut Frame) {
    let [title, body, message, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
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
    let left = format!(
        " ruralenv · {}",
        tr(m.lang, "农村人居环境调查", "rural living environment")
    );
    let who = m
        .surveyor
        .as_deref()
        .map(super::text::clean)
        .unwrap_or_else(|| "—".into());
    let right = match m.lang {
        crate::forms::Lang::Zh => {
            format!("轮次 {} · 调查人 {} ", super::text::clean(&m.round), who)
        }
        crate::forms::Lang::En => {
            format!("round {} · surveyor {} ", super::text::clean(&m.round), who)
        }
    };
    let rw = width(&right).min(w / 2);
    let line = format!("{}{}", fit(&left, w - rw), fit(&right, rw));
    f.render_widget(
        Paragraph::new(line).style(Style::default().fg(Color::Black).bg(Color::Cyan)),
        area,
    );
}

/// The message line: a prompt or a question when one is open, else the last notice.
fn draw_message(m: &Model, f: &mut Frame, area: Rect) {
    if let Some(p) = &m.prompt {
        let label = match p.kind {
            crate::tui::shared::PromptKind::Round => {
                tr(m.lang, "轮次（如 2020）：", "Round (e.g. 2020): ")
            }
            crate::tui::shared::PromptKind::ReturnComment { .. } => {
                tr(m.lang, "退回意见：", "Why is it returned: ")
            }
        };
        draw_input(f, area, label, &p.input, true);
        return;
    }
    if let Some(c) = &m.confirm {
        f.render_widget(
            Paragraph::new(fit(&c.question, area.width as usize))
                .style(Style::default().fg(Color::Black).bg(Color::Yellow)),
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
        f.render_widget(
            Paragraph::new(fit(&format!("{mark}{}", n.text), area.width as usize)).style(style),
            area,
        );
    }
}

fn draw_footer(m: &Model, f: &mut Frame, area: Rect) {
    let w = area.width as usize;
    let mut spans = Vec::new();
    let mut used = 0;
    for b in keys::footer(&m.contexts(), m.typing()) {
        let hint = b.hint(m.lang);
        let need = width(b.label) + 1 + width(hint) + 2;
        if used + need > w {
            break;
        }
        spans.push(Span::styled(
            b.label,
            Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::raw(format!(" {hint}  ")));
        used += need;
    }
    f.render_widget(
        Paragraph::new(Line::from(spans)).style(dim().fg(Color::Gray)),
        area,
    );
}
