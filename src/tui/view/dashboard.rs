//! The dashboard of a unit: a title line, each indicator as a text bar against its
//! target, then one lower pane (units below, villages holding an indicator back,
//! villages not reported, trend over rounds). A pure function of the model.

use crate::forms::Lang;
use crate::i18n::pick;
use crate::report::model::{IndicatorInfo, IndicatorValue};
use crate::tui::app::Model;
use crate::tui::screens::dashboard::{DashView, Focus, Pane, trend_bounds};
use crate::tui::text::{clean, fit, fit_right, width};
use crate::tui::view::home::window;
use crate::tui::view::style::{bold, dim, selected};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// 0.571 → "57.1%".
pub fn pct(v: Option<f64>) -> String {
    match v {
        Some(v) => format!("{:.1}%", v * 100.0),
        None => "—".into(),
    }
}

/// 0.85 → "≥85%", 0.875 → "≥87.5%".
fn target_text(t: Option<f64>) -> String {
    match t {
        Some(t) => {
            let p = t * 100.0;
            if (p - p.round()).abs() < 1e-6 {
                format!("≥{:.0}%", p)
            } else {
                format!("≥{:.1}%", p)
            }
        }
        None => String::new(),
    }
}

/// A whole or decimal amount as people write it (households, tonnes).
fn amount(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{:.0}", x)
    } else {
        format!("{:.1}", x)
    }
}

fn label(info: &IndicatorInfo, lang: Lang) -> String {
    clean(pick(lang, &info.label_zh, &info.label_en))
}

fn unit_word(info: &IndicatorInfo, lang: Lang) -> String {
    clean(pick(lang, &info.unit_zh, &info.unit_en))
}

/// The unit's word for `x` of it: "1 farm short", "2 farms short" (`words::unit_of`).
fn unit_for(info: &IndicatorInfo, lang: Lang, x: f64) -> String {
    words::unit_of(lang, &unit_word(info, lang), x)
}

/// "差 62 户" / "62 households short"; empty when met or without a target.
fn shortfall_text(v: &IndicatorValue, info: &IndicatorInfo, lang: Lang) -> String {
    match v.shortfall {
        Some(s) if s > 0.0 => words::shortfall(lang, &amount(s), &unit_for(info, lang, s)),
        _ => String::new(),
    }
}

fn met_mark(v: Option<&IndicatorValue>) -> Span<'static> {
    match v.and_then(|v| v.met) {
        Some(true) => Span::styled("✓", Style::default().fg(Color::Green)),
        Some(false) => Span::styled("✗", Style::default().fg(Color::Red)),
        None => Span::raw(" "),
    }
}

/// `cells` of █ (value) and ░ (rest) with a │ where the target is.
fn bar(v: Option<&IndicatorValue>, cells: usize) -> Vec<Span<'static>> {
    let value = v.and_then(|v| v.value).unwrap_or(0.0).clamp(0.0, 1.0);
    let filled = (value * cells as f64).round() as usize;
    let target = v
        .and_then(|v| v.target)
        .map(|t| ((t.clamp(0.0, 1.0) * cells as f64).round() as usize).min(cells - 1));
    let fill_style = match v.and_then(|v| v.met) {
        Some(true) => Style::default().fg(Color::Green),
        Some(false) => Style::default().fg(Color::Red),
        None => Style::default().fg(Color::Blue),
    };
    let mut spans = Vec::new();
    for i in 0..cells {
        if Some(i) == target {
            spans.push(Span::styled(
                "│",
                Style::default()
                    .fg(Color::Yellow)
                    .add_modifier(Modifier::BOLD),
            ));
        } else if i < filled {
            spans.push(Span::styled("█", fill_style));
        } else {
            spans.push(Span::styled("░", dim()));
        }
    }
    spans
}

use crate::i18n::tui_county as words;
use crate::tui::keys::{Action, Ctx};

/// How the key table writes a dashboard key.
fn key(action: Action) -> &'static str {
    crate::i18n::key(Ctx::Dashboard, action)
}

/// Widths of the indicator lines: label, bar and the shortfall text after them.
struct IndicatorCols {
    label: usize,
    bar: usize,
}

