//! The first-run screen: the surveyor's name, asked once, then an offer of demo data
//! (drawn by `view::first_run`).

use crate::forms::Lang;
use crate::tui::keys::Action;
use crate::tui::shared::tree::Tree;
use crate::tui::shared::{Cmd, Notice, Outcome, input_request};
use crate::tui::text::tr;
use ratatui::crossterm::event::KeyEvent;
use tui_input::Input;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FirstRunStep {
    Name,
    Demo,
}

#[derive(Debug, Clone)]
pub struct FirstRun {
    pub step: FirstRunStep,
    pub input: Input,
}

impl FirstRun {
    pub fn new() -> FirstRun {
        FirstRun {
            step: FirstRunStep::Name,
            input: Input::default(),
        }
    }

    /// A key. The name is saved with `Cmd::SetSurveyor`; `Close` ends the first run.
    /// Demo data goes under the first unit of `tree` for `round`, when this build has
    /// a generator (`demo_available`).
    pub fn key(&mut self, action: Option<Action>, ev: &KeyEvent, ctx: FirstRunCtx<'_>) -> Outcome {
        let f = self;
        match f.step {
            FirstRunStep::Name => {
                if action == Some(Action::Confirm) {
                    let name = f.input.value().trim().to_string();
                    if name.is_empty() {
                        return Outcome::say(Notice::error(tr(
                            ctx.lang,
                            "请输入调查人姓名",
                            "Please type the surveyor's name",
                        )));
                    }
                    let mut o = Outcome::cmd(Cmd::SetSurveyor(name));
                    if ctx.demo_available {
                        f.step = FirstRunStep::Demo;
                    } else {
                        o.go = Outcome::close().go;
                    }
                    return o;
                }
                if let Some(req) = input_request(ev) {
                    f.input.handle(req);
                }
                Outcome::none()
            }
            FirstRunStep::Demo => match action {
                Some(Action::Confirm) => {
                    let under = ctx
                        .tree
                        .roots
                        .first()
                        .map(|&r| ctx.tree.units[r].code.clone())
                        .unwrap_or_default();
                    let mut o = Outcome::cmd(Cmd::LoadDemo {
                        under,
                        round: ctx.round.to_string(),
                    });
                    o.go = Outcome::close().go;
                    o
                }
                Some(Action::Cancel) => Outcome::close(),
                Some(Action::Quit) => Outcome::quit(),
                _ => Outcome::none(),
            },
        }
    }
}

impl Default for FirstRun {
    fn default() -> Self {
        FirstRun::new()
    }
}

/// What the first run reads from the rest of the model.
#[derive(Debug, Clone, Copy)]
pub struct FirstRunCtx<'a> {
    pub lang: Lang,
    pub demo_available: bool,
    pub tree: &'a Tree,
    pub round: &'a str,
}
