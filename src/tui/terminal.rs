//! Entering and leaving the terminal's raw, full-screen mode. Restoring is idempotent and
//! runs from `Drop`, from the panic hook (before the panic message prints) and after
//! SIGTERM/SIGHUP/SIGINT, so the user's shell is never left in raw mode.
//!
//! Losing the terminal: on unix, SIGHUP (or a hung-up standard input) sets the guard's
//! `stop` flag. The Windows console has no SIGHUP: closing the console window, logging off
//! or shutting down sends a console control event instead, and Windows ends the process as
//! soon as the handler returns (or after about 5 seconds). The handler sets the same
//! `stop` flag and then waits, so the event loop takes the same path as after SIGHUP (save
//! the field being typed, leave) and the process ends by returning from `main`.

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::Show;
use ratatui::crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use std::io::{Stdout, stdout};
use std::sync::Arc;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

static ACTIVE: AtomicBool = AtomicBool::new(false);
static HOOK: Once = Once::new();

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Restores the terminal when dropped.
pub struct Guard {
    /// Set by SIGTERM, SIGHUP or SIGINT: the event loop checks it and leaves.
    pub stop: Arc<AtomicBool>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
        stop_flags().retain(|f| !Arc::ptr_eq(f, &self.stop));
    }
}

/// Raw mode, alternate screen and bracketed paste; returns the terminal and its guard.
pub fn enter() -> std::io::Result<(Term, Guard)> {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
    let stop = Arc::new(AtomicBool::new(false));
    watch_for_loss(&stop)?;
    let guard = Guard { stop };
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    execute!(stdout(), EnterAlternateScreen, EnableBracketedPaste)?;
    let terminal = Terminal::new(CrosstermBackend::new(stdout()))?;
    Ok((terminal, guard))
}

/// Leave raw mode and the alternate screen, once; later calls do nothing.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = disable_raw_mode();
        let _ = execute!(stdout(), DisableBracketedPaste, LeaveAlternateScreen, Show);
    }
}

/// Sets `stop` when the terminal goes away or the user asks the process to end: SIGTERM,
/// SIGHUP and SIGINT on unix.
#[cfg(unix)]
fn watch_for_loss(stop: &Arc<AtomicBool>) -> std::io::Result<()> {
    for sig in [
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGINT,
    ] {
        signal_hook::flag::register(sig, Arc::clone(stop))?;
    }
    Ok(())
}

/// Sets `stop` on every console control event: Ctrl+C and Ctrl+Break (in raw mode they
/// normally arrive as keys), a closed console window, log-off and shut-down.
#[cfg(windows)]
fn watch_for_loss(stop: &Arc<AtomicBool>) -> std::io::Result<()> {
    use windows_sys::Win32::System::Console::SetConsoleCtrlHandler;
    static INSTALLED: Once = Once::new();
    stop_flags().push(Arc::clone(stop));
    let mut result = Ok(());
    INSTALLED.call_once(|| {
        // SAFETY: registers a handler with the signature Windows expects; it only touches
        // atomics and a mutex, and sleeps.
        if unsafe { SetConsoleCtrlHandler(Some(console_event), 1) } == 0 {
            result = Err(std::io::Error::last_os_error());
        }
    });
    result
}

#[cfg(not(any(unix, windows)))]
fn watch_for_loss(_stop: &Arc<AtomicBool>) -> std::io::Result<()> {
    Ok(())
}

/// The flags set when the console goes away (one per [`enter`]).
fn stop_flags() -> std::sync::MutexGuard<'static, Vec<Arc<AtomicBool>>> {
    static FLAGS: std::sync::Mutex<Vec<Arc<AtomicBool>>> = std::sync::Mutex::new(Vec::new());
    FLAGS.lock().unwrap_or_else(|e| e.into_inner())
}

