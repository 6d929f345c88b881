//! Home: the register tree with statuses and counts; and the first-run welcome.

use crate::forms::Lang;
use crate::register::Level;
use crate::store::RecordStatus;
use crate::tui::app::Model;
use crate::tui::text::{clean, fit, fit_right, status_label, tr, width};
use crate::tui::view::style::{bold, dim, draw_input, selected};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn status_style(s: RecordStatus) -> Style {
    match s {
        RecordStatus::NotStarted => dim(),
        RecordStatus::Draft => Style::default().fg(Color::Yellow),
        RecordStatus::Finalized => Style::default().fg(Color::Green),
        RecordStatus::Approved => Style::default().fg(Color::Cyan),
        RecordStatus::Returned => Style::default().fg(Color::Magenta),
        RecordStatus::Conflict => Style::default().fg(Color::Red),
    }
}

/// Rows of the visible window: keep the cursor in view, roughly centred.
pub fn window(len: usize, cursor: usize, height: usize) -> std::ops::Range<usize> {
    if len <= height {
        return 0..len;
    }
    let start = cursor.saturating_sub(height / 2).min(len - height);
    start..start + height
}

pub fn draw(m: &Model, f: &mut Frame, area: Rect) {
    let h = &m.home;
    let w = area.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    // Summary or search line.
    if m.home.search.is_some() {
        lines.push(Line::raw(""));
    } else {
        let root = h
            .tree
            .roots
            .first()
            .map(|&r| h.counts[r])
            .unwrap_or_default();
        let text = match m.lang {
            Lang::Zh => format!(
                "{} 轮 · 在册村 {} · 计入 {}（=报表已报）· 草稿 {} · 退回 {} · 冲突 {}{}",
                clean(&m.round),
                root.villages,
                root.counted,
                root.draft,
                root.returned,
                root.conflict,
                if h.query.is_empty() {
                    String::new()
                } else {
                    format!(" · 搜索“{}”：{} 个村", clean(&h.query), h.matches())
                }
            ),
            Lang::En => format!(
                "{} · villages {} · counted {} (=reported) · draft {} · ret {} · confl {}{}",
                clean(&m.round),
                root.villages,
                root.counted,
                root.draft,
                root.returned,
                root.conflict,
                if h.query.is_empty() {
                    String::new()
                } else {
                    format!(
                        " · search '{}': {}",
                        clean(&h.query),
                        crate::tui::text::count(h.matches(), "village")
                    )
                }
            ),
        };
        lines.push(Line::styled(fit(&text, w), bold()));
    }
    let list_h = (area.height as usize).saturating_sub(1);
    let right_w = if w >= 100 {
        36
    } else if w >= 70 {
        26
    } else {
        18
    };
    let code_w = if w >= 70 { 13 } else { 0 };
    let range = window(h.visible.len(), h.cursor, list_h);
    for pos in range {
        let i = h.visible[pos];
        let d = &h.tree.units[i];
        let depth = h.tree.depth[i] as usize;
        let has_children = !h.tree.children[i].is_empty();
        let marker = if !has_children {
            "  "
        } else if h.expanded[i] || !h.query.is_empty() {
            "▾ "
        } else {
            "▸ "
        };
        let indent = "  ".repeat(depth.min(6));
        let mut name_w = w.saturating_sub(right_w + code_w + indent.len() + 2);
        // A long name takes the free part of the status column rather than being cut.
        let name = clean(&d.name);
        let right_need = if d.level == Level::Village {
            let st = if d.in_scope {
                status_label(h.status(&d.code), m.lang)
            } else {
                tr(m.lang, "不在调查范围", "not in scope")
            };
            width(st) + 1
        } else {
            right_w
        };
        let grow = width(&name)
            .saturating_sub(name_w)
            .min(right_w.saturating_sub(right_need));
        name_w += grow;
        let right_w = right_w - grow;
        let mut spans = vec![
            Span::raw(indent),
            Span::raw(marker),
            Span::raw(fit(&name, name_w)),
        ];
        let code_style = dim();
        if code_w > 0 {
            spans.push(Span::styled(
                fit(&format!(" {}", d.code), code_w),
                code_style,
            ));
        }
        if d.level == Level::Village {
            if d.in_scope {
                let st = h.status(&d.code);
                spans.push(Span::styled(
                    fit_right(status_label(st, m.lang), right_w),
                    status_style(st),
                ));
            } else {
                spans.push(Span::styled(
                    fit_right(tr(m.lang, "不在调查范围", "not in scope"), right_w),
                    dim(),
                ));
            }
        } else {
            let c = h.counts[i];
            // 计入 is the report's villages_reported; drafts, returned and conflicts beside it.
            let text = if right_w >= 36 {
                match m.lang {
                    Lang::Zh => format!(
                        "计入 {}/{} 草稿 {} 退回 {} 冲突 {}",
                        c.counted, c.villages, c.draft, c.returned, c.conflict
                    ),
                    Lang::En => format!(
                        "counted {}/{} dr {} ret {} confl {}",
                        c.counted, c.villages, c.draft, c.returned, c.conflict
                    ),
                }
            } else if right_w >= 26 {
                match m.lang {
                    Lang::Zh => format!(
                        "计入 {}/{} 稿{} 退{} 冲{}",
                        c.counted, c.villages, c.draft, c.returned, c.conflict
                    ),
                    Lang::En => format!(
                        "{}/{} cnt dr{} rt{} cf{}",
                        c.counted, c.villages, c.draft, c.returned, c.conflict
                    ),
                }
            } else {
                match m.lang {
                    Lang::Zh => format!("计入 {}/{}", c.counted, c.villages),
                    Lang::En => format!("{}/{} counted", c.counted, c.villages),
                }
            };
            spans.push(Span::styled(
                fit_right(&format!(" {text}"), right_w),
                Style::default().fg(Color::Gray),
            ));
        }
        let mut line = Line::from(spans);
        if pos == h.cursor {
            line = line.style(selected());
        } else if d.level != Level::Village {
            line = line.style(bold());
        } else if !d.in_scope {
            line = line.style(dim());
        }
        lines.push(line);
    }
    if h.visible.is_empty() {
        lines.push(Line::styled(
            tr(
                m.lang,
                "没有匹配的单位（Esc 清除搜索）",
                "Nothing matches (Esc clears the search)",
            ),
            dim(),
        ));
    }
    f.render_widget(Paragraph::new(lines), area);
    if let Some(input) = &m.home.search {
        let label = tr(m.lang, "搜索（名称或代码）：", "Search (name or code): ");
        draw_input(f, Rect { height: 1, ..area }, label, input, true);
    }
}
