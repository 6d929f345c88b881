//! The terminal UI: model → update(msg) → effects; view(&model) is pure.
//!
//! Layers, each importing only the ones below it:
//! - `app`: the router: the model (current screen and the globals), `update` (pure;
//!   tests drive it with keys), which dispatches keys and messages to the screens and
//!   applies their outcomes;
//! - `screens`: one module per screen (home, form, review, history, first run, trust,
//!   conflicts, exchange, dashboard, help) with its state and its key handling, which
//!   returns an `Outcome` and never touches the rest of the model;
//! - `shared`: `Msg`, `Cmd`, notices, questions, outcomes and the payloads screens and
//!   effects exchange; `keys` (the one key table behind the footer, the help screen and
//!   `update`), `text`, `layout`, `picker` (the file picker's state);
//! - `effects`: runs commands against the store (the only place that touches it), one
//!   file per screen;
//! - `view`: draws a model (pure; snapshot-tested on `TestBackend`), one file per screen;
//! - `terminal`: raw mode in and out, restored on quit, panic and SIGTERM.

pub mod app;
pub mod effects;
pub mod keys;
pub mod layout;
pub mod picker;
pub mod screens;
pub mod shared;
pub mod terminal;
pub mod text;
pub mod view;

#[cfg(test)]
mod conflicts_tests;
#[cfg(test)]
mod dashboard_tests;
#[cfg(test)]
mod effects_tests;
#[cfg(test)]
mod exchange_tests;
#[cfg(test)]
mod snapshot_tests;
#[cfg(test)]
mod structure_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod trust_tests;

use crate::forms::{FormSet, Lang};
use app::{Model, Start};
use ratatui::crossterm::event::{self, Event, KeyEventKind};
use shared::{Cmd, Msg};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::Duration;

/// How the TUI was asked to start.
#[derive(Debug, Clone)]
pub struct TuiOptions {
    pub data_dir: PathBuf,
    pub forms: FormSet,
    /// `--lang`, when given (remembered for next time).
    pub lang: Option<Lang>,
    /// `--surveyor` or `RURALENV_SURVEYOR`: skips the first-run question.
    pub surveyor: Option<String>,
    /// `edit VILLAGE --round R [--field NAME]`.
    pub edit: Option<EditTarget>,
}

#[derive(Debug, Clone)]
pub struct EditTarget {
    pub village: String,
    pub round: String,
    pub field: Option<String>,
}

/// Run messages through `update` and the commands it returns through the effects, until
/// nothing is left (effects answer with messages, which may ask for more).
pub fn pump(model: &mut Model, fx: &mut effects::Effects, first: Vec<Msg>, cmds: Vec<Cmd>) {
    let mut cmds: VecDeque<Cmd> = cmds.into();
    let mut msgs: VecDeque<Msg> = first.into();
    loop {
        if let Some(c) = cmds.pop_front() {
            msgs.extend(fx.run(c, model.lang));
        } else if let Some(m) = msgs.pop_front() {
            cmds.extend(app::update(model, m));
        } else {
            break;
        }
    }
}

/// Open the store and build the first model (no terminal needed: benchmarks use this).
pub fn prepare(opts: TuiOptions) -> anyhow::Result<(Model, effects::Effects, Vec<Cmd>)> {
    let store = crate::context::open_store(&opts.data_dir, &opts.forms)?;
    let startup = effects::startup(
        &store,
        &opts.forms,
        opts.lang,
        opts.surveyor.as_deref(),
        opts.edit.as_ref().map(|e| e.round.as_str()),
    )?;
    let fx = effects::Effects::new(store, opts.forms, startup.surveyor.clone());
    // A save never freezes the screen: it waits briefly, then is retried in the background.
    fx.store.set_busy_timeout(effects::SAVE_WAIT)?;
    let start = opts.edit.map(|e| Start {
        village: e.village,
        round: e.round,
        field: e.field,
    });
    let (model, cmds) = Model::new(startup, start);
    Ok((model, fx, cmds))
}

