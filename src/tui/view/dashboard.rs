//! The dashboard of a unit: a title line, each indicator as a text bar against its
//! target, then one lower pane (units below, villages holding an indicator back,
//! villages not reported, trend over rounds). A pure function of the model.

use crate::forms::Lang;
use crate::report::model::{IndicatorInfo, IndicatorValue};
use crate::tui::app::Model;
use crate::tui::screens::dashboard::{DashView, Focus, Pane};
use crate::tui::text::{clean, fit, fit_right, tr, width};
use crate::tui::view::home::window;
use crate::tui::view::style::{bold, dim, selected};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Column widths that depend on the terminal's width.
struct Cols {
    label: usize,
    bar: usize,
    name: usize,
}

fn cols(w: usize) -> Cols {
    if w >= 110 {
        Cols {
            label: 34,
            bar: 30,
            name: 28,
        }
    } else {
        Cols {
            label: 22,
            bar: 20,
            name: 18,
        }
    }
}

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
    clean(match lang {
        Lang::Zh => &info.label_zh,
        Lang::En => &info.label_en,
    })
}

fn unit_word(info: &IndicatorInfo, lang: Lang) -> String {
    clean(match lang {
        Lang::Zh => &info.unit_zh,
        Lang::En => &info.unit_en,
    })
}

