//! Home: the register tree with statuses and counts; and the first-run welcome.

use crate::forms::Lang;
use crate::register::Level;
use crate::store::RecordStatus;
use crate::tui::app::Model;
use crate::tui::keys::{Action, Ctx};
use crate::tui::screens::home::Counts;
use crate::tui::text::{clean, fit, fit_right, status_label, width};
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

/// A unit's counts beside it: every word whole, in full, short, or the counted villages
/// only (`level` 0–3).
fn unit_counts(lang: Lang, c: &Counts, level: usize) -> String {
    use crate::i18n::tui_record as t;
    match level {
        0 => t::unit_counts_full(lang, c.counted, c.villages, c.draft, c.returned, c.conflict),
        1 => t::unit_counts_long(lang, c.counted, c.villages, c.draft, c.returned, c.conflict),
        2 => t::unit_counts_mid(lang, c.counted, c.villages, c.draft, c.returned, c.conflict),
        _ => t::unit_counts_short(lang, c.counted, c.villages),
    }
}

/// The summary line: every count, in the long words when they fit, else the short ones.
fn summary(m: &Model, w: usize) -> String {
    use crate::i18n::tui_record as t;
    let h = &m.home;
    let c = h
        .tree
        .roots
        .first()
        .map(|&r| h.counts[r])
        .unwrap_or_default();
    let round = clean(&m.round);
    let search = if h.query.is_empty() {
        String::new()
    } else {
        t::home_search_suffix(
            m.lang,
            &clean(&h.query),
            &crate::i18n::villages(m.lang, h.matches()),
        )
    };
    let long = t::home_summary(
        m.lang, &round, c.villages, c.counted, c.draft, c.returned, c.conflict,
    ) + &search;
    if width(&long) <= w {
        return long;
    }
    t::home_summary_short(
        m.lang, &round, c.villages, c.counted, c.draft, c.returned, c.conflict,
    ) + &search
}

pub fn draw(m: &Model, f: &mut Frame, area: Rect) {
    let h = &m.home;
    let w = area.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    // Summary or search line.
    if m.home.search.is_some() {
        lines.push(Line::raw(""));
    } else {
        lines.push(Line::styled(fit(&summary(m, w), w), bold()));
    }
    let list_h = (area.height as usize).saturating_sub(1);
    let base_right_w = if w >= 100 {
        36
    } else if w >= 70 {
        26
    } else {
        18
    };
    let code_w = if w >= 70 { 13 } else { 0 };
    let range = window(h.visible.len(), h.cursor, list_h);
    let row_name = |i: usize| {
        let depth = h.tree.depth[i] as usize;
        (2 * depth.min(6), clean(&h.tree.units[i].name))
    };
    // The counts beside the units: the longest wording whose every count fits beside every
    // unit shown, taking the room the names leave free (no name is cut for it), so the
    // code column stays in line.
    let slack = range
        .clone()
        .map(|pos| {
            let (indent, name) = row_name(h.visible[pos]);
            w.saturating_sub(base_right_w + code_w + indent + 2)
                .saturating_sub(width(&name))
        })
        .min()
        .unwrap_or(0);
    let units: Vec<usize> = range
        .clone()
        .map(|pos| h.visible[pos])
        .filter(|&i| h.tree.units[i].level != Level::Village)
        .collect();
    let need = |level: usize| {
        units
            .iter()
            .map(|&i| width(&unit_counts(m.lang, &h.counts[i], level)) + 2)
            .max()
            .unwrap_or(0)
    };
    let level = (0..3)
        .find(|&l| need(l) <= base_right_w + slack)
        .unwrap_or(3);
    let right_w = base_right_w.max(need(level).min(base_right_w + slack));
    for pos in range {
        let i = h.visible[pos];
        let d = &h.tree.units[i];
        let has_children = !h.tree.children[i].is_empty();
        let marker = if !has_children {
            "  "
        } else if h.expanded[i] || !h.query.is_empty() {
            "▾ "
        } else {
            "▸ "
        };
        let (indent, name) = row_name(i);
        let indent = " ".repeat(indent);
        let mut name_w = w.saturating_sub(right_w + code_w + indent.len() + 2);
        // A long name takes the free part of the status column rather than being cut.
        let status = if d.level != Level::Village {
            None
        } else if d.in_scope {
            let st = h.status(&d.code);
            Some((status_label(st, m.lang), status_style(st)))
        } else {
            Some((crate::i18n::tui_record::not_in_scope(m.lang), dim()))
        };
        let right_need = match status {
            Some((st, _)) => width(st) + 1,
            None => right_w,
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
        if code_w > 0 {
            spans.push(Span::styled(fit(&format!(" {}", d.code), code_w), dim()));
        }
        match status {
            Some((st, style)) => spans.push(Span::styled(fit_right(st, right_w), style)),
            None => {
                // 计入 is the report's villages_reported; drafts, returned and conflicts
                // beside it.
                let text = unit_counts(m.lang, &h.counts[i], level);
                spans.push(Span::styled(
                    fit_right(&format!("  {text}"), right_w),
                    Style::default().fg(Color::Gray),
                ));
            }
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
            crate::i18n::tui_record::home_nothing_matches(
                m.lang,
                crate::i18n::key(Ctx::Home, Action::Back),
            ),
            dim(),
        ));
    }
    f.render_widget(Paragraph::new(lines), area);
    if let Some(input) = &m.home.search {
        let label = crate::i18n::tui_record::search_label(m.lang);
        draw_input(f, Rect { height: 1, ..area }, label, input, true);
    }
}

