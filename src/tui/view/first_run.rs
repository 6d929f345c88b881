//! The first-run screen: the role, a surveyor's name, then the offer of demo data in a
//! directory of its own.

use crate::tui::app::Model;
use crate::tui::screens::first_run::{DemoState, FirstRunStep};
use crate::tui::shared::Role;
use crate::tui::text::{clean, fit, tr};
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
    let rest = Rect {
        y: area.y + n,
        height: area.height - n,
        ..area
    };
    let lang = m.lang;
    match fr.step {
        FirstRunStep::Role => {
            let mut lines = vec![Line::styled(
                tr(
                    lang,
                    "这台电脑用来做什么？（↑↓ 选择，Enter 确定）",
                    "What is this computer for? (↑↓ to choose, Enter to confirm)",
                ),
                bold(),
            )];
            for (i, role) in Role::ALL.iter().enumerate() {
                let what = match role {
                    Role::Surveyor => tr(
                        lang,
                        "在村里填表、完成，导出数据包交给乡镇",
                        "fill village forms, finalize, export a bundle for the township",
                    ),
                    Role::Township => tr(
                        lang,
                        "导入调查人的数据包，通过或退回，导出给县",
                        "import surveyors' bundles, approve or return, export for the county",
                    ),
                    Role::County => tr(
                        lang,
                        "导入乡镇的数据包，看指标和报表",
                        "import townships' bundles, see the indicators and reports",
                    ),
                };
                let text = format!(
                    "{} {}{}{what}",
                    if i == fr.role { "▶" } else { " " },
                    role.label(lang),
                    tr(lang, "：", ": ")
                );
                let line = Line::raw(text);
                lines.push(if i == fr.role {
                    line.style(selected())
                } else {
                    line
                });
            }
            wrap(f, lines, rest);
        }
        FirstRunStep::Name => {
            draw_input(
                f,
                below,
                tr(lang, "  调查人姓名：", "  Surveyor's name: "),
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
                        tr(
                            lang,
                            "姓名记录在每项修改旁。以后可在首页按 n 修改。Esc 回到上一步。",
                            "The name is recorded with every change. Change it later with n on the home screen. Esc goes back.",
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
                        Line::styled(
                            tr(
                                lang,
                                "想先试一试？演示数据（虚构的记录）放在单独的目录里，不会混入这里的真实数据：",
                                "Want to try it first? Demo data (made-up records) goes into a directory of its own, never among the real data here:",
                            ),
                            bold(),
                        ),
                        Line::raw(format!("  {dir}")),
                        Line::raw(""),
                        Line::raw(tr(
                            lang,
                            "按 d 在那里生成演示数据；按 Enter 直接开始使用本目录。",
                            "Press d to make demo data there; Enter starts working in this directory.",
                        )),
                    ];
                    if let DemoState::Failed(e) = &fr.demo {
                        l.push(Line::raw(""));
                        l.push(Line::styled(format!("✗ {}", clean(e)), style_error()));
                    }
                    l
                }
                DemoState::Loading => vec![Line::raw(tr(
                    lang,
                    "正在生成演示数据…",
                    "Making demo data…",
                ))],
                DemoState::Done { records, .. } => vec![
                    Line::raw(match lang {
                        crate::forms::Lang::Zh => format!(
                            "已在单独的目录生成 {records} 条演示记录。要打开演示数据，退出后运行："
                        ),
                        crate::forms::Lang::En => format!(
                            "{records} demo records are in a directory of their own. To open them, quit and run:"
                        ),
                    }),
                    Line::styled(open, bold()),
                    Line::raw(""),
                    Line::raw(tr(
                        lang,
                        "本目录没有任何演示数据。按 Enter 开始使用本目录（真实数据）。",
                        "This directory holds no demo data. Press Enter to start working here (real data).",
                    )),
                ],
            };
            wrap(f, lines, rest);
        }
    }
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