/// Run the TUI until the user quits.
pub fn run(opts: TuiOptions) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "ruralenv needs a terminal for its screens. Without one, use the headless commands: \
             `ruralenv records import-csv`, `records show`, `report`, `export`, `import` (see `ruralenv --help`)."
        );
    }
    let (mut model, mut fx, cmds) = prepare(opts)?;
    let (mut terminal, guard) = terminal::enter()?;
    keep_worker_panics_off_the_screen();
    let size = terminal.size()?;
    pump(
        &mut model,
        &mut fx,
        vec![Msg::Resize(size.width, size.height)],
        cmds,
    );
    let input = spawn_input_thread()?;
    let mut result = Ok(());
    loop {
        if let Err(e) = terminal.draw(|f| view::draw(&model, f)) {
            // The terminal is gone (a dropped SSH connection): keep what can be kept.
            pump(&mut model, &mut fx, vec![Msg::Terminate], Vec::new());
            result = Err(anyhow::Error::from(e).context("the terminal went away"));
            break;
        }
        if model.quit {
            break;
        }
        if guard.stop.load(Ordering::SeqCst) || terminal::hung_up() {
            pump(&mut model, &mut fx, vec![Msg::Terminate], Vec::new());
            break;
        }
        // What a worker (import, export) sent since the last frame.
        let background = fx.background();
        let heard = !background.is_empty();
        pump(&mut model, &mut fx, background, Vec::new());
        // Wait for input, then take everything that is pending before drawing again;
        // look at the worker more often while one runs (keys still come first).
        let wait = if heard || fx.busy() { 40 } else { 250 };
        let first = match input.recv_timeout(Duration::from_millis(wait)) {
            Ok(ev) => ev,
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                pump(&mut model, &mut fx, vec![Msg::Terminate], Vec::new());
                break;
            }
        };
        let mut msgs = Vec::new();
        for ev in std::iter::once(first).chain(input.try_iter()) {
            match ev {
                Event::Key(k) if k.kind == KeyEventKind::Press => msgs.push(Msg::Key(k)),
                Event::Paste(s) => msgs.push(Msg::Paste(s)),
                Event::Resize(w, h) => msgs.push(Msg::Resize(w, h)),
                _ => {}
            }
        }
        for m in msgs {
            pump(&mut model, &mut fx, vec![m], Vec::new());
            if model.quit {
                break;
            }
        }
    }
    // Answers still waiting for the database get one last, longer chance.
    let lost = fx.flush_saves(Duration::from_secs(5));
    drop(terminal);
    drop(guard);
    if lost > 0 {
        eprintln!(
            "ruralenv: {lost} answer(s) could not be saved: the database stayed locked by another program"
        );
    }
    result
}

/// A panic on a worker thread (export, import, the terminal reader) is logged, not
/// printed over the screen, and leaves raw mode alone: the worker's job ends with a
/// message (`catch_unwind` there), or the reader's channel closes and the event loop quits
/// through the guard, which restores the terminal. A panic on the main thread still goes
/// to the hook `terminal::enter` installed (restore the terminal, then print).
fn keep_worker_panics_off_the_screen() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let worker = std::thread::current()
                .name()
                .is_some_and(|n| n.starts_with(effects::exchange::WORKER_PREFIX));
            if worker {
                tracing::error!(
                    "{} panicked: {info}",
                    std::thread::current().name().unwrap_or("worker")
                );
            } else {
                previous(info);
            }
        }));
    });
}

/// Terminal events, read on their own thread. crossterm's `poll` never returns once the
/// terminal is gone (crossterm-rs/crossterm#793: it re-reads a hung-up tty forever), so
/// the event loop must not wait inside it: it waits on this channel, with a timeout, and
/// notices signals and a hung-up terminal itself. The thread ends with the process.
fn spawn_input_thread() -> std::io::Result<mpsc::Receiver<Event>> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name(format!(
            "{}terminal-input",
            effects::exchange::WORKER_PREFIX
        ))
        .spawn(move || {
            while let Ok(ev) = event::read() {
                if tx.send(ev).is_err() {
                    break;
                }
            }
        })?;
    Ok(rx)
}
