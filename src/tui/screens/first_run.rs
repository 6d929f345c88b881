//! The first-run screen (drawn by `view::first_run`): what the user does with this
//! installation (surveyor, township, county), saved as the setting `role`; a name, asked
//! of a surveyor only (anyone can set or change it later from home); then, when this build
//! has a generator, the offer of demo data in a data directory of its own, reached with
//! its own key (never with Enter, never into this directory).

use crate::forms::Lang;
use crate::tui::keys::Action;
use crate::tui::shared::tree::Tree;
use crate::tui::shared::{Cmd, Notice, Outcome, Role, input_request};
use ratatui::crossterm::event::KeyEvent;
use tui_input::Input;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FirstRunStep {
    Role,
    Name,
    Demo,
}

/// Where the demo offer stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemoState {
    Offered,
    /// Asked for; the effects are at work.
    Loading,
    Done {
        dir: String,
        records: usize,
    },
    Failed(String),
}

#[derive(Debug, Clone)]
pub struct FirstRun {
    pub step: FirstRunStep,
    /// Position in `Role::ALL`.
    pub role: usize,
    pub input: Input,
    pub demo: DemoState,
}

/// What the first run reads from the rest of the model.
#[derive(Debug, Clone, Copy)]
pub struct FirstRunCtx<'a> {
    pub lang: Lang,
    /// Where demo data would go (None: not offered).
    pub demo_dir: Option<&'a str>,
    pub tree: &'a Tree,
    pub round: &'a str,
}

impl FirstRun {
    pub fn new() -> FirstRun {
        FirstRun {
            step: FirstRunStep::Role,
            role: 0,
            input: Input::default(),
            demo: DemoState::Offered,
        }
    }

    pub fn chosen(&self) -> Role {
        Role::ALL[self.role.min(Role::ALL.len() - 1)]
    }

    /// The name is being typed.
    pub fn typing(&self) -> bool {
        self.step == FirstRunStep::Name
    }

    /// After the role (and the name): the demo offer, or the end of the first run.
    fn after_setup(&mut self, mut o: Outcome, ctx: FirstRunCtx<'_>) -> Outcome {
        if ctx.demo_dir.is_some() {
            self.step = FirstRunStep::Demo;
        } else {
            o.go = Outcome::close().go;
        }
        o
    }

    /// A key. The role is saved as a setting, the name with `Cmd::SetSurveyor`; `Close`
    /// ends the first run.
    pub fn key(&mut self, action: Option<Action>, ev: &KeyEvent, ctx: FirstRunCtx<'_>) -> Outcome {
        match self.step {
            FirstRunStep::Role => match action {
                Some(Action::Up) => {
                    self.role = self.role.saturating_sub(1);
                    Outcome::none()
                }
                Some(Action::Down) => {
                    self.role = (self.role + 1).min(Role::ALL.len() - 1);
                    Outcome::none()
                }
                Some(Action::Confirm) => {
                    let role = self.chosen();
                    let o = Outcome::cmd(Cmd::SaveSetting {
                        key: "role".into(),
                        value: role.code().into(),
                    });
                    if role == Role::Surveyor {
                        self.step = FirstRunStep::Name;
                        return o;
                    }
                    self.after_setup(o, ctx)
                }
                Some(Action::Quit) => Outcome::quit(),
                _ => Outcome::none(),
            },
            FirstRunStep::Name => match action {
                Some(Action::Confirm) => {
                    let name = self.input.value().trim().to_string();
                    if name.is_empty() {
                        return Outcome::say(Notice::error(
                            crate::i18n::tui_county::name_required(ctx.lang),
                        ));
                    }
                    self.after_setup(Outcome::cmd(Cmd::SetSurveyor(name)), ctx)
                }
                Some(Action::Cancel) => {
                    self.step = FirstRunStep::Role;
                    Outcome::clear()
                }
                _ => {
                    if let Some(req) = input_request(ev) {
                        self.input.handle(req);
                    }
                    Outcome::none()
                }
            },
            FirstRunStep::Demo => match (action, &self.demo) {
                (_, DemoState::Loading) => Outcome::none(),
                (Some(Action::Demo), DemoState::Offered | DemoState::Failed(_)) => {
                    let Some(dir) = ctx.demo_dir else {
                        return Outcome::close();
                    };
                    let under = ctx
                        .tree
                        .roots
                        .first()
                        .map(|&r| ctx.tree.units[r].code.clone())
                        .unwrap_or_default();
                    self.demo = DemoState::Loading;
                    Outcome::cmd(Cmd::LoadDemo {
                        dir: dir.to_string(),
                        under,
                        round: ctx.round.to_string(),
                    })
                }
                (Some(Action::Confirm), _) => Outcome::close(),
                (Some(Action::Quit), _) => Outcome::quit(),
                _ => Outcome::none(),
            },
        }
    }

    /// The effects' answer to `Cmd::LoadDemo`.
    pub fn demo_loaded(&mut self, dir: String, result: Result<usize, String>) {
        self.demo = match result {
            Ok(records) => DemoState::Done { dir, records },
            Err(e) => DemoState::Failed(e),
        };
    }
}

impl Default for FirstRun {
    fn default() -> Self {
        FirstRun::new()
    }
}