/// The label gets what its longest text needs, the bar what is left (10 to 30 cells);
/// what still does not fit is read in full on the detail line.
fn indicator_cols(w: usize, labels: usize, short: usize) -> IndicatorCols {
    // "▸ " + label + " " + bar + " value  target " + mark
    let rest = w.saturating_sub(2 + 1 + 15 + 1);
    let label = labels.min(rest.saturating_sub(short + 10)).max(8);
    let bar = rest.saturating_sub(label + short).clamp(10, 30);
    IndicatorCols { label, bar }
}

pub fn draw(m: &Model, f: &mut Frame, area: Rect) {
    let Some(d) = &m.dashboard else { return };
    let lang = m.lang;
    let w = area.width as usize;
    let Some(v) = &d.view else {
        // The first load: a progress line; keys still work (Esc goes back).
        let (unit, round) = d
            .loading
            .as_ref()
            .map(|l| {
                let name = m
                    .home
                    .tree
                    .by_code
                    .get(&l.unit)
                    .map(|i| clean(&m.home.tree.units[*i].name))
                    .unwrap_or_else(|| clean(&l.unit));
                (name, clean(&l.round))
            })
            .unwrap_or_default();
        let text = words::computing(lang, &unit, &round, key(Action::Back));
        let lines: Vec<Line> = crate::tui::text::wrap_to(&text, w)
            .into_iter()
            .map(|l| Line::styled(l, Style::default().fg(Color::Yellow)))
            .collect();
        f.render_widget(Paragraph::new(lines), area);
        return;
    };
    let h = area.height as usize;
    let data = &v.data;
    let mut lines: Vec<Line> = Vec::new();

    // Title: where we are, the round, how complete it is.
    let own = data.own();
    let (reported, scope) = own.map_or((0, 0), |u| (u.villages_reported, u.villages_in_scope));
    let coverage = (scope > 0).then(|| reported as f64 / scope as f64);
    let path: Vec<String> = d
        .parents
        .iter()
        .map(|p| clean(&p.data.unit.name))
        .chain(std::iter::once(clean(&data.unit.name)))
        .collect();
    // The path of a deep drill-down wraps rather than running off the edge.
    let mut title = words::title(
        lang,
        &path.join(" › "),
        &clean(&data.round),
        reported,
        scope,
        &pct(coverage),
    );
    if d.loading.is_some() || data.villages_pending {
        title.push_str(words::computing_short(lang));
    }
    lines.extend(
        crate::tui::text::wrap_to(&title, w)
            .into_iter()
            .map(|l| Line::styled(l, bold())),
    );

    // The indicators, one line each, sized to their texts.
    let infos = data.indicators();
    let shorts: Vec<String> = infos
        .iter()
        .map(|i| {
            data.value(&i.id)
                .map(|x| shortfall_text(x, i, lang))
                .unwrap_or_default()
        })
        .collect();
    let longest = infos
        .iter()
        .map(|i| width(&label(i, lang)))
        .max()
        .unwrap_or(0);
    let short_w = shorts.iter().map(|s| width(s) + 1).max().unwrap_or(0);
    let c = indicator_cols(w, longest, short_w);
    let head = format!(
        "  {} {} {} {}",
        fit(words::col_indicator(lang), c.label),
        fit(
            words::col_bar(lang, width(words::col_bar(lang, true)) < c.bar),
            c.bar
        ),
        fit_right(words::col_value(lang), 6),
        fit_right(words::col_target(lang), 6),
    );
    lines.push(Line::styled(fit(&head, w), dim()));
    for (i, info) in infos.iter().enumerate() {
        let val = data.value(&info.id);
        let here = i == v.indicator;
        let mark = if here { "▸ " } else { "  " };
        let label_style = match (here, v.focus) {
            (true, Focus::Indicators) => selected(),
            (true, Focus::Rows) => bold(),
            _ => Style::default(),
        };
        let mut spans = vec![
            Span::raw(mark),
            Span::styled(fit(&label(info, lang), c.label), label_style),
            Span::raw(" "),
        ];
        spans.extend(bar(val, c.bar));
        spans.push(Span::raw(format!(
            " {} {} ",
            fit_right(&pct(val.and_then(|x| x.value)), 6),
            fit_right(&target_text(val.and_then(|x| x.target)), 6),
        )));
        spans.push(met_mark(val));
        let used = 2 + c.label + 1 + c.bar + 15 + 1;
        spans.push(Span::styled(
            fit(&format!(" {}", shorts[i]), w.saturating_sub(used)),
            Style::default().fg(Color::Yellow),
        ));
        lines.push(Line::from(spans));
    }

    // The marked indicator in full (the label column may have cut it).
    if let Some(info) = infos.get(v.indicator) {
        let val = data.value(&info.id);
        let mut text = format!(
            " ▸ {}{}{}",
            label(info, lang),
            words::colon(lang),
            pct(val.and_then(|x| x.value))
        );
        let target = target_text(val.and_then(|x| x.target));
        if !target.is_empty() {
            text.push_str(&format!("{}{target}", words::target_lead(lang)));
        }
        let short = &shorts[v.indicator];
        if !short.is_empty() {
            text.push_str(words::comma(lang));
            text.push_str(short);
        }
        lines.extend(
            crate::tui::text::wrap_to(&text, w)
                .into_iter()
                .map(|l| Line::styled(l, dim())),
        );
    }

    // Pane tabs.
    let mut tabs = vec![Span::raw(" ")];
    for (n, p) in Pane::ALL.iter().enumerate() {
        let mut text = format!("{} {}", n + 1, p.title(lang));
        match p {
            // Before the list arrives, from the roll-up.
            Pane::Unreported => text.push_str(&format!(
                " ({})",
                if data.villages_pending {
                    scope.saturating_sub(reported) as usize
                } else {
                    data.unreported.len()
                }
            )),
            Pane::Holdbacks => {
                if let Some(hb) = v.indicator_id().and_then(|id| data.holdbacks_of(id))
                    && let Some(n) = hb.needed
                    && n > 0
                {
                    text.push_str(&format!(" ({n})"));
                }
            }
            _ => {}
        }
        let style = if *p == v.pane {
            if v.focus == Focus::Rows && *p != Pane::Trend {
                selected()
            } else {
                bold().add_modifier(Modifier::UNDERLINED)
            }
        } else {
            dim()
        };
        tabs.push(Span::styled(format!(" {text} "), style));
        tabs.push(Span::raw(" "));
    }
    lines.push(Line::from(tabs));

    let room = h.saturating_sub(lines.len());
    let top = lines.len() as u16;
    if data.villages_pending && matches!(v.pane, Pane::Holdbacks | Pane::Unreported) {
        lines.push(Line::styled(
            fit(words::computing_villages(lang), w),
            Style::default().fg(Color::Yellow),
        ));
        f.render_widget(Paragraph::new(lines), area);
        return;
    }
    let pane = match v.pane {
        Pane::Units => units_pane(v, lang, w, room),
        Pane::Holdbacks => holdbacks_pane(v, lang, w, room),
        Pane::Unreported => unreported_pane(v, lang, w, room),
        Pane::Trend => {
            f.render_widget(Paragraph::new(lines), area);
            let rest = Rect {
                y: area.y + top,
                height: area.height.saturating_sub(top),
                ..area
            };
            trend_pane(v, lang, f, rest);
            return;
        }
    };
    lines.extend(pane);
    f.render_widget(Paragraph::new(lines), area);
}

