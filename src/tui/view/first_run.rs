//! The first-run screen: the surveyor's name, then the offer of demo data.

use crate::tui::app::Model;
use crate::tui::screens::first_run::FirstRunStep;
use crate::tui::text::{fit, tr};
use crate::tui::view::style::{bold, draw_input};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

pub fn draw(m: &Model, f: &mut Frame, area: Rect) {
    let Some(fr) = &m.first_run else { return };
    let w = area.width as usize;
    let lines = vec![
        Line::raw(""),
        Line::styled(
            fit(
                tr(
                    m.lang,
                    "  欢迎使用 ruralenv：农村人居环境整治调查",
                    "  Welcome to ruralenv: rural living-environment surveys",
                ),
                w,
            ),
            bold(),
        ),
        Line::raw(""),
        Line::raw(fit(
            tr(
                m.lang,
                "  首页按 县→乡镇→村 列出名册和本轮状态；表单逐项填写，离开一项即保存；",
                "  Home: the register and each village's status. Form: each answer is saved",
            ),
            w,
        )),
        Line::raw(fit(
            tr(
                m.lang,
                "  审核页供乡镇通过或退回已完成的记录。任何时候按 F1 查看按键。",
                "  when you leave the field. Review: approve or return records. F1: all keys.",
            ),
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
    match fr.step {
        FirstRunStep::Name => draw_input(
            f,
            below,
            tr(m.lang, "  调查人姓名：", "  Surveyor's name: "),
            &fr.input,
            true,
        ),
        FirstRunStep::Demo => f.render_widget(
            Paragraph::new(tr(
                m.lang,
                "  是否加载演示数据（许昌市，供试用）？ y 加载 / n 跳过",
                "  Load demo data (Xuchang, to try things out)? y to load / n to skip",
            )),
            below,
        ),
    }
}
