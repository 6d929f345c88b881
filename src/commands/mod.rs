//! One function per command of the command line. Each returns a user-facing error
//! (anyhow, printed on stderr with exit status 1); nothing is half-written on error.

mod demo;
mod exchange;
mod records;
mod report;
mod review;
mod trust;

use crate::cli::{
    Cli, Command, FormsCommand, KeyCommand, RecordsCommand, ReviewCommand, TrustCommand,
};
use crate::context;
use crate::forms::value::sanitize_for_terminal;
use crate::forms::{FormSet, Lang};
use crate::i18n;
use crate::store::Store;
use anyhow::{Context as _, bail};
use std::io::Write;
use std::path::PathBuf;

/// Kept for the import functions of `records` (being rewritten elsewhere); new code
/// calls `i18n` messages.
pub(crate) use crate::i18n::pick;

/// Bad usage found after the command line was parsed (exit status 2), such as a round
/// that is not a round of this survey.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Resolved global options.
pub struct Env {
    pub data_dir: PathBuf,
    pub forms: FormSet,
    pub lang_flag: Option<crate::forms::Lang>,
    pub surveyor: Option<String>,
}

impl Env {
    pub fn open_store(&self) -> anyhow::Result<Store> {
        context::open_store_in(&self.data_dir, &self.forms, self.lang())
    }
    /// The language of this run's messages: `--lang`, else Chinese.
    pub fn lang(&self) -> crate::forms::Lang {
        self.lang_flag.unwrap_or_default()
    }

    /// Check a `--round` against the survey's rounds (bad usage, exit 2, when it is not one).
    pub fn check_round(&self, round: &str) -> anyhow::Result<()> {
        self.forms.check_round(round).map_err(|e| {
            UsageError(i18n::option_error(
                self.lang(),
                "--round",
                &e.message(self.lang()),
            ))
            .into()
        })
    }