fn row_style(v: &DashView, i: usize) -> Style {
    if v.focus == Focus::Rows && i == v.row {
        selected()
    } else {
        Style::default()
    }
}

/// The width a column needs for these texts, at most `max`.
fn col<'a>(texts: impl Iterator<Item = &'a str>, min: usize, max: usize) -> usize {
    texts
        .map(|t| width(&clean(t)))
        .max()
        .unwrap_or(0)
        .clamp(min, max.max(min))
}

/// The last line of a pane: the row under the cursor in full (when the rows have the
/// focus), wrapped, so that nothing cut in a column is unreadable.
fn detail(v: &DashView, text: String, w: usize) -> Vec<Line<'static>> {
    if v.focus != Focus::Rows {
        return Vec::new();
    }
    crate::tui::text::wrap_to(&text, w)
        .into_iter()
        .map(|l| Line::styled(l, Style::default().fg(Color::Cyan)))
        .collect()
}

fn units_pane(v: &DashView, lang: Lang, w: usize, room: usize) -> Vec<Line<'static>> {
    let data = &v.data;
    let mut lines = Vec::new();
    let children = v.children();
    let sort_info = data.indicators().get(v.indicator);
    let sort_label = sort_info.map(|i| label(i, lang));
    let head = match sort_label.as_deref().filter(|_| !v.by_code) {
        Some(l) => words::units_by(lang, l, key(Action::Sort)),
        None => words::units_by_code(lang, key(Action::Sort)),
    };
    lines.push(Line::styled(fit(&head, w), dim()));
    if children.is_empty() {
        lines.push(Line::raw(fit(words::no_units_below(lang), w)));
        return lines;
    }
    let name_w = col(children.iter().map(|u| u.name.as_str()), 8, w / 3);
    let cols_head = format!(
        " {} {} {} {}",
        fit(words::col_unit(lang), name_w),
        fit_right(words::col_reported(lang), 9),
        fit_right(words::col_value(lang), 7),
        words::col_shortfall(lang),
    );
    lines.push(Line::styled(fit(&cols_head, w), dim()));
    let det = children.get(v.row).map_or(Vec::new(), |u| {
        let what = if u.level == crate::register::Level::Village {
            words::open_hint(lang, key(Action::Open))
        } else {
            words::drill_hint(lang, key(Action::Open))
        };
        detail(
            v,
            {
                let val = sort_info.and_then(|s| u.indicator(&s.id));
                let short = match (val, sort_info) {
                    (Some(x), Some(info)) => shortfall_text(x, info, lang),
                    _ => String::new(),
                };
                format!(
                    " {} · {} · {} {} · {what}",
                    clean(&u.name),
                    clean(&u.code),
                    pct(val.and_then(|x| x.value)),
                    short
                )
            },
            w,
        )
    });
    let height = room.saturating_sub(lines.len() + det.len());
    for i in window(children.len(), v.row, height) {
        let u = children[i];
        let val = sort_info.and_then(|s| u.indicator(&s.id));
        let short = match (val, sort_info) {
            (Some(x), Some(info)) => shortfall_text(x, info, lang),
            _ => String::new(),
        };
        let left = format!(
            " {} {} {} ",
            fit(&clean(&u.name), name_w),
            fit_right(
                &format!("{}/{}", u.villages_reported, u.villages_in_scope),
                9
            ),
            fit_right(&pct(val.and_then(|x| x.value)), 7),
        );
        let used = width(&left) + 1;
        lines.push(Line::from(vec![
            Span::styled(left, row_style(v, i)),
            met_mark(val),
            Span::styled(
                fit(&format!(" {short}"), w.saturating_sub(used)),
                row_style(v, i),
            ),
        ]));
    }
    lines.extend(det);
    lines
}

