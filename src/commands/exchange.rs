//! `export`, `import` and `conflicts`: the command-line side of bundles. The work is in
//! `bundle::exchange`; this prints what happened.

use super::{Env, division_arg, pick};
use crate::bundle::exchange::{
    ExportError, ExportRequest, ImportError, ImportErrorKind, ImportSummary, export_bundle,
    import_bundles_each, is_valid_round,
};
use crate::bundle::keys::InstallationKey;
use crate::cli::ListFormat;
use crate::forms::Lang;
use crate::forms::value::sanitize_for_terminal;
use crate::termsafe;
use anyhow::bail;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn export(env: &Env, under: &str, round: &str, out: &Path) -> anyhow::Result<()> {
    if !is_valid_round(round) {
        let round = sanitize_for_terminal(round);
        bail!(pick(
            env.lang(),
            format!("--round '{round}'：只能用字母、数字、'-' 或 '_'，例如 2020"),
            format!("--round '{round}': use letters, digits, '-' or '_', e.g. 2020"),
        ));
    }
    let store = env.open_store()?;
    let lang = crate::context::resolve_lang(&store, env.lang_flag)?;
    let unit = division_arg(&store, under)?;
    let who = env.who(&store)?;
    let key = InstallationKey::load_or_create(&env.data_dir)?;
    let request = ExportRequest {
        under: &unit.code,
        round,
        exporter_name: &who,
        out,
    };
    let summary =
        export_bundle(&store, &key, &request, &mut |_| {}).map_err(|e| export_error(e, lang))?;
    let path = termsafe::path(&summary.path);
    let forms = summary.forms.join(", ");
    let forms = termsafe::escape(&forms);
    let fp = &summary.fingerprint;
    let (revisions, villages, reviews, resolutions, bytes) = (
        summary.revisions,
        summary.villages,
        summary.reviews,
        summary.resolutions,
        summary.file_bytes,
    );
    println!(
        "{}",
        pick(
            lang,
            format!(
                "{path}：{villages} 个村的 {revisions} 个版本，{reviews} 条审核，\
                 {resolutions} 条裁决，表单 {forms}；{bytes} 字节，已校验"
            ),
            format!(
                "{path}: {revisions} revision(s) of {villages} village(s), {reviews} review(s), \
                 {resolutions} resolution(s), form(s) {forms}; {bytes} bytes, verified"
            ),
        )
    );
    println!(
        "{}",
        pick(
            lang,
            format!("由本机密钥 {fp} 签名（接收方用 `ruralenv trust add` 核对）"),
            format!(
                "signed by this installation's key {fp} (the receiver checks it with \
                 `ruralenv trust add`)"
            ),
        )
    );
    if summary.drafts_left_out > 0 {
        let n = summary.drafts_left_out;
        let under = termsafe::escape(&summary.under);
        let name = sanitize_for_terminal(&summary.under_name);
        eprintln!(
            "{}",
            pick(
                lang,
                format!("注意：{under} {name} 下有 {n} 份草稿尚未定稿，没有导出"),
                format!(
                    "note: {n} draft(s) under {under} {name} are not finalized and were not \
                     exported"
                ),
            )
        );
    }
    Ok(())
}

/// An export refused, in the run's language (the file's name first where there is one).
fn export_error(e: ExportError, lang: Lang) -> anyhow::Error {
    if lang == Lang::En {
        return e.into();
    }
    let text = match &e {
        ExportError::Nothing {
            under,
            name,
            round,
            drafts,
        } => {
            let drafts = if *drafts == 0 {
                String::new()
            } else {
                format!("（那里有 {drafts} 份草稿须先定稿）")
            };
            format!(
                "没有可导出的内容：{} {} 下没有第 {} 轮已定稿的记录{drafts}；没有写出文件",
                termsafe::escape(under),
                sanitize_for_terminal(name),
                sanitize_for_terminal(round)
            )
        }
        ExportError::Bundle(b) => format!("{}：{}", termsafe::path(&b.path), b.kind.zh()),
        ExportError::Store(s) => format!("读取数据库以导出时出错：{s}"),
        _ => return e.into(),
    };
    anyhow::anyhow!(text)
}