#[cfg(test)]
mod tests {
    use crate::forms::Lang;
    use crate::register::Level;
    use crate::store::RecordStatus;
    use crate::tui::app::Model;
    use crate::tui::screens::home::tests::row;
    use crate::tui::shared::tree::Tree;

    /// A county of 20 townships of 800 villages: counts of four and five digits.
    fn big(lang: Lang) -> Model {
        let county = "411003000000";
        let mut units = vec![row(county, "建安区", None, Level::County)];
        let mut s = crate::tui::tests::startup(Tree::default(), lang);
        for t in 1..=20 {
            let town = format!("4110030{t:02}000");
            units.push(row(&town, "将官池镇", Some(county), Level::Township));
            for v in 200..1000 {
                let code = format!("4110030{t:02}{v:03}");
                units.push(row(&code, "大罗庄村委会", Some(&town), Level::Village));
                let st = match v % 10 {
                    0 => RecordStatus::Draft,
                    1 => RecordStatus::Returned,
                    2 => RecordStatus::Conflict,
                    _ => RecordStatus::Finalized,
                };
                if st == RecordStatus::Finalized {
                    s.counted.insert(code.clone());
                }
                s.statuses.insert(code, st);
            }
        }
        s.tree = Tree::new(units);
        Model::new(s, None).0
    }

    #[test]
    fn every_count_of_every_unit_shows_where_the_names_leave_room() {
        for lang in [Lang::Zh, Lang::En] {
            let m = big(lang);
            for (w, h) in [(80, 24), (120, 40)] {
                let shot = crate::tui::snapshot_tests::render_for_tests(&m, w, h);
                let lines: Vec<&str> = shot.lines().collect();
                // The summary: every count of the county, conflicts last.
                let summary = lines[1].trim_end_matches('|').trim_end();
                assert!(summary.ends_with(" 1600"), "{w}: {summary}");
                assert!(
                    summary.contains("11200") && summary.contains("16000"),
                    "{summary}"
                );
                // Each unit's row ends with its conflicts, named.
                let units: Vec<&&str> = lines
                    .iter()
                    .filter(|l| l.contains("000 "))
                    .skip(1)
                    .collect();
                assert!(units.len() >= 2, "{shot}");
                for l in units {
                    let l = l.trim_end_matches('|').trim_end();
                    let conflicts = if l.contains("411003000000") {
                        "1600"
                    } else {
                        "80"
                    };
                    assert!(l.ends_with(conflicts), "{w}×{h} {lang:?}: {l}");
                    let named = match lang {
                        Lang::Zh => {
                            l.contains(&format!("冲突 {conflicts}"))
                                || l.contains(&format!("冲{conflicts}"))
                        }
                        Lang::En => {
                            l.contains(&format!("conflicts {conflicts}"))
                                || l.contains(&format!("confl {conflicts}"))
                                || l.contains(&format!("cf{conflicts}"))
                        }
                    };
                    assert!(named, "{w}×{h}: {l}");
                    assert!(!l.contains('…'), "nothing cut: {l}");
                }
            }
        }
    }
}