fn holdbacks_pane(v: &DashView, lang: Lang, w: usize, room: usize) -> Vec<Line<'static>> {
    let data = &v.data;
    let mut lines = Vec::new();
    let Some(info) = data.indicators().get(v.indicator) else {
        return lines;
    };
    let name = label(info, lang);
    let Some(hb) = data.holdbacks_of(&info.id) else {
        let t = words::no_target(lang, &name);
        lines.push(Line::styled(fit(&t, w), dim()));
        return lines;
    };
    let head = match hb.needed {
        Some(0) => words::target_met(lang, &name),
        Some(n) => words::holdbacks_needed(
            lang,
            &name,
            &amount(hb.shortfall),
            &unit_for(info, lang, hb.shortfall),
            &crate::i18n::villages(lang, n),
        ),
        None => words::holdbacks_not_enough(
            lang,
            &name,
            &amount(hb.shortfall),
            &unit_for(info, lang, hb.shortfall),
        ),
    };
    lines.push(Line::styled(fit(&head, w), bold()));
    if hb.villages.is_empty() {
        return lines;
    }
    let needed = hb.needed.unwrap_or(hb.villages.len());
    let closes = words::closes_it(lang);
    // # · village · township · code · gain · cumulative, the names sized to the data.
    let fixed = 1 + 3 + 1 + 1 + 12 + 1 + 9 + 1 + 10 + width(closes);
    let spare = w.saturating_sub(fixed + 2);
    let name_w = col(hb.villages.iter().map(|h| h.name.as_str()), 6, spare / 2);
    let town_w = col(
        hb.villages.iter().map(|h| data.township_of(&h.code)),
        6,
        spare.saturating_sub(name_w),
    );
    let cols_head = format!(
        " {} {} {} {} {} {}",
        fit_right("#", 3),
        fit(words::col_village(lang), name_w),
        fit(words::col_township(lang), town_w),
        fit(words::col_code(lang), 12),
        fit_right(words::col_gain(lang), 9),
        fit_right(words::col_cumulative(lang), 10),
    );
    lines.push(Line::styled(fit(&cols_head, w), dim()));
    let det = hb.villages.get(v.row).map_or(Vec::new(), |h| {
        let gain = words::gain(lang, &amount(h.gain), &unit_for(info, lang, h.gain));
        detail(
            v,
            format!(
                " {} · {} · {} · {gain} · {}",
                clean(&h.name),
                clean(data.township_of(&h.code)),
                clean(&h.code),
                words::open_hint(lang, key(Action::Open))
            ),
            w,
        )
    });
    let height = room.saturating_sub(lines.len() + det.len());
    let mut cum = vec![0.0; hb.villages.len()];
    let mut acc = 0.0;
    for (i, h) in hb.villages.iter().enumerate() {
        acc += h.gain;
        cum[i] = acc;
    }
    for i in window(hb.villages.len(), v.row, height) {
        let h = &hb.villages[i];
        let style = if i < needed {
            row_style(v, i)
        } else {
            row_style(v, i).patch(dim())
        };
        let text = format!(
            " {} {} {} {} {} {}{}",
            fit_right(&(i + 1).to_string(), 3),
            fit(&clean(&h.name), name_w),
            fit(&clean(data.township_of(&h.code)), town_w),
            fit(&clean(&h.code), 12),
            fit_right(&amount(h.gain), 9),
            fit_right(&amount(cum[i]), 10),
            if i + 1 == needed && hb.needed.is_some() {
                closes
            } else {
                ""
            }
        );
        lines.push(Line::styled(fit(&text, w), style));
    }
    lines.extend(det);
    lines
}