/// Imports each file on its own (one bundle is all or nothing), reports each, and fails
/// at the end if any file was refused.
pub fn import(env: &Env, files: &[PathBuf]) -> anyhow::Result<()> {
    let mut store = env.open_store()?;
    let lang = crate::context::resolve_lang(&store, env.lang_flag)?;
    let mut refused = 0usize;
    let mut conflicts = false;
    import_bundles_each(
        &mut store,
        files,
        &mut |_, _| {},
        &mut |result| match result {
            Ok(summary) => {
                conflicts |= summary.forks > 0 || summary.duplicates > 0;
                println!("{}", describe(&summary, lang));
            }
            Err(e) => {
                refused += 1;
                eprintln!("ruralenv: {}", refusal(&e, lang));
            }
        },
    );
    if conflicts {
        println!(
            "{}",
            pick(
                lang,
                "有分叉或重复等待决定：见 `ruralenv conflicts`",
                "forks and duplicates await a decision: see `ruralenv conflicts`",
            )
        );
    }
    let total = files.len();
    match refused {
        0 => Ok(()),
        n if n == total && n == 1 => bail!(pick(
            lang,
            "数据包被拒绝".to_string(),
            "the bundle was refused".to_string()
        )),
        n if n == total => bail!(pick(
            lang,
            format!("{n} 个文件全部被拒绝"),
            format!("all {n} files were refused"),
        )),
        n => bail!(pick(
            lang,
            format!("{total} 个文件中有 {n} 个被拒绝；其余已导入"),
            format!("{n} of {total} files were refused; the others were imported"),
        )),
    }
}

/// Why a file was refused, for stderr: the file's name first, then the reason in the
/// run's language; for an untrusted key, the command that would trust it on its own line.
fn refusal(e: &ImportError, lang: Lang) -> String {
    let kind = e.kind();
    let path = match kind {
        ImportErrorKind::Bundle(b) => Some(&b.path),
        ImportErrorKind::UnknownKey { path, .. }
        | ImportErrorKind::OutOfScope { path, .. }
        | ImportErrorKind::ReusedId { path, .. }
        | ImportErrorKind::DemoIntoReal { path }
        | ImportErrorKind::RealIntoDemo { path }
        | ImportErrorKind::Fact { path, .. }
        | ImportErrorKind::Store { path, .. } => Some(path),
        #[allow(unreachable_patterns)]
        _ => None,
    };
    let Some(path) = path.filter(|_| lang == Lang::Zh) else {
        return sanitize_keep_lines(&e.to_string());
    };
    let mut text = format!("{}：{}", termsafe::path(path), kind.zh());
    if let Some(command) = kind.trust_add_command() {
        text.push_str(&format!(
            "。请先打电话与发送人核对指纹，然后运行：\n  {}",
            termsafe::escape(&command)
        ));
    }
    text
}

fn sanitize_keep_lines(s: &str) -> String {
    crate::forms::value::sanitize_for_terminal_keep_newlines(s)
}