    /// Who is acting: `--surveyor`, else the stored name, else the OS user, else the
    /// installation's role and key (`context::acting_name`), never "unknown".
    pub fn who(&self, store: &Store) -> anyhow::Result<String> {
        if let Some(s) = &self.surveyor {
            return Ok(s.clone());
        }
        let stored = store.setting("surveyor")?;
        Ok(context::acting_name(stored, context::os_user(), store))
    }
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    let lang_flag = cli.global.lang.map(|l| l.lang());
    let lang = lang_flag.unwrap_or_default();
    if let Some(Command::Forms {
        command: FormsCommand::Check { dir },
    }) = &cli.command
    {
        return forms_check(dir.as_ref().or(cli.global.forms.as_ref()), lang);
    }
    let data_dir = cli
        .global
        .data_dir
        .clone()
        .unwrap_or_else(context::default_data_dir);
    if let Some(Command::Forms {
        command: FormsCommand::List,
    }) = &cli.command
    {
        // Lists also what no longer loads, so it does not need the forms in force.
        context::install_forms(&data_dir, cli.global.forms.as_deref(), lang)?;
        return forms_list(&data_dir, lang);
    }
    let forms = context::load_forms(&data_dir, cli.global.forms.as_deref(), lang)?;
    let env = Env {
        data_dir,
        forms,
        lang_flag,
        surveyor: cli.global.surveyor.clone().filter(|s| !s.trim().is_empty()),
    };
    if let Some(s) = &env.surveyor
        && crate::forms::value::has_control_chars(s)
    {
        bail!(i18n::surveyor_control_chars(lang));
    }
    if let Some(round) = cli.command.as_ref().and_then(command_round) {
        env.check_round(round)?;
    }
    match cli.command {
        None => crate::tui::run(crate::tui::TuiOptions {
            data_dir: env.data_dir.clone(),
            forms: env.forms.clone(),
            lang: env.lang_flag,
            surveyor: env.surveyor.clone(),
            edit: None,
        }),
        Some(Command::Edit {
            village_code,
            round,
            field,
        }) => {
            let store = env.open_store()?;
            let code = sanitize_for_terminal(&village_code);
            let Some(d) = store.division(&village_code)? else {
                bail!(i18n::no_such_village(lang, &code));
            };
            if d.level != crate::register::Level::Village {
                bail!(i18n::not_a_village(
                    lang,
                    &code,
                    &sanitize_for_terminal(&d.name),
                    i18n::level(lang, d.level)
                ));
            }
            if !d.in_scope {
                bail!(
                    "{}",
                    crate::tui::text::out_of_scope(env.lang(), &d.name, &d.code)
                );
            }
            if let Some(f) = &field {
                let form = env.forms.village_form();
                if form.field(f).is_none() {
                    bail!(i18n::no_such_field(
                        lang,
                        &sanitize_for_terminal(f),
                        &sanitize_for_terminal(&form.id)
                    ));
                }
            }
            drop(store);
            crate::tui::run(crate::tui::TuiOptions {
                data_dir: env.data_dir.clone(),
                forms: env.forms.clone(),
                lang: env.lang_flag,
                surveyor: env.surveyor.clone(),
                edit: Some(crate::tui::EditTarget {
                    village: village_code,
                    round,
                    field,
                }),
            })
        }
        Some(Command::Forms { .. }) => unreachable!("handled above"),
        Some(Command::Divisions {
            under,
            level,
            in_scope,
        }) => divisions(&env, under.as_deref(), level.map(|l| l.level()), in_scope),
        Some(Command::Records { command }) => match command {
            RecordsCommand::ImportCsv {
                file,
                round,
                groups,
            } => records::import_csv(&env, &file, &round, &groups),
            RecordsCommand::ExportCsv {
                round,
                under,
                out,
                labels,
            } => records::export_csv(&env, &round, under.as_deref(), out.as_deref(), labels),
            RecordsCommand::Template { under, round, out } => {
                records::template(&env, &under, &round, &out)
            }
            RecordsCommand::ImportXlsx { file, round } => records::import_xlsx(&env, &file, &round),
            RecordsCommand::ExportXlsx { round, under, out } => {
                records::export_xlsx(&env, &round, under.as_deref(), &out)
            }
            RecordsCommand::Show {
                village_code,
                round,
                format,
            } => records::show(&env, &village_code, &round, format),
        },
        Some(Command::Key {
            command: KeyCommand::Show,
        }) => trust::key_show(&env),
        Some(Command::Trust { command }) => match command {
            TrustCommand::Add { key, scope, name } => {
                trust::add(&env, &key, &scope, name.as_deref())
            }
            TrustCommand::List => trust::list(&env),
            TrustCommand::Remove { key } => trust::remove(&env, &key),
        },
        Some(Command::Export { under, round, out }) => exchange::export(&env, &under, &round, &out),
        Some(Command::Import { files }) => exchange::import(&env, &files),
        Some(Command::Conflicts { round, format }) => {
            exchange::conflicts(&env, round.as_deref(), format)
        }
        Some(Command::Report {
            round,
            under,
            format,
            out,
            level,
        }) => report::report(
            &env,
            &round,
            under.as_deref(),
            format,
            out.as_deref(),
            level,
        ),
        Some(Command::Review { command }) => match command {
            ReviewCommand::Approve {
                village_code,
                round,
            } => review::review(
                &env,
                &village_code,
                &round,
                crate::store::ReviewAction::Approve,
                None,
            ),
            ReviewCommand::Return {
                village_code,
                round,
                comment,
            } => review::review(
                &env,
                &village_code,
                &round,
                crate::store::ReviewAction::Return,
                Some(&comment),
            ),
        },
        Some(Command::Demo {
            under,
            round,
            seed,
            register,
        }) => demo::demo(&env, &under, &round, seed, register.as_deref()),
    }
}

/// The `--round` a command was given, checked before the command runs.
fn command_round(c: &Command) -> Option<&str> {
    match c {
        Command::Edit { round, .. }
        | Command::Export { round, .. }
        | Command::Report { round, .. }
        | Command::Demo { round, .. } => Some(round),
        Command::Review { command } => match command {
            ReviewCommand::Approve { round, .. } | ReviewCommand::Return { round, .. } => {
                Some(round)
            }
        },
        Command::Conflicts { round, .. } => round.as_deref(),
        Command::Records { command } => match command {
            RecordsCommand::ImportCsv { round, .. }
            | RecordsCommand::ExportCsv { round, .. }
            | RecordsCommand::Show { round, .. }
            | RecordsCommand::Template { round, .. }
            | RecordsCommand::ImportXlsx { round, .. }
            | RecordsCommand::ExportXlsx { round, .. } => Some(round),
        },
        Command::Forms { .. }
        | Command::Divisions { .. }
        | Command::Key { .. }
        | Command::Trust { .. }
        | Command::Import { .. } => None,
    }
}