fn unreported_pane(v: &DashView, lang: Lang, w: usize, room: usize) -> Vec<Line<'static>> {
    use crate::tui::shared::dashboard::UnreportedRow;
    let data = &v.data;
    let n = data.unreported.len();
    let head = words::unreported_head(lang, n);
    let mut lines = vec![Line::styled(fit(&head, w), bold())];
    let rows = data.unreported_rows();
    let name_w = col(data.unreported.iter().map(|(_, n)| n.as_str()), 6, w / 2);
    let det = match rows.get(v.row) {
        Some(UnreportedRow::Village(k)) => {
            let (code, name) = &data.unreported[*k];
            detail(
                v,
                format!(
                    " {} · {} · {} · {}",
                    clean(name),
                    clean(data.township_of(code)),
                    clean(code),
                    words::open_if_any_hint(lang, key(Action::Open))
                ),
                w,
            )
        }
        _ => Vec::new(),
    };
    let height = room.saturating_sub(lines.len() + det.len());
    for i in window(rows.len(), v.row, height) {
        let (text, style) = match &rows[i] {
            UnreportedRow::Township { code, count } => (
                words::township_unreported(
                    lang,
                    &clean(data.townships.get(code).map_or("", String::as_str)),
                    &clean(code),
                    *count,
                ),
                row_style(v, i).patch(bold()),
            ),
            UnreportedRow::Village(k) => {
                let (code, name) = &data.unreported[*k];
                (
                    format!("    {} {}", fit(&clean(name), name_w), clean(code)),
                    row_style(v, i),
                )
            }
        };
        lines.push(Line::styled(fit(&text, w), style));
    }
    lines.extend(det);
    lines
}