/// What a console control event asks for.
#[cfg_attr(not(windows), allow(dead_code))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ConsoleEvent {
    /// Ctrl+C or Ctrl+Break: stop, as after SIGINT; the process goes on to end normally.
    Interrupt,
    /// The window was closed, or the user logs off, or Windows shuts down: Windows ends
    /// the process when the handler returns, so the handler must wait for the save.
    Closing,
}

/// The Windows event codes (CTRL_C_EVENT … CTRL_SHUTDOWN_EVENT).
#[cfg_attr(not(windows), allow(dead_code))]
fn console_event_kind(code: u32) -> Option<ConsoleEvent> {
    match code {
        0 | 1 => Some(ConsoleEvent::Interrupt),
        2 | 5 | 6 => Some(ConsoleEvent::Closing),
        _ => None,
    }
}

/// Tell every running event loop to save and leave; true when there was one to tell.
#[cfg_attr(not(windows), allow(dead_code))]
fn request_stop() -> bool {
    let flags = stop_flags();
    for f in flags.iter() {
        f.store(true, Ordering::SeqCst);
    }
    !flags.is_empty()
}

/// How long the close handler holds the process open for the save. Windows allows about
/// 5 seconds before it ends the process anyway.
#[cfg_attr(not(windows), allow(dead_code))]
const CLOSE_GRACE: std::time::Duration = std::time::Duration::from_millis(4500);

/// The console control handler (runs on a thread Windows creates).
#[cfg(windows)]
unsafe extern "system" fn console_event(code: u32) -> windows_sys::core::BOOL {
    match console_event_kind(code) {
        Some(ConsoleEvent::Interrupt) => i32::from(request_stop()),
        Some(ConsoleEvent::Closing) => {
            if request_stop() {
                // The event loop sees the flag within a quarter second, saves the field
                // being typed and returns from `main`, which ends the process (and this
                // thread). Returning earlier would let Windows end it before the save.
                std::thread::sleep(CLOSE_GRACE);
            }
            1
        }
        None => 0,
    }
}

/// Has the terminal hung up (the SSH connection or the terminal window closed)? Asks the
/// kernel about standard input without reading from it. (On Windows a closed console is
/// reported by the control handler instead, through the `stop` flag.)
#[cfg(not(unix))]
pub fn hung_up() -> bool {
    false
}

/// Has the terminal hung up (the SSH connection or the terminal window closed)? Asks the
/// kernel about standard input without reading from it.
#[cfg(unix)]
pub fn hung_up() -> bool {
    let mut fd = libc::pollfd {
        fd: libc::STDIN_FILENO,
        events: 0,
        revents: 0,
    };
    // SAFETY: one valid pollfd, a zero timeout; poll only writes `revents`.
    let n = unsafe { libc::poll(&mut fd, 1, 0) };
    n > 0 && fd.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_console_window_takes_the_sighup_path() {
        // The Windows handler classifies the close, log-off and shut-down events as the
        // loss of the terminal, Ctrl+C/Ctrl+Break as an interrupt, and leaves the rest.
        assert_eq!(console_event_kind(2), Some(ConsoleEvent::Closing));
        assert_eq!(console_event_kind(5), Some(ConsoleEvent::Closing));
        assert_eq!(console_event_kind(6), Some(ConsoleEvent::Closing));
        assert_eq!(console_event_kind(0), Some(ConsoleEvent::Interrupt));
        assert_eq!(console_event_kind(1), Some(ConsoleEvent::Interrupt));
        assert_eq!(console_event_kind(3), None);
        // Either sets the guard's `stop` flag, the one the event loop checks after SIGHUP.
        let stop = Arc::new(AtomicBool::new(false));
        stop_flags().push(Arc::clone(&stop));
        assert!(request_stop());
        assert!(stop.load(Ordering::SeqCst));
        stop_flags().retain(|f| !Arc::ptr_eq(f, &stop));
        // Within the time Windows gives before it ends the process anyway.
        assert!(CLOSE_GRACE < std::time::Duration::from_secs(5));
    }
}