/// "差 62 户" / "62 households short"; empty when met or without a target.
fn shortfall_text(v: &IndicatorValue, info: &IndicatorInfo, lang: Lang) -> String {
    match v.shortfall {
        Some(s) if s > 0.0 => match lang {
            Lang::Zh => format!("差 {} {}", amount(s), unit_word(info, lang)),
            Lang::En => format!("{} {} short", amount(s), unit_word(info, lang)),
        },
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

/// One character per round, ▁ for 0 % up to █ for 100 %.
fn sparkline(values: &[Option<f64>]) -> String {
    const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    values
        .iter()
        .map(|v| match v {
            Some(v) => LEVELS[((v.clamp(0.0, 1.0) * 7.0).round() as usize).min(7)],
            None => ' ',
        })
        .collect()
}

pub fn draw(m: &Model, f: &mut Frame, area: Rect) {
    let Some(d) = &m.dashboard else { return };
    let v = &d.view;
    let w = area.width as usize;
    let h = area.height as usize;
    let c = cols(w);
    let lang = m.lang;
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
    let title = match lang {
        Lang::Zh => format!(
            " {} · {} 年 · 已报 {}/{} 村 · 覆盖率 {}",
            path.join(" › "),
            clean(&data.round),
            reported,
            scope,
            pct(coverage)
        ),
        Lang::En => format!(
            " {} · round {} · {}/{} villages reported · {}",
            path.join(" › "),
            clean(&data.round),
            reported,
            scope,
            pct(coverage)
        ),
    };
    lines.push(Line::styled(fit(&title, w), bold()));

    // The indicators, one line each.
    let head = format!(
        "  {} {} {} {}",
        fit(tr(lang, "指标", "Indicator"), c.label),
        fit(tr(lang, "现状 │目标", "value │target"), c.bar),
        fit_right(tr(lang, "现状", "value"), 6),
        fit_right(tr(lang, "目标", "target"), 6),
    );
    lines.push(Line::styled(fit(&head, w), dim()));
    for (i, info) in data.indicators().iter().enumerate() {
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
        let short = val
            .map(|x| shortfall_text(x, info, lang))
            .unwrap_or_default();
        spans.push(Span::raw(format!(
            " {} {} ",
            fit_right(&pct(val.and_then(|x| x.value)), 6),
            fit_right(&target_text(val.and_then(|x| x.target)), 6),
        )));
        spans.push(met_mark(val));
        let used = 2 + c.label + 1 + c.bar + 15 + 1;
        spans.push(Span::styled(
            fit(&format!(" {short}"), w.saturating_sub(used)),
            Style::default().fg(Color::Yellow),
        ));
        lines.push(Line::from(spans));
    }

    // Pane tabs.
    let mut tabs = vec![Span::raw(" ")];
    for (n, p) in Pane::ALL.iter().enumerate() {
        let mut text = format!("{} {}", n + 1, p.title(lang));
        match p {
            Pane::Unreported => text.push_str(&format!(" ({})", data.unreported.len())),
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
            if v.focus == Focus::Rows {
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
    lines.push(Line::raw(""));
    lines.push(Line::from(tabs));

    let room = h.saturating_sub(lines.len());
    let pane = match v.pane {
        Pane::Units => units_pane(v, lang, w, &c, room),
        Pane::Holdbacks => holdbacks_pane(v, lang, w, &c, room),
        Pane::Unreported => unreported_pane(v, lang, w, &c, room),
        Pane::Trend => trend_pane(v, lang, w, &c, room),
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

fn units_pane(v: &DashView, lang: Lang, w: usize, c: &Cols, room: usize) -> Vec<Line<'static>> {
    let data = &v.data;
    let mut lines = Vec::new();
    let children = v.children();
    let sort_info = data.indicators().get(v.sort);
    let sort_label = sort_info.map(|i| label(i, lang)).unwrap_or_default();
    let head = match lang {
        Lang::Zh => format!(" 按「{sort_label}」排序，差的在前（s 换指标）"),
        Lang::En => format!(" By {sort_label}, worst first (s: next indicator)"),
    };
    lines.push(Line::styled(fit(&head, w), dim()));
    if children.is_empty() {
        lines.push(Line::raw(fit(
            tr(lang, " 没有下级单位", " No units below this one"),
            w,
        )));
        return lines;
    }
    let cols_head = format!(
        " {} {} {} {}",
        fit(tr(lang, "单位", "unit"), c.name),
        fit_right(tr(lang, "已报/应报", "reported"), 9),
        fit_right(tr(lang, "现状", "value"), 7),
        tr(lang, "  差距", "  shortfall"),
    );
    lines.push(Line::styled(fit(&cols_head, w), dim()));
    let height = room.saturating_sub(lines.len());
    for i in window(children.len(), v.row, height) {
        let u = children[i];
        let val = sort_info.and_then(|s| u.indicator(&s.id));
        let short = match (val, sort_info) {
            (Some(x), Some(info)) => shortfall_text(x, info, lang),
            _ => String::new(),
        };
        let left = format!(
            " {} {} {} ",
            fit(&clean(&u.name), c.name),
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
    lines
}

fn holdbacks_pane(v: &DashView, lang: Lang, w: usize, c: &Cols, room: usize) -> Vec<Line<'static>> {
    let data = &v.data;
    let mut lines = Vec::new();
    let Some(info) = data.indicators().get(v.indicator) else {
        return lines;
    };
    let name = label(info, lang);
    let unit = unit_word(info, lang);
    let Some(hb) = data.holdbacks_of(&info.id) else {
        let t = match lang {
            Lang::Zh => format!(" {name}：没有目标值"),
            Lang::En => format!(" {name}: no target"),
        };
        lines.push(Line::styled(fit(&t, w), dim()));
        return lines;
    };
    let head = match (hb.needed, lang) {
        (Some(0), Lang::Zh) => format!(" {name}：已达标"),
        (Some(0), Lang::En) => format!(" {name}: target met"),
        (Some(n), Lang::Zh) => {
            format!(" {name}：差 {} {unit}，需要 {n} 个村", amount(hb.shortfall))
        }
        (Some(n), Lang::En) => format!(
            " {name}: {} {unit} short, {n} villages needed",
            amount(hb.shortfall)
        ),
        (None, Lang::Zh) => format!(
            " {name}：差 {} {unit}，已报的村全部补齐也不够，还要靠未报的村",
            amount(hb.shortfall)
        ),
        (None, Lang::En) => format!(
            " {name}: {} {unit} short, more than all reported villages can give",
            amount(hb.shortfall)
        ),
    };
    lines.push(Line::styled(fit(&head, w), bold()));
    if hb.villages.is_empty() {
        return lines;
    }
    let cols_head = format!(
        " {} {} {} {}",
        fit_right("#", 3),
        fit(tr(lang, "村", "village"), c.name),
        fit_right(tr(lang, "可增加", "gain"), 9),
        fit_right(tr(lang, "累计", "cumulative"), 10),
    );
    lines.push(Line::styled(fit(&cols_head, w), dim()));
    let height = room.saturating_sub(lines.len());
    let mut cum = vec![0.0; hb.villages.len()];
    let mut acc = 0.0;
    for (i, h) in hb.villages.iter().enumerate() {
        acc += h.gain;
        cum[i] = acc;
    }
    let needed = hb.needed.unwrap_or(hb.villages.len());
    for i in window(hb.villages.len(), v.row, height) {
        let h = &hb.villages[i];
        let style = if i < needed {
            row_style(v, i)
        } else {
            row_style(v, i).patch(dim())
        };
        let text = format!(
            " {} {} {} {}{}",
            fit_right(&(i + 1).to_string(), 3),
            fit(&clean(&h.name), c.name),
            fit_right(&amount(h.gain), 9),
            fit_right(&amount(cum[i]), 10),
            if i + 1 == needed && hb.needed.is_some() {
                tr(lang, "  ← 到此补齐", "  ← closes it")
            } else {
                ""
            }
        );
        lines.push(Line::styled(fit(&text, w), style));
    }
    lines
}

fn unreported_pane(
    v: &DashView,
    lang: Lang,
    w: usize,
    c: &Cols,
    room: usize,
) -> Vec<Line<'static>> {
    let data = &v.data;
    let n = data.unreported.len();
    let head = match (n, lang) {
        (0, Lang::Zh) => " 应报的村都已上报".to_string(),
        (0, Lang::En) => " Every village in scope has reported".to_string(),
        (n, Lang::Zh) => format!(" 还有 {n} 个村未报"),
        (n, Lang::En) => format!(" {n} villages not reported yet"),
    };
    let mut lines = vec![Line::styled(fit(&head, w), bold())];
    let height = room.saturating_sub(lines.len());
    for i in window(n, v.row, height) {
        let (code, name) = &data.unreported[i];
        let text = format!(
            " {} {} {}",
            fit_right(&(i + 1).to_string(), 3),
            fit(&clean(name), c.name),
            clean(code)
        );
        lines.push(Line::styled(fit(&text, w), row_style(v, i)));
    }
    lines
}

fn trend_pane(v: &DashView, lang: Lang, w: usize, c: &Cols, room: usize) -> Vec<Line<'static>> {
    let data = &v.data;
    if !v.has_trend() {
        let t = tr(
            lang,
            " 只有一个轮次有数据：有 2018、2019、2020 等多轮时在此显示趋势",
            " Only one round has records: the trend shows once several rounds do",
        );
        return vec![Line::styled(fit(t, w), dim())];
    }
    let rounds: Vec<String> = data.trend.iter().map(|(r, _)| clean(r)).collect();
    let mut lines = vec![Line::styled(
        fit(&format!(" {}", rounds.join(" → ")), w),
        bold(),
    )];
    let height = room.saturating_sub(lines.len());
    let infos = data.indicators();
    for i in window(infos.len(), v.row, height) {
        let info = &infos[i];
        let values: Vec<Option<f64>> = data
            .trend
            .iter()
            .map(|(_, u)| u.indicator(&info.id).and_then(|x| x.value))
            .collect();
        let by_round: Vec<String> = rounds
            .iter()
            .zip(&values)
            .map(|(r, x)| format!("{r} {}", pct(*x)))
            .collect();
        let text = format!(
            "  {} {} {}",
            fit(&label(info, lang), c.label),
            fit(&sparkline(&values), rounds.len().max(4)),
            by_round.join("  ")
        );
        lines.push(Line::styled(fit(&text, w), row_style(v, i)));
    }
    lines
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
        assert_eq!(sparkline(&[Some(0.0), Some(0.5), Some(1.0), None]), "▁▅█ ");
    }
}
