//! `ruralenv`: parse the command line, set up file logging, dispatch, map errors to exit
//! codes (0 success, 1 a user-facing error on stderr, 2 bad usage).

use clap::FromArgMatches;
use ruralenv::cli::Cli;
use std::process::ExitCode;

/// File logging in `logs/` of the data directory, kept under a size cap
/// (`ruralenv::logfile`). When the log cannot be written (a read-only data directory, a
/// full disk) the command runs without one: logging never makes a command fail.
fn init_logging(cli: &Cli) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let dir = cli
        .global
        .data_dir
        .clone()
        .unwrap_or_else(ruralenv::context::default_data_dir)
        .join("logs");
    let log = ruralenv::logfile::CappedLog::open(&dir)?;
    let (writer, guard) = tracing_appender::non_blocking(log);
    let filter = tracing_subscriber::EnvFilter::try_from_env("RURALENV_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(guard)
}

/// On Windows: the console shows and passes on UTF-8, so Chinese prints correctly in
/// `cmd.exe` and PowerShell also when the output is piped or redirected (their default code
/// page is 936 / GBK); the console's previous code pages come back when `main` returns.
/// And a drive without a medium (an empty card reader) fails quietly instead of opening an
/// error dialog. Elsewhere: nothing.
#[cfg(windows)]
fn windows_console() -> impl Drop {
    use windows_sys::Win32::System::Console::{
        GetConsoleCP, GetConsoleOutputCP, SetConsoleCP, SetConsoleOutputCP,
    };
    use windows_sys::Win32::System::Diagnostics::Debug::{
        SEM_FAILCRITICALERRORS, SEM_NOOPENFILEERRORBOX, SetErrorMode,
    };
    const UTF8: u32 = 65001;
    struct Restore(u32, u32);
    impl Drop for Restore {
        fn drop(&mut self) {
            // SAFETY: plain calls with code pages read at start (0 when there was no
            // console; then there is nothing to restore).
            unsafe {
                if self.0 != 0 {
                    SetConsoleOutputCP(self.0);
                }
                if self.1 != 0 {
                    SetConsoleCP(self.1);
                }
            }
        }
    }
    // SAFETY: plain calls without pointers; they fail harmlessly without a console.
    unsafe {
        SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOOPENFILEERRORBOX);
        let restore = Restore(GetConsoleOutputCP(), GetConsoleCP());
        SetConsoleOutputCP(UTF8);
        SetConsoleCP(UTF8);
        restore
    }
}

/// Output piped into `head` and closed early is not an error worth a message.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn main() -> ExitCode {
    #[cfg(windows)]
    let _console = windows_console();
    // Like other command-line tools, end quietly when the reader of our output goes away
    // (`ruralenv divisions | head`) instead of failing on every later write.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE at start-up, before any thread.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // The language is read before parsing so that `--help` and usage errors speak it.
    let lang = ruralenv::cli::lang_in_args(std::env::args_os());
    let parsed = ruralenv::cli::command(lang)
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => {
            // In Chinese, clap's English text is replaced by the catalogue's words; in
            // English, clap's own text (with its colours) is kept.
            if e.use_stderr()
                && lang == ruralenv::forms::Lang::Zh
                && let Some(text) = ruralenv::cli::usage_error_text(lang, &e)
            {
                eprint!("{text}");
                return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
            }
            if e.use_stderr() {
                let lead = if e.kind()
                    == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
                {
                    ruralenv::i18n::cli_err_help_follows(lang)
                } else {
                    ruralenv::i18n::cli_usage_error(lang)
                };
                if !lead.is_empty() {
                    eprintln!("{lead}");
                }
            }
            let _ = e.print();
            return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
        }
    };
    let _guard = init_logging(&cli);
    match ruralenv::commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) if e.downcast_ref::<ruralenv::commands::UsageError>().is_some() => {
            let msg = ruralenv::forms::value::sanitize_for_terminal_keep_newlines(&e.to_string());
            eprintln!("ruralenv: {msg}");
            ExitCode::from(2)
        }
        Err(e) => {
            tracing::warn!("command failed: {e:#}");
            let msg =
                ruralenv::forms::value::sanitize_for_terminal_keep_newlines(&format!("{e:#}"));
            eprintln!("ruralenv: {msg}");
            ExitCode::from(1)
        }
    }
}