fn forms_check(dir: Option<&PathBuf>, lang: Lang) -> anyhow::Result<()> {
    let set = match dir {
        Some(d) => match FormSet::load_dir(d) {
            Ok(s) => s,
            Err(errors) => {
                for e in &errors.0 {
                    eprintln!("{}", sanitize_for_terminal(&e.message(lang)));
                }
                bail!(i18n::forms_error_count(
                    lang,
                    errors.0.len(),
                    &crate::termsafe::path(d)
                ));
            }
        },
        None => FormSet::builtin(),
    };
    let mut out = std::io::stdout().lock();
    for f in &set.forms {
        let n: usize = f.fields.len() + f.groups.iter().map(|g| g.fields.len()).sum::<usize>();
        let key = sanitize_for_terminal(&f.key());
        writeln!(out, "{}", i18n::form_ok(lang, &key, n, f.indicators.len()))?;
    }
    writeln!(out, "{}", i18n::targets_ok(lang, set.targets.len()))?;
    for (name, _) in &set.registers {
        writeln!(
            out,
            "{}",
            i18n::register_ok(lang, &sanitize_for_terminal(name))
        )?;
    }
    Ok(())
}

/// `forms list`: every form version built in or installed, newest install first, the ones
/// in use marked with `*`.
fn forms_list(data_dir: &std::path::Path, lang: Lang) -> anyhow::Result<()> {
    use crate::forms::install::{self, Source};
    let fail =
        |e: install::InstallError| anyhow::anyhow!(i18n::form_checks::install_error(lang, &e));
    // A copy that no longer loads is still listed (nothing marked in use), then reported.
    let (used, broken) = match install::in_force(data_dir) {
        Ok((_, used)) => (used, None),
        Err(e) => (Vec::new(), Some(e)),
    };
    let in_use = |id: &str, version: u32, source: &Source| {
        used.iter()
            .any(|(v, s)| v.id == id && v.version == version && s == source)
    };
    let mark = |b: bool| if b { "*" } else { " " };
    let mut out = std::io::stdout().lock();
    for item in install::list(data_dir).map_err(fail)?.iter().rev() {
        for f in &item.forms {
            let key = sanitize_for_terminal(&format!("{}@{}", f.id, f.version));
            let line = i18n::forms_list_installed(
                lang,
                &key,
                item.number,
                &sanitize_for_terminal(&item.installed_at),
                &sanitize_for_terminal(&item.source),
            );
            let used = in_use(&f.id, f.version, &Source::Installed(item.number));
            writeln!(out, "{} {line}", mark(used))?;
        }
    }
    for f in &FormSet::builtin().forms {
        let line = i18n::forms_list_builtin(lang, &f.key());
        writeln!(
            out,
            "{} {line}",
            mark(in_use(&f.id, f.version, &Source::BuiltIn))
        )?;
    }
    writeln!(out, "{}", i18n::forms_list_legend(lang))?;
    match broken {
        Some(e) => Err(fail(e)),
        None => Ok(()),
    }
}

/// Resolve a `--under CODE` to a division, with a helpful error in `lang`.
pub fn division_arg(
    store: &Store,
    code: &str,
    lang: Lang,
) -> anyhow::Result<crate::store::DivisionRow> {
    let shown = sanitize_for_terminal(code);
    if !crate::register::is_code(code) {
        bail!(i18n::not_a_division_code(lang, &shown));
    }
    store
        .division(code)?
        .with_context(|| i18n::no_such_unit(lang, &shown))
}

fn divisions(
    env: &Env,
    under: Option<&str>,
    level: Option<crate::register::Level>,
    in_scope: bool,
) -> anyhow::Result<()> {
    let store = env.open_store()?;
    let under = under
        .map(|c| division_arg(&store, c, env.lang()))
        .transpose()?;
    let rows = store.divisions_under(under.as_ref(), level, in_scope)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for d in rows {
        if under.as_ref().is_some_and(|u| u.code == d.code) {
            continue;
        }
        writeln!(out, "{}\t{}", d.code, sanitize_for_terminal(&d.name))?;
    }
    out.flush()?;
    Ok(())
}