/// The marked indicator over the rounds: a line chart scaled to its values, the target
/// as a line when it is near them (else said in the heading), both axes labelled.
fn trend_pane(v: &DashView, lang: Lang, f: &mut Frame, area: Rect) {
    use ratatui::symbols::Marker;
    use ratatui::widgets::{Axis, Chart, Dataset, GraphType};
    let data = &v.data;
    let w = area.width as usize;
    let Some(info) = data.indicators().get(v.indicator) else {
        return;
    };
    if !v.has_trend() {
        let t = words::one_round_only(lang);
        let lines: Vec<Line> = crate::tui::text::wrap_to(t, w)
            .into_iter()
            .map(|l| Line::styled(l, dim()))
            .collect();
        f.render_widget(Paragraph::new(lines), area);
        return;
    }
    let rounds: Vec<String> = data.trend.iter().map(|(r, _)| clean(r)).collect();
    let values: Vec<Option<f64>> = data
        .trend
        .iter()
        .map(|(_, u)| u.indicator(&info.id).and_then(|x| x.value))
        .collect();
    let target = data.value(&info.id).and_then(|x| x.target).or_else(|| {
        data.trend
            .iter()
            .rev()
            .find_map(|(_, u)| u.indicator(&info.id).and_then(|x| x.target))
    });
    let known: Vec<f64> = values.iter().flatten().copied().collect();
    let (lo, hi) = trend_bounds(&known, target);
    let by_round: Vec<String> = rounds
        .iter()
        .zip(&values)
        .map(|(r, x)| format!("{r} {}", pct(*x)))
        .collect();
    let mut head = format!(" {} · {}", label(info, lang), by_round.join(" → "));
    if let Some(t) = target {
        head.push_str(&format!(
            " · {}{}",
            words::target_word(lang),
            target_text(Some(t))
        ));
        if t < lo || t > hi {
            head.push_str(words::target_outside(lang, t < lo));
        }
    }
    let head_lines: Vec<Line> = crate::tui::text::wrap_to(&head, w)
        .into_iter()
        .map(|l| Line::styled(l, bold()))
        .collect();
    let head_h = (head_lines.len() as u16).min(area.height);
    f.render_widget(
        Paragraph::new(head_lines),
        Rect {
            height: head_h,
            ..area
        },
    );
    let chart_area = Rect {
        y: area.y + head_h,
        height: area.height.saturating_sub(head_h),
        ..area
    };
    if chart_area.height < 3 {
        return;
    }
    let points: Vec<(f64, f64)> = values
        .iter()
        .enumerate()
        .filter_map(|(i, x)| x.map(|x| (i as f64, x)))
        .collect();
    let last = (rounds.len().max(2) - 1) as f64;
    let target_line: Vec<(f64, f64)> = target
        .filter(|t| *t >= lo && *t <= hi)
        .map(|t| vec![(0.0, t), (last, t)])
        .unwrap_or_default();
    let mut sets = Vec::new();
    if !target_line.is_empty() {
        sets.push(
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::default().fg(Color::Yellow))
                .data(&target_line),
        );
    }
    sets.push(
        Dataset::default()
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(Style::default().fg(Color::Cyan))
            .data(&points),
    );
    let y_labels = [lo, (lo + hi) / 2.0, hi].map(|x| Line::raw(pct(Some(x))));
    let x_labels: Vec<Line> = rounds.iter().map(|r| Line::raw(r.clone())).collect();
    let chart = Chart::new(sets)
        .x_axis(
            Axis::default()
                .title(words::axis_round(lang))
                .style(dim())
                .bounds([0.0, last])
                .labels(x_labels),
        )
        .y_axis(
            Axis::default()
                .title(words::col_value(lang))
                .style(dim())
                .bounds([lo, hi])
                .labels(y_labels),
        );
    f.render_widget(chart, chart_area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(pct(Some(0.5714)), "57.1%");
        assert_eq!(pct(None), "—");
        assert_eq!(target_text(Some(0.85)), "≥85%");
        assert_eq!(target_text(Some(0.875)), "≥87.5%");
        assert_eq!(amount(62.0), "62");
        assert_eq!(amount(39.5), "39.5");
    }
}