/// One line per imported file.
pub fn describe(s: &ImportSummary, lang: Lang) -> String {
    let path = termsafe::path(&s.path);
    let name = sanitize_for_terminal(&s.trusted_name);
    let fp = &s.fingerprint;
    let scope = termsafe::escape(&s.trusted_scope);
    let from = pick(
        lang,
        format!("来自“{name}”（密钥 {fp}，信任范围 {scope}）"),
        format!("from \"{name}\" (key {fp}, trusted for {scope})"),
    );
    if s.already_imported {
        let id = termsafe::escape(&s.bundle_id);
        return pick(
            lang,
            format!("{path}：已经导入过（数据包 {id}），{from}；没有任何变化"),
            format!("{path}: already imported (bundle {id}) {from}; nothing changed"),
        );
    }
    let round = sanitize_for_terminal(&s.round);
    let (new, updated, unchanged, villages) = (
        s.revisions_new,
        s.revisions_updated,
        s.revisions_unchanged,
        s.villages,
    );
    let (forks, dups, reviews, resolutions) =
        (s.forks, s.duplicates, s.reviews_new, s.resolutions_new);
    let mut line = pick(
        lang,
        format!(
            "{path}：第 {round} 轮，{from}：{villages} 个村的版本新增 {new} 个、更新 {updated} 个、\
             未变 {unchanged} 个；分叉 {forks} 处、重复 {dups} 处；新增审核 {reviews} 条、\
             新增裁决 {resolutions} 条"
        ),
        format!(
            "{path}: round {round} {from}: {new} new, {updated} updated, {unchanged} unchanged \
             revision(s) of {villages} village(s); {forks} fork(s), {dups} duplicate(s); \
             {reviews} new review(s), {resolutions} new resolution(s)"
        ),
    );
    if s.forms_new > 0 {
        let n = s.forms_new;
        line.push_str(&pick(
            lang,
            format!("；新增表单版本 {n} 个"),
            format!("; {n} new form version(s)"),
        ));
    }
    line
}

pub fn conflicts(env: &Env, round: Option<&str>, format: ListFormat) -> anyhow::Result<()> {
    let store = env.open_store()?;
    let lang = crate::context::resolve_lang(&store, env.lang_flag)?;
    let list = store.conflict_details(round)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        ListFormat::Json => {
            let mut items = Vec::with_capacity(list.len());
            for c in &list {
                let name = store.division(&c.village_code)?.map(|d| d.name);
                let mut v = serde_json::to_value(c)?;
                v["village_name"] = serde_json::json!(name);
                items.push(v);
            }
            serde_json::to_writer_pretty(&mut out, &serde_json::json!({ "conflicts": items }))?;
            writeln!(out)?;
        }
        ListFormat::Table => {
            if list.is_empty() {
                writeln!(
                    out,
                    "{}",
                    pick(
                        lang,
                        "没有等待决定的分叉或重复",
                        "no forks or duplicates await a decision"
                    )
                )?;
            }
            for c in &list {
                let name = store
                    .division(&c.village_code)?
                    .map(|d| d.name)
                    .unwrap_or_default();
                let what = match (c.duplicate, c.fork) {
                    (true, true) => pick(lang, "重复记录，且有分叉", "duplicate records, forked"),
                    (true, false) => pick(lang, "重复记录", "duplicate records"),
                    _ => pick(lang, "版本分叉", "forked revision"),
                };
                let code = termsafe::escape(&c.village_code);
                let name = sanitize_for_terminal(&name);
                let round = sanitize_for_terminal(&c.round);
                let form = sanitize_for_terminal(&c.form_id);
                writeln!(
                    out,
                    "{}",
                    pick(
                        lang,
                        format!("{code} {name}  轮次 {round}  表单 {form}：{what}"),
                        format!("{code} {name}  round {round}  form {form}: {what}"),
                    )
                )?;
                for k in &c.candidates {
                    let mark = if k.counted { "*" } else { " " };
                    let id = sanitize_for_terminal(&k.record_id);
                    let rev = k.rev;
                    let hash = termsafe::escape(k.hash.get(..12).unwrap_or(&k.hash));
                    let at = sanitize_for_terminal(&k.finalized_at);
                    let by = sanitize_for_terminal(&k.finalized_by);
                    writeln!(
                        out,
                        "{}",
                        pick(
                            lang,
                            format!(
                                "  {mark} 记录 {id} 第 {rev} 版 哈希 {hash} 定稿于 {at}，由 {by}"
                            ),
                            format!(
                                "  {mark} record {id} rev {rev} hash {hash} finalized {at} by {by}"
                            ),
                        )
                    )?;
                }
            }
            if !list.is_empty() {
                writeln!(
                    out,
                    "{}",
                    pick(
                        lang,
                        "* = 暂时计入的那份（最近定稿的；由人在界面的冲突屏幕里决定）",
                        "* = counted for now (the latest finalized; a person decides in the TUI's \
                         conflicts screen)"
                    )
                )?;
            }
        }
    }
    out.flush()?;
    Ok(())
}
