//! The one string catalogue: every message the command line prints, each defined once in
//! both languages, with named parameters. Chinese is the default; `--lang en` gives
//! English for that run only.
//!
//! A message is a function `name(lang, params…) -> String`, declared with `catalogue!`,
//! whose Chinese and English texts sit side by side, so neither can be forgotten and a
//! missing parameter is a compile error. The TUI's words move here later (see the list of
//! directories in `tests/catalogue.rs`); key names inside messages come from the TUI's key
//! table (`key`), never written literally.
//!
//! Parameters arrive already made safe for the terminal (`sanitize_for_terminal`,
//! `termsafe`): the catalogue only places them.

pub use crate::forms::Lang;
use crate::register::Level;
use std::fmt::Display;

/// Declares catalogue messages: `fn name(param: Type, …) { zh: "…{param}…", en: "…" }`.
macro_rules! catalogue {
    ($(
        $(#[$meta:meta])*
        fn $name:ident ( $($arg:ident : $ty:ty),* $(,)? ) { zh: $zh:literal, en: $en:literal $(,)? }
    )*) => {
        $(
            $(#[$meta])*
            // A message takes every value it shows as a named parameter, however many.
            #[allow(clippy::too_many_arguments)]
            pub fn $name(lang: Lang, $($arg: $ty),*) -> String {
                match lang {
                    Lang::Zh => format!($zh),
                    Lang::En => format!($en),
                }
            }
        )*
    };
}

// The catalogue's parts, each a file under `src/i18n/`: the TUI's words by screen group, and
// the data layers' messages. Each uses `catalogue!` and `pick` from here.
pub mod data;
pub mod form_checks;
pub mod tui_county;
pub mod tui_exchange;
pub mod tui_keys;
pub mod tui_record;

/// One of two texts by language, for words that are not messages of their own (a level's
/// name, a yes/no cell). Prefer a `catalogue!` message.
pub fn pick<T>(lang: Lang, zh: T, en: T) -> T {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// Between the clauses of a sentence (`；` in Chinese).
pub fn clause_separator(lang: Lang) -> &'static str {
    pick(lang, "；", "; ")
}

/// Between the items of a list in a sentence.
pub fn list_separator(lang: Lang) -> &'static str {
    pick(lang, "、", ", ")
}

/// The name of an administrative level.
pub fn level(lang: Lang, level: Level) -> &'static str {
    match level {
        Level::Country => pick(lang, "全国", "country"),
        Level::Province => pick(lang, "省", "province"),
        Level::City => pick(lang, "市", "city"),
        Level::County => pick(lang, "县（区、市）", "county"),
        Level::Township => pick(lang, "乡镇（街道）", "township"),
        Level::Village => pick(lang, "村", "village"),
    }
}

/// How the TUI's key table writes the key of an action on a screen (e.g. `c` for the
/// conflicts on the home screen), so a message never names a key the table does not bind.
pub fn key(ctx: crate::tui::keys::Ctx, action: crate::tui::keys::Action) -> &'static str {
    crate::tui::keys::TABLE
        .iter()
        .find(|b| b.ctx == ctx && b.action == action)
        .map_or("?", |b| b.label)
}

/// A message in both languages at once, for what carries both (a validation issue is shown
/// in whichever language the screen speaks): `both(|l| message(l, …))`.
pub fn both(message: impl Fn(Lang) -> String) -> crate::forms::Text {
    crate::forms::Text::new(&message(Lang::Zh), &message(Lang::En))
}

/// A record's status as people read it (the TUI's `tui::text::status_label` moves here).
pub fn record_status(lang: Lang, s: crate::store::RecordStatus) -> &'static str {
    use crate::store::RecordStatus as S;
    match s {
        S::NotStarted => pick(lang, "未开始", "not started"),
        S::Draft => pick(lang, "草稿", "draft"),
        S::Finalized => pick(lang, "已完成", "finalized"),
        S::Approved => pick(lang, "已通过", "approved"),
        S::Returned => pick(lang, "已退回", "returned"),
        S::Conflict => pick(lang, "有冲突", "conflict"),
    }
}

/// A number of villages: "1 village", "2 villages", "2 个村".
pub fn villages(lang: Lang, n: usize) -> String {
    match (lang, n) {
        (Lang::Zh, n) => format!("{n} 个村"),
        (Lang::En, 1) => "1 village".to_string(),
        (Lang::En, n) => format!("{n} villages"),
    }
}

/// Yes or no, as `records show` prints a yes/no answer.
pub fn yes_no(lang: Lang, b: bool) -> &'static str {
    match (lang, b) {
        (Lang::Zh, true) => "是",
        (Lang::Zh, false) => "否",
        (Lang::En, true) => "yes",
        (Lang::En, false) => "no",
    }
}

// ---------------------------------------------------------------------------------------
// Usage and arguments
catalogue! {
    /// A `--round` outside 2000–2099.
    fn round_not_year(round: &str) {
        zh: "轮次“{round}”无效：轮次是 2000 至 2099 之间的四位年份，例如 2020",
        en: "round '{round}' is not valid: a round is a four-digit year from 2000 to 2099, e.g. 2020",
    }
    /// A `--round` not among the county's declared rounds (`rounds`: the list, joined).
    fn round_not_declared(round: &str, rounds: &str) {
        zh: "轮次“{round}”无效：本县表单规定的轮次为 {rounds}",
        en: "round '{round}' is not valid: the county's forms declare the rounds {rounds}",
    }
    /// An error about one option: `--round: …`.
    fn option_error(option: &str, message: &str) {
        zh: "{option}：{message}",
        en: "{option}: {message}",
    }
    fn round_characters(round: &str) {
        zh: "--round “{round}”：只能用字母、数字、“-”或“_”，例如 2020",
        en: "--round '{round}': use letters, digits, '-' or '_', e.g. 2020",
    }
    fn surveyor_control_chars() {
        zh: "--surveyor：名字中含有控制字符或看不见的格式字符；请不带这些字符重新输入",
        en: "--surveyor: the name contains control characters",
    }
    fn not_a_division_code(code: &str) {
        zh: "“{code}”不是 12 位区划代码（例如许昌市为 411000000000）",
        en: "'{code}' is not a 12-digit division code (e.g. 411000000000 for 许昌市)",
    }
    fn no_such_unit(code: &str) {
        zh: "{code}：区划名录里没有这个单位（见 `ruralenv divisions`）",
        en: "{code}: no such unit in the register (see `ruralenv divisions`)",
    }
    fn no_such_village(code: &str) {
        zh: "{code}：区划名录里没有这个村（见 `ruralenv divisions --level village`）",
        en: "{code}: no such village in the register (see `ruralenv divisions --level village`)",
    }
    /// `level`: from [`level`].
    fn not_a_village(code: &str, name: &str, level: &str) {
        zh: "{code}（{name}）是{level}，不是村",
        en: "{code} ({name}) is a {level}, not a village",
    }
    fn no_such_field(field: &str, form: &str) {
        zh: "--field {field}：表单“{form}”没有这个字段",
        en: "--field {field}: the form '{form}' has no such field",
    }
}

// ---------------------------------------------------------------------------------------
// Forms: check, install, list
catalogue! {
    fn form_ok(form: &str, fields: impl Display, indicators: impl Display) {
        zh: "通过：表单 {form}（{fields} 个字段，{indicators} 个指标）",
        en: "ok: form {form} ({fields} fields, {indicators} indicators)",
    }
    fn targets_ok(n: impl Display) {
        zh: "通过：{n} 个目标",
        en: "ok: {n} targets",
    }
    fn register_ok(name: &str) {
        zh: "通过：区划名录 {name}",
        en: "ok: register {name}",
    }
    fn forms_error_count(n: impl Display, dir: &str) {
        zh: "{dir} 中有 {n} 处错误（每行：文件:行: 字段: 原因）",
        en: "{n} error(s) in {dir}",
    }
    /// `--forms DIR` refused: the errors follow on their own lines.
    fn forms_invalid(dir: &str, errors: &str) {
        zh: "{dir} 中的表单有错误，什么也没有安装：\n{errors}",
        en: "the forms in {dir} have errors; nothing was installed:\n{errors}",
    }
    fn installed_forms_broken(dir: &str, errors: &str) {
        zh: "已安装的表单 {dir} 不能再载入（用 --forms DIR 安装改正后的表单）：\n{errors}",
        en: "the installed forms in {dir} no longer load (install corrected forms with --forms DIR):\n{errors}",
    }
    fn install_manifest_unreadable(path: &str, reason: &str) {
        zh: "{path}：已安装表单的清单无法读取：{reason}",
        en: "{path}: the installed forms' manifest is unreadable: {reason}",
    }
    fn install_io(path: &str, error: &str) {
        zh: "{path}：无法安装表单：{error}；什么也没有安装",
        en: "{path}: cannot install the forms: {error}; nothing was installed",
    }
    /// On stderr after `--forms DIR` installed something new.
    fn forms_installed(number: impl Display, dir: &str, forms: &str) {
        zh: "已安装 {dir} 中的表单（第 {number} 次安装：{forms}）；以后不带 --forms 也使用各表单的最新版本",
        en: "installed the forms from {dir} (install {number}: {forms}); later runs use the newest version of each form without --forms",
    }
    fn forms_list_installed(form: &str, number: impl Display, at: &str, dir: &str) {
        zh: "{form}  第 {number} 次安装，{at}，来自 {dir}",
        en: "{form}  install {number}, {at}, from {dir}",
    }
    fn forms_list_builtin(form: &str) {
        zh: "{form}  内置（随程序提供）",
        en: "{form}  built in (shipped with the program)",
    }
    /// Context of an error recording the forms in force in the database.
    fn forms_from(origin: &str) {
        zh: "表单来自 {origin}",
        en: "forms from {origin}",
    }
    fn forms_list_legend() {
        zh: "* = 正在使用的版本：新记录用它填写和校验；已有记录各自用填写时的版本",
        en: "* = the version in use: new records are filled and validated with it; each existing record keeps the version it was filled with",
    }
}

/// An error of installing or loading installed forms.
pub fn install_error(lang: Lang, e: &crate::forms::install::InstallError) -> String {
    use crate::forms::install::InstallError as E;
    use crate::forms::value::sanitize_for_terminal_keep_newlines as clean;
    let path = |p: &std::path::Path| crate::termsafe::path(p);
    match e {
        E::Invalid { dir, errors } => forms_invalid(lang, &path(dir), &clean(&errors.to_string())),
        E::Broken { dir, errors } => {
            installed_forms_broken(lang, &path(dir), &clean(&errors.to_string()))
        }
        E::Manifest { path: p, reason } => {
            install_manifest_unreadable(lang, &path(p), &clean(reason))
        }
        E::Io { path: p, error } => install_io(lang, &path(p), &error.to_string()),
    }
}

// ---------------------------------------------------------------------------------------
// Keys and trust
catalogue! {
    /// On stderr after `key show`'s two lines (stdout stays the key, then its fingerprint).
    fn key_show_legend() {
        zh: "第一行：本机公钥（对方用 `ruralenv trust add 公钥 --scope 代码` 信任它）；第二行：它的指纹（打电话核对用）",
        en: "line 1: this installation's public key (others trust it with `ruralenv trust add KEY --scope CODE`); line 2: its fingerprint (to compare by phone)",
    }
    fn unknown_fingerprint(text: &str) {
        zh: "没有哪个已信任的密钥的指纹是 {text}。新密钥要用完整的公钥添加（发送人机器上 `ruralenv key show` 的第一行）",
        en: "no trusted key has the fingerprint {text}. A new key must be added by its full public key (the first line of `ruralenv key show` on the sender's machine)",
    }
    fn not_a_key(text: &str) {
        zh: "“{text}”既不是公钥（64 个十六进制字符），也不是指纹（25 位数字）",
        en: "'{text}' is neither a public key (64 hex characters) nor a fingerprint (25 digits)",
    }
    fn trust_name_control_chars() {
        zh: "--name 含有控制字符或看不见的格式字符（例如从右到左的覆盖符）；请不带这些字符重新输入名称",
        en: "--name contains control or invisible formatting characters (such as a right-to-left override); type the name again without them",
    }
    fn trusted(fingerprint: &str, name: &str, code: &str, unit: &str) {
        zh: "已信任 {fingerprint}（{name}），范围 {code} {unit}",
        en: "trusted {fingerprint} ({name}) for {code} {unit}",
    }
    fn no_trusted_keys() {
        zh: "还没有信任任何密钥（用 `ruralenv trust add` 添加）",
        en: "no key is trusted yet (add one with `ruralenv trust add`)",
    }
    fn key_not_trusted() {
        zh: "本机没有信任这个密钥（见 `ruralenv trust list`）",
        en: "that key is not trusted here (see `ruralenv trust list`)",
    }
    fn key_removed(key: &str) {
        zh: "已移除 {key}",
        en: "removed {key}",
    }
}

// ---------------------------------------------------------------------------------------
// Export, import, conflicts
catalogue! {
    fn exported(path: &str, villages: impl Display, revisions: impl Display, reviews: impl Display, resolutions: impl Display, forms: &str, bytes: impl Display) {
        zh: "{path}：{villages} 个村的 {revisions} 个版本，{reviews} 条审核，{resolutions} 条裁决，表单 {forms}；{bytes} 字节，已校验",
        en: "{path}: {revisions} revision(s) of {villages} village(s), {reviews} review(s), {resolutions} resolution(s), form(s) {forms}; {bytes} bytes, verified",
    }
    fn signed_by(fingerprint: &str) {
        zh: "由本机密钥 {fingerprint} 签名（接收方用 `ruralenv trust add` 核对）",
        en: "signed by this installation's key {fingerprint} (the receiver checks it with `ruralenv trust add`)",
    }
    fn drafts_left_out(n: impl Display, code: &str, name: &str) {
        zh: "注意：{code} {name} 下有 {n} 份草稿尚未定稿，没有导出",
        en: "note: {n} draft(s) under {code} {name} are not finalized and were not exported",
    }
    fn nothing_to_export(code: &str, name: &str, round: &str) {
        zh: "没有可导出的内容：{code} {name} 下没有第 {round} 轮已定稿的记录；没有写出文件",
        en: "nothing to export: no finalized records under {code} {name} for round {round}; no file was written",
    }
    fn nothing_to_export_drafts(code: &str, name: &str, round: &str, drafts: impl Display) {
        zh: "没有可导出的内容：{code} {name} 下没有第 {round} 轮已定稿的记录（那里有 {drafts} 份草稿须先定稿）；没有写出文件",
        en: "nothing to export: no finalized records under {code} {name} for round {round} ({drafts} draft(s) there must be finalized first); no file was written",
    }
    /// A file's name, then what is wrong with it.
    fn file_problem(path: &str, reason: &str) {
        zh: "{path}：{reason}",
        en: "{path}: {reason}",
    }
    fn export_store_error(error: &str) {
        zh: "读取数据库以导出时出错：{error}",
        en: "cannot read the database for the export: {error}",
    }
    /// After an untrusted key's refusal: how to trust it.
    fn trust_hint(command: &str) {
        zh: "。请先打电话与发送人核对指纹，然后运行：\n  {command}",
        en: ". Compare the fingerprint with the sender by phone first, then run:\n  {command}",
    }
    fn conflicts_await() {
        zh: "有分叉或重复等待决定：见 `ruralenv conflicts`",
        en: "forks and duplicates await a decision: see `ruralenv conflicts`",
    }
    fn bundle_refused() {
        zh: "数据包被拒绝",
        en: "the bundle was refused",
    }
    fn all_files_refused(n: impl Display) {
        zh: "{n} 个文件全部被拒绝",
        en: "all {n} files were refused",
    }
    fn some_files_refused(n: impl Display, total: impl Display) {
        zh: "{total} 个文件中有 {n} 个被拒绝；其余已导入",
        en: "{n} of {total} files were refused; the others were imported",
    }
    fn bundle_from(name: &str, fingerprint: &str, scope: &str) {
        zh: "来自“{name}”（密钥 {fingerprint}，信任范围 {scope}）",
        en: "from \"{name}\" (key {fingerprint}, trusted for {scope})",
    }
    /// `from`: [`bundle_from`].
    fn already_imported(path: &str, bundle: &str, from: &str) {
        zh: "{path}：已经导入过（数据包 {bundle}），{from}；没有任何变化",
        en: "{path}: already imported (bundle {bundle}) {from}; nothing changed",
    }
    /// `from`: [`bundle_from`].
    fn imported(path: &str, round: &str, from: &str, villages: impl Display, new: impl Display, updated: impl Display, unchanged: impl Display, forks: impl Display, duplicates: impl Display, reviews: impl Display, resolutions: impl Display) {
        zh: "{path}：第 {round} 轮，{from}：{villages} 个村的版本新增 {new} 个、更新 {updated} 个、未变 {unchanged} 个；分叉 {forks} 处、重复 {duplicates} 处；新增审核 {reviews} 条、新增裁决 {resolutions} 条",
        en: "{path}: round {round} {from}: {new} new, {updated} updated, {unchanged} unchanged revision(s) of {villages} village(s); {forks} fork(s), {duplicates} duplicate(s); {reviews} new review(s), {resolutions} new resolution(s)",
    }
    fn new_form_versions(n: impl Display) {
        zh: "；新增表单版本 {n} 个",
        en: "; {n} new form version(s)",
    }
    fn no_conflicts() {
        zh: "没有等待决定的分叉或重复",
        en: "no forks or duplicates await a decision",
    }
    fn conflict_duplicate_forked() {
        zh: "重复记录，且有分叉",
        en: "duplicate records, forked",
    }
    fn conflict_duplicate() {
        zh: "重复记录",
        en: "duplicate records",
    }
    fn conflict_fork() {
        zh: "版本分叉",
        en: "forked revision",
    }
    fn conflict_line(code: &str, name: &str, round: &str, form: &str, what: &str) {
        zh: "{code} {name}  轮次 {round}  表单 {form}：{what}",
        en: "{code} {name}  round {round}  form {form}: {what}",
    }
    fn conflict_candidate(mark: &str, record: &str, rev: impl Display, hash: &str, at: &str, by: &str) {
        zh: "  {mark} 记录 {record} 第 {rev} 版 哈希 {hash} 定稿于 {at}，由 {by}",
        en: "  {mark} record {record} rev {rev} hash {hash} finalized {at} by {by}",
    }
    /// `key`: the home screen's conflicts key.
    fn conflicts_legend(key: &str) {
        zh: "* = 暂时计入的那份（最近定稿的；由人在界面的冲突屏幕里决定：主界面按 {key}）",
        en: "* = counted for now (the latest finalized; a person decides in the TUI's conflicts screen: {key} on the home screen)",
    }
}

// ---------------------------------------------------------------------------------------
// Report, demo, records
catalogue! {
    fn register_empty() {
        zh: "区划名录是空的：用 `ruralenv demo --register FILE` 载入一份，或放在 forms/divisions/ 下",
        en: "the register is empty: load one with `ruralenv demo --register FILE` or put it under forms/divisions/",
    }
    fn xlsx_needs_out() {
        zh: "--format xlsx 需要 --out FILE（工作簿不能输出到终端）",
        en: "--format xlsx needs --out FILE (a workbook cannot go to the terminal)",
    }
    fn cannot_write_workbook(path: &str) {
        zh: "{path}：无法写入工作簿",
        en: "{path}: cannot write the workbook",
    }
    fn wrote(path: &str) {
        zh: "已写入 {path}",
        en: "wrote {path}",
    }
    fn demo_into_real_data() {
        zh: "这个数据目录里有真实调查数据，演示数据不能放进来（什么也没有改）。请用一个空目录：ruralenv --data-dir 演示目录 demo …",
        en: "this data directory holds real survey data, so demo data cannot go into it (nothing was changed). Use an empty directory: ruralenv --data-dir DEMO_DIR demo …",
    }
    fn divisions_loaded(n: impl Display, path: &str, seconds: f64) {
        zh: "已从 {path} 载入 {n} 个区划（{seconds:.1} 秒）",
        en: "loaded {n} divisions from {path} ({seconds:.1} s)",
    }
    fn no_villages_in_scope_demo(code: &str, name: &str) {
        zh: "{code} {name}：下面没有调查范围内的村（见 `ruralenv divisions --under {code} --level village --in-scope`）",
        en: "{code} {name}: no villages in scope under it (see `ruralenv divisions --under {code} --level village --in-scope`)",
    }
    fn demo_progress(done: impl Display, total: impl Display) {
        zh: "… {done} / {total} 个村",
        en: "… {done} of {total} villages",
    }
    fn demo_done(round: &str, seed: impl Display, code: &str, name: &str, in_scope: impl Display, reported: impl Display, unreported: impl Display, records: impl Display, duplicates: impl Display, farms: impl Display, new: impl Display, unchanged: impl Display, other: &str, seconds: f64) {
        zh: "演示数据（不是真实调查）{round} 轮，种子 {seed}，{code} {name}：调查范围内 {in_scope} 个村，已报 {reported}，未报 {unreported}；{records} 条记录（重复 {duplicates}），{farms} 个养殖场；新增 {new}，未变 {unchanged}{other}（{seconds:.1} 秒）",
        en: "demo round {round}, seed {seed}, under {code} {name}: {in_scope} villages in scope, {reported} reported, {unreported} left unreported; {records} records ({duplicates} duplicates), {farms} farms; {new} new, {unchanged} unchanged{other} ({seconds:.1} s)",
    }
    /// Part of [`demo_done`]: records changed since an earlier run.
    fn demo_other(n: impl Display) {
        zh: "，另有 {n} 条（上次生成后改动过的记录）",
        en: ", {n} other (records changed since an earlier run)",
    }
    fn cannot_read(path: &str) {
        zh: "{path}：无法读取",
        en: "{path}: cannot read",
    }
    fn not_gzip_csv(path: &str) {
        zh: "{path}：不是 gzip 压缩的 UTF-8 CSV 文件",
        en: "{path}: not a gzip-compressed UTF-8 CSV",
    }
    fn not_utf8_or_gb18030(path: &str) {
        zh: "{path}：文件既不是 UTF-8 也不是 GB18030 文本；请在 Excel 中另存为“CSV UTF-8”",
        en: "{path}: the file is neither UTF-8 nor GB18030 text; save it from Excel as \"CSV UTF-8\"",
    }
    fn groups_need_out() {
        zh: "注意：重复组（养殖场）的行只在用 --out FILE 时写出，放在它旁边",
        en: "note: repeat-group rows (farms) are written only with --out FILE, beside it",
    }
    fn group_rows_to(path: &str) {
        zh: "，重复组的行写入 {path}",
        en: ", rows of groups to {path}",
    }
    /// `records import-csv | import-xlsx`: what one import stored.
    fn sheet_imported(
        file: &str,
        round: &str,
        villages: usize,
        new: usize,
        updated: usize,
        unchanged: usize,
    ) {
        zh: "{file}: {round} 年度 {villages} 个村：新增 {new}，更新 {updated}，未变 {unchanged}",
        en: "{file}: {villages} villages for round {round}: {new} new, {updated} updated, {unchanged} unchanged",
    }
    /// `records import-csv | import-xlsx`: unfilled template rows.
    fn sheet_rows_skipped(skipped: usize) {
        zh: "跳过了 {skipped} 个没有填写数据的行",
        en: "{skipped} row(s) without any values were skipped",
    }
    /// `groups`: [`group_rows_to`] for each group file; `villages`: [`villages`].
    fn wrote_villages(villages: &str, path: &str, groups: &str) {
        zh: "已将 {villages}写入 {path}{groups}",
        en: "wrote {villages} to {path}{groups}",
    }
    /// `villages`: [`villages`].
    fn wrote_workbook(path: &str, villages: &str, filled: impl Display) {
        zh: "已写入 {path}：{villages}，其中 {filled} 个有记录",
        en: "wrote {path}: {villages}, {filled} with records",
    }
    /// `villages`: [`villages`].
    fn wrote_template(path: &str, villages: &str) {
        zh: "已写入空白模板 {path}：{villages}，每村一行待填写",
        en: "wrote the blank template {path}: {villages}, one row each to fill in",
    }
    fn no_villages_in_scope(code: &str, name: &str) {
        zh: "{code}（{name}）下没有调查范围内的村",
        en: "{code} ({name}) has no villages in the survey scope",
    }
    fn no_records(code: &str, name: &str, round: &str) {
        zh: "{code} {name}：{round} 轮没有记录",
        en: "{code} {name}: no records for round {round}",
    }
    /// `latest`: [`record_latest`] or nothing.
    fn record_heading(code: &str, name: &str, round: &str, record: &str, status: &str, latest: &str) {
        zh: "{code} {name}  {round} 轮  记录 {record}  {status}{latest}",
        en: "{code} {name}  round {round}  record {record}  {status}{latest}",
    }
    fn record_latest(rev: impl Display, by: &str, at: &str) {
        zh: "  第 {rev} 版，{by}，{at}",
        en: "  rev {rev} by {by} at {at}",
    }
    fn record_returned(comment: &str) {
        zh: "  退回意见：{comment}",
        en: "  returned: {comment}",
    }
}

// ---------------------------------------------------------------------------------------
// Review and history
catalogue! {
    fn return_needs_comment() {
        zh: "--comment：退回必须写明原因，调查员会在记录历史中看到",
        en: "--comment: a return needs a comment saying why; the surveyor reads it in the record's history",
    }
    fn comment_control_chars() {
        zh: "--comment：意见中含有控制字符",
        en: "--comment: the comment contains control characters",
    }
    fn nothing_to_review(code: &str, name: &str, round: &str) {
        zh: "{code} {name}：{round} 轮没有已定稿的记录可审核",
        en: "{code} {name}: no finalized record for round {round} to review",
    }
    fn records_and_fork(n: impl Display) {
        zh: "{n} 条记录，且有分叉的版本",
        en: "{n} records and a forked revision",
    }
    fn duplicate_records(n: impl Display) {
        zh: "{n} 条重复记录",
        en: "{n} records (duplicates)",
    }
    fn a_fork() {
        zh: "同一版本有两个不同内容（分叉）",
        en: "two versions of one revision (a fork)",
    }
    /// `action`: [`approved`] or [`returned`].
    fn already_reviewed(code: &str, name: &str, rev: impl Display, action: &str, who: &str, at: &str) {
        zh: "{code} {name}：第 {rev} 版已于 {at} 由 {who} {action}，未作更改",
        en: "{code} {name}: revision {rev} was already {action} by {who} at {at}; nothing changed",
    }
    fn approved() {
        zh: "审核通过",
        en: "approved",
    }
    fn returned() {
        zh: "退回",
        en: "returned",
    }
    fn review_counts() {
        zh: "计入汇总",
        en: "it counts",
    }
    fn review_does_not_count() {
        zh: "重新定稿前不计入汇总",
        en: "it does not count until it is finalized again",
    }
    fn reviewed(code: &str, name: &str, round: &str, rev: impl Display, action: &str, who: &str, at: &str, counts: &str) {
        zh: "{code} {name}：{round} 轮第 {rev} 版已{action}（{who}，{at}）；{counts}",
        en: "{code} {name}: round {round} revision {rev} {action} ({who}, {at}); {counts}",
    }
    /// `key`: the home screen's conflicts key.
    fn review_in_conflict(code: &str, name: &str, round: &str, what: &str, key: &str) {
        zh: "{code} {name}：{round} 轮有冲突（{what}），不能审核。请先解决冲突：运行 ruralenv conflicts --round {round}，或在主界面按 {key} 选择计入的版本，再审核计入的版本",
        en: "{code} {name}: round {round} is in conflict ({what}) and cannot be reviewed yet. Resolve it first (ruralenv conflicts --round {round}, or {key} on the home screen), then review the version that counts",
    }
    fn history_changes(n: impl Display) {
        zh: "，改动 {n} 项",
        en: ", {n} field(s) changed",
    }
    /// `changes`: [`history_changes`] or nothing.
    fn history_finalized(at: &str, rev: impl Display, hash: &str, who: &str, changes: &str) {
        zh: "{at}  第 {rev} 版定稿（{hash}），{who}{changes}",
        en: "{at}  revision {rev} finalized ({hash}) by {who}{changes}",
    }
    fn history_comment(comment: &str) {
        zh: "：{comment}",
        en: ": {comment}",
    }
    /// `action`: [`approved`] or [`returned`]; `comment`: [`history_comment`] or nothing.
    fn history_reviewed(at: &str, rev: impl Display, action: &str, who: &str, comment: &str) {
        zh: "{at}  第 {rev} 版{action}，{who}{comment}",
        en: "{at}  revision {rev} {action} by {who}{comment}",
    }
    fn history_fork_resolved(at: &str, rev: impl Display, who: &str) {
        zh: "{at}  第 {rev} 版：{who}，在分叉的版本中选定此版本",
        en: "{at}  revision {rev}: {who} chose this version among forks",
    }
    fn history_duplicate_resolved(at: &str, rev: impl Display, who: &str) {
        zh: "{at}  第 {rev} 版：{who}，在重复记录中选定此记录",
        en: "{at}  revision {rev}: {who} chose this record among duplicates",
    }
}

// ---------------------------------------------------------------------------------------
// Values and validation (forms::record), shown by the TUI and the imports
catalogue! {
    fn value_control_chars() {
        zh: "含有控制字符，请删除后重新输入",
        en: "contains control characters; remove them",
    }
    fn value_not_whole_number(value: &str) {
        zh: "“{value}”不是整数，请输入如 120 的数字",
        en: "'{value}' is not a whole number; type digits such as 120",
    }
    fn value_not_number(value: &str) {
        zh: "“{value}”不是数字，小数请用点号，如 12.5",
        en: "'{value}' is not a number; use a dot for decimals, e.g. 12.5",
    }
    fn value_not_yes_no(value: &str) {
        zh: "“{value}”不是 是/否",
        en: "'{value}' is not yes or no",
    }
    fn value_not_date(value: &str) {
        zh: "“{value}”不是日期，请按 年-月-日 输入，如 2020-06-15",
        en: "'{value}' is not a date; use YYYY-MM-DD, e.g. 2020-06-15",
    }
    /// `choices`: the choice names, joined.
    fn value_not_a_choice(value: &str, choices: &str) {
        zh: "“{value}”不是可选项，可选：{choices}",
        en: "'{value}' is not a choice; choose one of: {choices}",
    }
    fn value_out_of_range(value: &str, max: &str) {
        zh: "“{value}”超出范围：应在 -{max} 到 {max} 之间",
        en: "{value} is out of range: it must be between -{max} and {max}",
    }
    fn value_wrong_type(value: &str, ty: &str) {
        zh: "值“{value}”不符合类型 {ty}",
        en: "value '{value}' does not fit type {ty}",
    }
    fn constraint_not_met() {
        zh: "不满足约束条件",
        en: "does not meet the constraint",
    }
    fn required() {
        zh: "必填项，请填写",
        en: "required: please answer",
    }
    fn at_most_rows(n: impl Display) {
        zh: "最多 {n} 行",
        en: "at most {n} rows",
    }
    /// A field of a repeat group's row, e.g. "规模养殖场 第2行 · 存栏/出栏数".
    fn group_row_field(group: &str, row: impl Display, field: &str) {
        zh: "{group} 第{row}行 · {field}",
        en: "{group} row {row} · {field}",
    }
    /// The section of a form file that declares none.
    fn default_section() {
        zh: "表单",
        en: "Form",
    }
}

// ---------------------------------------------------------------------------------------
// Spreadsheets in (`records import-csv | import-xlsx`, `sheets::*`) and files out (`output`)
catalogue! {
    /// `records import-*`: the file had errors (listed above it on stderr).
    fn import_refused(file: &str, problems: usize) {
        zh: "{file}: {problems} 个问题，没有导入任何数据。请改正后重新导入",
        en: "{file}: {problems} problem(s); nothing was imported. Fix them and run the import again",
    }
    fn group_spec_form(spec: &str) {
        zh: "--group {spec}：请写成 名称=文件，例如 farms=farms.csv",
        en: "--group {spec}: write it as NAME=FILE, e.g. farms=farms.csv",
    }
    /// `names`: the form's repeat groups, joined.
    fn group_spec_unknown(name: &str, names: &str) {
        zh: "--group {name}：表单没有名为“{name}”的重复组（有：{names}）",
        en: "--group {name}: the form has no repeat group '{name}' (it has: {names})",
    }
    /// The error list was cut.
    fn more_problems(more: usize, shown: usize) {
        zh: "……另有 {more} 个问题未列出（只列出前 {shown} 个）",
        en: "… and {more} more (only the first {shown} are listed)",
    }
    fn file_cannot_read(path: &str, error: impl Display) {
        zh: "{path}: 无法读取：{error}",
        en: "{path}: cannot read: {error}",
    }
    fn file_cannot_open(path: &str, error: impl Display) {
        zh: "{path}: 无法打开：{error}",
        en: "{path}: cannot open: {error}",
    }
    fn file_not_regular(path: &str) {
        zh: "{path}: 不是普通文件（设备、管道或目录），请先保存为文件再导入",
        en: "{path}: not a regular file (a device, pipe or directory); save the sheet as a file and import that",
    }
    fn file_too_large(path: &str, mb: u64, max_mb: u64) {
        zh: "{path}: 文件有 {mb} MB，超过了导入上限 {max_mb} MB（见 docs/limits.md），请拆分后分批导入",
        en: "{path}: the file is {mb} MB, more than the {max_mb} MB ruralenv imports (docs/limits.md); split it and import the parts",
    }
    /// Reading a CSV's first bytes failed (the file is named by the caller).
    fn csv_cannot_read(error: impl Display) {
        zh: "无法读取：{error}",
        en: "cannot read: {error}",
    }
    fn csv_row_too_long(start: usize, kb: u64) {
        zh: "第 {start} 行起的一行超过了 {kb} KB：很可能是引号 \" 没有闭合",
        en: "the row starting at line {start} runs over {kb} KB: a quote (\") is probably not closed",
    }
    fn csv_not_utf8_after_utf8(line: usize, first: usize) {
        zh: "第 {line} 行不是 UTF-8 编码，而前面的行（第 {first} 行起）是：文件混用了两种编码（常见于从另一个文件粘贴的单元格）。请在 Excel 中另存为“CSV UTF-8”，或重新输入第 {line} 行",
        en: "line {line} is not UTF-8 but the lines before it are (from line {first}): the file mixes encodings, as when a cell was pasted from another file. Save it from Excel as \"CSV UTF-8\" or retype line {line}",
    }
    fn csv_utf8_after_gb18030(line: usize, first: usize) {
        zh: "第 {line} 行是 UTF-8 编码，而前面的行（第 {first} 行起）是 GB18030：文件混用了两种编码。请在 Excel 中另存为“CSV UTF-8”，或重新输入第 {line} 行",
        en: "line {line} is UTF-8 but the lines before it are GB18030 (from line {first}): the file mixes encodings. Save it from Excel as \"CSV UTF-8\" or retype line {line}",
    }
    fn csv_not_text(line: usize) {
        zh: "第 {line} 行既不是 UTF-8 也不是 GB18030 文本；请在 Excel 中另存为“CSV UTF-8”",
        en: "line {line} is neither UTF-8 nor GB18030 text; save the file from Excel as \"CSV UTF-8\"",
    }
    fn csv_not_utf16(line: usize) {
        zh: "第 {line} 行不是有效的 UTF-16 文本；请在 Excel 中另存为“CSV UTF-8”",
        en: "line {line} is not valid UTF-16 text; save the file from Excel as \"CSV UTF-8\"",
    }
    fn csv_malformed(error: impl Display) {
        zh: "CSV 格式错误：{error}",
        en: "malformed CSV: {error}",
    }
    fn sheet_empty() {
        zh: "文件是空的：没有表头行",
        en: "the file is empty: no header row",
    }
    fn code_cell_not_code(cell: &str) {
        zh: "村代码单元格“{cell}”不是 12 位数字",
        en: "'{cell}' is not a 12-digit village code",
    }
    fn code_scientific(cell: &str) {
        zh: "“{cell}”是 Excel 改成科学计数法的代码，后几位已经丢失。请在 Excel 中把这一列设为“文本”格式（设置单元格格式 → 文本）后重新输入或粘贴 12 位代码，或改用 records template 生成的工作簿（代码列已是文本）",
        en: "'{cell}' is a code Excel changed into scientific notation; its last digits are lost. In Excel, format the column as Text (Format Cells → Text) and type or paste the 12-digit codes again, or fill the workbook from `records template`, whose code column is already text",
    }
    fn cell_excel_error(error: &str) {
        zh: "单元格是 Excel 错误值 {error}，请改为数值或留空",
        en: "the cell holds the Excel error {error}; enter a value or leave it empty",
    }
    fn cell_formula_without_value(formula: &str) {
        zh: "单元格是公式 ={formula}，但文件里没有它的计算结果：请在 Excel 或 WPS 中打开并保存一次，或直接填写数值",
        en: "the cell holds the formula ={formula} but the file has no computed value for it: open and save it once in Excel or WPS, or type the value",
    }
    /// A header naming no field of the form (`group`: None) or of a repeat group.
    fn column_not_a_field_of_form(column: usize, form: &str) {
        zh: "第 {column} 列不是表单“{form}”的字段（表头可用字段名或中文标签）",
        en: "column {column} is not a field of the form '{form}' (headers are field names or their labels)",
    }
    fn column_not_a_field_of_group(column: usize, group: &str) {
        zh: "第 {column} 列不是重复组“{group}”的字段（表头可用字段名或中文标签）",
        en: "column {column} is not a field of the repeat group '{group}' (headers are field names or their labels)",
    }
    fn column_repeated(column: usize, first: usize) {
        zh: "第 {column} 列与第 {first} 列是同一个字段；请删除其中一列",
        en: "column {column} repeats column {first} (the same field); delete one of them",
    }
    fn no_code_column() {
        zh: "没有村代码列：表头需要 village_code（或“村代码”）",
        en: "there is no village_code column (header village_code or 村代码)",
    }
    fn row_shorter_than_header(cells: usize, header: usize) {
        zh: "这一行有 {cells} 个单元格，表头有 {header} 个",
        en: "the row has {cells} cells but the header has {header}",
    }
    fn value_without_header(column: usize) {
        zh: "第 {column} 列没有表头，却填了值；请补上表头或删除这一列",
        en: "column {column} has a value but no header; add the header or delete the column",
    }
    fn village_twice(first: &str) {
        zh: "这个村在文件中出现了两次（先在 {first}）",
        en: "this village appears twice in the file (first at {first})",
    }
    fn too_many_group_rows(max: usize) {
        zh: "一个村最多 {max} 行（见 docs/limits.md）",
        en: "at most {max} rows per village (docs/limits.md)",
    }
    fn group_row_without_village(main: &str) {
        zh: "{main} 中没有这个村的行",
        en: "no row for this village in {main}",
    }
    fn not_a_village_code(code: &str) {
        zh: "“{code}”不是 12 位村代码",
        en: "'{code}' is not a 12-digit village code",
    }
    fn village_out_of_scope(name: &str, code: &str) {
        zh: "{name}（{code}）不在调查范围内（居委会等不在范围内的单位不接受数据）。县里可在 forms/divisions/ 下的区划文件中修改 in_scope 列来调整范围，再用 --forms 目录运行（见 README“Configuring a county”）",
        en: "{name} ({code}) is out of the survey scope (residents' committees and other units outside the scope take no records). A county changes the scope in the register file under forms/divisions/ (column in_scope) and runs with --forms DIR (README, \"Configuring a county\")",
    }
    /// `level`: [`level`].
    fn import_not_a_village(name: &str, level: &str) {
        zh: "{name} 是{level}，不是村",
        en: "{name} is a {level}, not a village",
    }
    fn code_not_in_register() {
        zh: "区划名录中没有这个代码",
        en: "not in the register",
    }
    fn cell_over_line_break() {
        zh: "这一行有单元格跨了多行：可能少了一个右引号 \"（单元格中不能换行）",
        en: "a cell of this row runs over a line break: a closing quote (\") is probably missing (cells cannot hold line breaks)",
    }
    fn calc_mismatch(given: impl Display, computed: impl Display) {
        zh: "计算字段的值 {given} 与计算结果 {computed} 不一致",
        en: "the column says {given} but the form calculates {computed}",
    }
    fn xlsx_cannot_read(path: &str, error: impl Display) {
        zh: "{path}: 无法读取：{error}",
        en: "{path}: cannot be read: {error}",
    }
    fn xlsx_unreadable(path: &str, error: impl Display) {
        zh: "{path}: 不是可读的 .xlsx 工作簿（{error}）；请在 Excel 或 WPS 中另存为 .xlsx",
        en: "{path}: not a readable .xlsx workbook ({error}); save it from Excel or WPS as .xlsx",
    }
    /// `sheets`: the workbook's sheets, joined.
    fn xlsx_no_village_sheet(path: &str, sheet: &str, sheets: &str) {
        zh: "{path}: 没有名为“{sheet}”的工作表（有：{sheets}）",
        en: "{path}: there is no sheet named {sheet} (it has: {sheets})",
    }
    fn xlsx_too_many_parts(path: &str, parts: usize, limit: usize) {
        zh: "{path}: 工作簿有 {parts} 个组成部分，超过上限 {limit}；这不是 Excel 或 WPS 保存的记录工作簿",
        en: "{path}: the workbook has {parts} parts, more than the limit of {limit}; it is not a records workbook saved by Excel or WPS",
    }
    fn xlsx_part_unreadable(path: &str, part: usize, error: impl Display) {
        zh: "{path}: 工作簿第 {part} 部分无法读取（{error}）；请在 Excel 或 WPS 中另存为 .xlsx",
        en: "{path}: part {part} of the workbook cannot be read ({error}); save it from Excel or WPS as .xlsx",
    }
    fn xlsx_part_cannot_inflate(path: &str, name: &str, error: impl Display) {
        zh: "{path}: 工作簿的 {name} 无法解压（{error}）；请在 Excel 或 WPS 中另存为 .xlsx",
        en: "{path}: the workbook's {name} cannot be inflated ({error}); save it from Excel or WPS as .xlsx",
    }
    fn xlsx_part_too_large(path: &str, name: &str, mib: u64) {
        zh: "{path}: 工作簿的 {name} 解压后超过 {mib} MiB，不导入（压缩文件可能被构造成“解压炸弹”）；请按乡镇拆分成较小的工作簿",
        en: "{path}: the workbook's {name} inflates to more than {mib} MiB and is not imported (a compressed file can be built to explode); split it into smaller workbooks, e.g. one per township",
    }
    /// The temporary database that holds an import's rows could not be opened.
    fn staging_failed(error: impl Display) {
        zh: "无法打开导入用的临时数据库：{error}",
        en: "cannot open a temporary staging database: {error}",
    }
    /// A sheet of a workbook that the reader cannot read.
    fn sheet_unreadable(error: impl Display) {
        zh: "这个工作表无法读取（{error}）；请在 Excel 或 WPS 中另存为 .xlsx",
        en: "the sheet cannot be read ({error}); save the workbook from Excel or WPS as .xlsx",
    }
    /// An imported village whose rows of a group not in the import (`groups`, joined),
    /// kept from the stored record, make it invalid.
    fn kept_rows_invalid(village: &str, groups: &str, reason: &str) {
        zh: "{village}：与已存的{groups}行（这次没有给出它们的文件）合起来不成立：{reason}",
        en: "{village}: with the {groups} rows already stored (no file for them was given): {reason}",
    }
    fn revision_exhausted(village: &str, rev: u32) {
        zh: "{village}：记录已是第 {rev} 版，是能有的最后一版，不能再修改",
        en: "{village}: the record is at revision {rev}, the last one there can be; it cannot take another edit",
    }
    /// `output::replace_file`: another program holds the file (Windows).
    fn file_held_open(path: &str) {
        zh: "{path}: 文件正被另一个程序（Excel/WPS？）打开；请关闭后重试",
        en: "{path}: the file is open in another program (Excel/WPS?); close it and try again",
    }
    fn cannot_write_in_folder(path: &str, error: &str) {
        zh: "{path}: 无法在这个文件夹中写入：{error}",
        en: "{path}: cannot write in this folder: {error}",
    }
    fn cannot_write_file(path: &str, error: &str) {
        zh: "{path}: 无法写入：{error}",
        en: "{path}: cannot write: {error}",
    }
}

/// What an OS error means, in `lang` for the common kinds (the OS's own text otherwise,
/// which the OS gives in English).
pub fn io_error(lang: Lang, e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let zh = match e.kind() {
        K::NotFound => "文件或文件夹不存在",
        K::PermissionDenied => "没有权限",
        K::IsADirectory => "这是一个文件夹",
        K::NotADirectory => "路径中有一部分不是文件夹",
        K::AlreadyExists => "已经存在",
        K::StorageFull => "磁盘已满",
        K::ReadOnlyFilesystem => "磁盘是只读的",
        _ => return e.to_string(),
    };
    match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => e.to_string(),
    }
}

/// A message in both languages as a pair `(zh, en)`, for code that decides the language
/// later (the file checks of `sheets`): `pair(|l| message(l, …))`.
pub fn pair(message: impl Fn(Lang) -> String) -> (String, String) {
    (message(Lang::Zh), message(Lang::En))
}

// ---------------------------------------------------------------------------------------
// `--help`: (command path, or "path/option id"; zh; en). The root is "".
const CLI_HELP: &[(&str, &str, &str)] = &[
    (
        "",
        "离线的县级农村人居环境整治调查",
        "Offline county-level rural living-environment surveys",
    ),
    (
        "/data_dir",
        "数据库和密钥所在的目录［默认：系统的数据目录］",
        "Where the database and keys live [default: the platform data directory]",
    ),
    (
        "/forms",
        "县里定制的表单目录（表单、目标、阈值、区划）：检查后安装到数据目录，以后不带此项也使用",
        "A customized forms directory (forms, targets, thresholds, divisions): checked, then installed into the data directory and used by later runs too",
    ),
    (
        "/lang",
        "界面和输出的语言，只对这一次运行有效（默认中文）",
        "Language of the UI and of the output, for this run only (Chinese by default)",
    ),
    (
        "/surveyor",
        "调查员姓名（跳过首次运行时的提问）",
        "The surveyor's name (skips the first-run question)",
    ),
    (
        "edit",
        "在界面中打开某村某轮的表单（可指定字段）",
        "Open the TUI on a village's form for a round (at a field)",
    ),
    (
        "edit/village_code",
        "村的 12 位代码",
        "The village's 12-digit code",
    ),
    ("edit/round", "轮次（如 2020）", "The round (e.g. 2020)"),
    ("edit/field", "打开时所在的字段名", "The field to open at"),
    (
        "forms",
        "检查表单文件；列出已安装的表单版本",
        "Check form and target files; list the installed form versions",
    ),
    (
        "forms check",
        "检查表单和目标文件；有错时列出文件、行和字段并以状态 1 退出",
        "Validate form and target files; exit 1 with file, line and field on error",
    ),
    (
        "forms check/dir",
        "表单目录（默认：内置表单）",
        "The forms directory (default: the built-in forms)",
    ),
    (
        "forms list",
        "已安装的表单版本和正在使用的版本（--forms DIR 安装）",
        "Installed form versions and the one in use (`--forms DIR` installs them)",
    ),
    (
        "divisions",
        "输出区划名录的“代码<TAB>名称”行",
        "Print `code<TAB>name` lines of the division register",
    ),
    (
        "divisions/under",
        "只列这个单位之下的",
        "Only the units under this one",
    ),
    ("divisions/level", "只列这一级", "Only this level"),
    (
        "divisions/in_scope",
        "只列调查范围内的村",
        "Only the villages in the survey scope",
    ),
    (
        "records",
        "批量导入、导出和查看记录",
        "Bulk-load, export and show records",
    ),
    (
        "records import-csv",
        "从 CSV（UTF-8 或 GB18030）批量导入已定稿的记录",
        "Bulk-load finalized records from CSV (UTF-8 or GB18030)",
    ),
    (
        "records import-csv/file",
        "村的 CSV 文件",
        "The villages' CSV file",
    ),
    (
        "records import-csv/round",
        "轮次（如 2020）",
        "The round (e.g. 2020)",
    ),
    (
        "records import-csv/groups",
        "重复组的行在单独的文件里，如 farms=farms.csv",
        "A repeat group's rows from their own file, e.g. farms=farms.csv",
    ),
    (
        "records export-csv",
        "把当前记录写成 CSV（UTF-8 带 BOM）；重复组写在 --out 旁边",
        "Write the current records as CSV (UTF-8 with BOM); groups go beside --out",
    ),
    (
        "records export-csv/round",
        "轮次（如 2020）",
        "The round (e.g. 2020)",
    ),
    (
        "records export-csv/under",
        "只导出这个单位之下的村",
        "Only the villages under this unit",
    ),
    (
        "records export-csv/out",
        "写到这个文件（默认：标准输出）",
        "Write to this file (default: standard output)",
    ),
    (
        "records export-csv/labels",
        "表头和选项：names 为字段名和代码（默认，供脚本读取）；zh 为表单的中文标签，并加上村和乡镇名称",
        "Headers and choices: names = field names and codes (the default, what scripts read); zh = the form's Chinese labels with village and township names",
    ),
    (
        "records template",
        "生成要填写的工作簿：“村”表（标签、字段名、调查范围内每村一行）、每个重复组一张表（养殖场）和“说明”",
        "A workbook to fill: sheet 村 (labels, field names, one row per village in scope), a sheet per repeat group (养殖场), and 说明",
    ),
    (
        "records template/under",
        "这个单位之下调查范围内的村",
        "The villages in scope under this unit",
    ),
    (
        "records template/round",
        "轮次（如 2020）",
        "The round (e.g. 2020)",
    ),
    (
        "records template/out",
        "要写的工作簿（.xlsx）",
        "The workbook to write (.xlsx)",
    ),
    (
        "records import-xlsx",
        "从按模板填写的工作簿批量导入已定稿的记录",
        "Bulk-load finalized records from a workbook in the template's layout",
    ),
    (
        "records import-xlsx/file",
        "工作簿（.xlsx）",
        "The workbook (.xlsx)",
    ),
    (
        "records import-xlsx/round",
        "轮次（如 2020）",
        "The round (e.g. 2020)",
    ),
    (
        "records export-xlsx",
        "按模板格式写出当前记录",
        "The template's layout filled with the current records",
    ),
    (
        "records export-xlsx/round",
        "轮次（如 2020）",
        "The round (e.g. 2020)",
    ),
    (
        "records export-xlsx/under",
        "只导出这个单位之下的村",
        "Only the villages under this unit",
    ),
    (
        "records export-xlsx/out",
        "要写的工作簿（.xlsx）",
        "The workbook to write (.xlsx)",
    ),
    (
        "records show",
        "某村的当前记录，包括草稿",
        "The current record(s) of a village, drafts included",
    ),
    (
        "records show/village_code",
        "村的 12 位代码",
        "The village's 12-digit code",
    ),
    (
        "records show/round",
        "轮次（如 2020）",
        "The round (e.g. 2020)",
    ),
    ("records show/format", "输出格式", "Output format"),
    ("key", "本机的签名密钥", "This installation's signing key"),
    (
        "key show",
        "第一行是公钥，第二行是它的指纹",
        "Public key on the first line, then its fingerprint",
    ),
    (
        "trust",
        "接受哪些密钥签名的数据包",
        "Keys whose bundles this installation accepts",
    ),
    (
        "trust add",
        "接受 KEY 签名的、CODE 之下各村的数据包",
        "Accept bundles signed by KEY for villages under CODE",
    ),
    (
        "trust add/key",
        "公钥（64 个十六进制字符）或已信任密钥的指纹",
        "A public key (64 hex characters) or a trusted key's fingerprint",
    ),
    (
        "trust add/scope",
        "这个密钥可以送来的区划范围",
        "The division this key may deliver villages under",
    ),
    (
        "trust add/name",
        "发送人的名称（默认：范围单位的名称）",
        "The sender's name (default: the scope unit's name)",
    ),
    (
        "trust list",
        "已信任的密钥：公钥、指纹、范围、名称",
        "Trusted keys: public key, fingerprint, scope, name",
    ),
    ("trust remove", "不再信任这个密钥", "Stop trusting this key"),
    (
        "trust remove/key",
        "公钥或指纹",
        "A public key or a fingerprint",
    ),
    (
        "export",
        "把某单位之下的记录写成签名的数据包",
        "Write a signed bundle of the records under a unit",
    ),
    (
        "export/under",
        "导出这个单位之下的记录",
        "Export the records under this unit",
    ),
    ("export/round", "轮次（如 2020）", "The round (e.g. 2020)"),
    ("export/out", "要写的数据包文件", "The bundle file to write"),
    (
        "import",
        "校验并合并数据包；列出改变了什么",
        "Verify and merge bundles; print what changed",
    ),
    ("import/files", "数据包文件", "Bundle files"),
    (
        "conflicts",
        "等待人来决定的分叉和重复",
        "Forks and duplicates awaiting a person",
    ),
    ("conflicts/round", "只列这一轮的", "Only this round"),
    ("conflicts/format", "输出格式", "Output format"),
    (
        "report",
        "按目标汇总一轮的数据",
        "Roll the round up against the targets",
    ),
    ("report/round", "轮次（如 2020）", "The round (e.g. 2020)"),
    (
        "report/under",
        "汇总这个单位（默认：名录的最高一级）",
        "The unit to roll up (default: the register's top units)",
    ),
    ("report/format", "输出格式", "Output format"),
    (
        "report/out",
        "写到这个文件（xlsx 必须给出）",
        "Write to this file (required for xlsx)",
    ),
    (
        "report/level",
        "列到这一级为止（village 时连村也列出）",
        "List units down to this level (villages too with `village`)",
    ),
    (
        "review",
        "审核通过或退回某村计入的记录（绑定所审核的版本）",
        "Approve or return a village's counted record (bound to the revision judged)",
    ),
    (
        "review approve",
        "审核通过某村记录中计入的版本",
        "Approve the counted revision of a village's record",
    ),
    (
        "review approve/village_code",
        "村的 12 位代码",
        "The village's 12-digit code",
    ),
    (
        "review approve/round",
        "轮次（如 2020）",
        "The round (e.g. 2020)",
    ),
    (
        "review return",
        "带意见退回给调查员；重新定稿前不计入汇总",
        "Return it to the surveyor with a comment; it stops counting until finalized again",
    ),
    (
        "review return/village_code",
        "村的 12 位代码",
        "The village's 12-digit code",
    ),
    (
        "review return/round",
        "轮次（如 2020）",
        "The round (e.g. 2020)",
    ),
    (
        "review return/comment",
        "退回的原因（必填）",
        "Why it is returned (required)",
    ),
    (
        "demo",
        "用逼真的合成记录填充数据目录",
        "Fill the data dir with realistic synthetic records",
    ),
    (
        "demo/under",
        "为这个单位之下的村生成",
        "Make records for the villages under this unit",
    ),
    ("demo/round", "轮次（如 2020）", "The round (e.g. 2020)"),
    (
        "demo/seed",
        "随机种子：同一种子生成同样的数据",
        "Random seed: the same seed makes the same data",
    ),
    (
        "demo/register",
        "另一份区划名录 CSV（如 henan-divisions.csv）",
        "Another register CSV (e.g. henan-divisions.csv)",
    ),
];

/// The `--help` text of a command (`"records show"`, the root is `""`) or of one of its
/// options (`"records show/round"`).
pub fn cli_help(lang: Lang, key: &str) -> Option<&'static str> {
    CLI_HELP
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, zh, en)| pick(lang, *zh, *en))
}

catalogue! {
    fn cli_long_about() {
        zh: "离线的县级农村人居环境整治调查。\n不带命令运行时打开终端界面（默认中文，--lang en 为英文）。",
        en: "Offline county-level rural living-environment surveys.\nRun with no command to open the terminal UI (Chinese by default, --lang en for English).",
    }
    fn cli_help_template() {
        zh: "{{about-with-newline}}\n用法：{{usage}}\n\n{{all-args}}{{after-help}}",
        en: "{{about-with-newline}}\n{{usage-heading}} {{usage}}\n\n{{all-args}}{{after-help}}",
    }
    /// Before clap's own (English) text of a usage error this catalogue has no words for.
    fn cli_usage_error() {
        zh: "ruralenv：命令行有误（下面是命令行解析器的英文说明；用法见 ruralenv --help）",
        en: "",
    }
    /// What an option's `--help` line adds: the values it takes, its default, the
    /// environment variable that can give it.
    fn cli_arg_values(values: &str) { zh: "可选：{values}", en: "possible values: {values}" }
    fn cli_arg_default(value: &str) { zh: "默认：{value}", en: "default: {value}" }
    fn cli_arg_env(name: &str) { zh: "也可由环境变量 {name} 给出", en: "env: {name}" }
    /// An option's help followed by those facts.
    fn cli_arg_help_with_facts(help: &str, facts: &str) { zh: "{help}［{facts}］", en: "{help} [{facts}]" }
    /// A usage error, said in the run's language (`cli::usage_error_text`).
    fn cli_err_head(what: &str) { zh: "ruralenv：命令行有误：{what}", en: "ruralenv: bad command line: {what}" }
    fn cli_err_invalid_value(arg: &str, value: &str) {
        zh: "{arg} 的值“{value}”无效",
        en: "invalid value '{value}' for {arg}",
    }
    fn cli_err_invalid_value_because(arg: &str, value: &str, reason: &str) {
        zh: "{arg} 的值“{value}”无效：{reason}",
        en: "invalid value '{value}' for {arg}: {reason}",
    }
    fn cli_err_value_missing(arg: &str) { zh: "{arg} 后面要给一个值", en: "{arg} needs a value" }
    fn cli_err_possible_values(values: &str) { zh: "可选的值：{values}", en: "possible values: {values}" }
    fn cli_err_unknown_argument(arg: &str) {
        zh: "不认识“{arg}”（不是这个命令的选项或参数）",
        en: "'{arg}' is not an option or argument of this command",
    }
    fn cli_err_unknown_command(name: &str) { zh: "没有“{name}”这个命令", en: "there is no command '{name}'" }
    fn cli_err_missing(args: &str) { zh: "缺少必须给出的：{args}", en: "missing: {args}" }
    fn cli_err_missing_command(name: &str) {
        zh: "“{name}”后面要跟一个命令",
        en: "'{name}' needs a command after it",
    }
    fn cli_err_commands(names: &str) { zh: "可用的命令：{names}", en: "commands: {names}" }
    fn cli_err_given_twice(arg: &str) { zh: "{arg} 只能给一次", en: "{arg} can be given only once" }
    fn cli_err_conflict(arg: &str, other: &str) {
        zh: "{arg} 不能和 {other} 一起用",
        en: "{arg} cannot be used with {other}",
    }
    fn cli_err_extra_value(arg: &str, value: &str) {
        zh: "{arg} 多出了一个值“{value}”",
        en: "unexpected value '{value}' for {arg}",
    }
    fn cli_err_value_count(arg: &str, expected: isize, given: isize) {
        zh: "{arg} 要给 {expected} 个值，实际给了 {given} 个",
        en: "{arg} takes {expected} values, {given} given",
    }
    fn cli_err_no_equals(arg: &str) { zh: "{arg} 的值要用等号给出（{arg}=…）", en: "{arg} needs its value after an equals sign ({arg}=…)" }
    fn cli_err_did_you_mean(what: &str) { zh: "是不是想用：{what}", en: "did you mean: {what}" }
    fn cli_err_usage(usage: &str) { zh: "用法：{usage}", en: "usage: {usage}" }
    /// Before the help clap shows when a command is given without its subcommand.
    fn cli_err_help_follows() { zh: "ruralenv：命令行有误：少了命令或参数，说明如下", en: "" }
    fn cli_err_more() { zh: "加上 --help 可以看到这个命令的说明。", en: "Add --help to see this command's help." }
}

pub fn cli_heading_options(lang: Lang) -> &'static str {
    pick(lang, "选项", "Options")
}
pub fn cli_heading_arguments(lang: Lang) -> &'static str {
    pick(lang, "参数", "Arguments")
}
pub fn cli_heading_commands(lang: Lang) -> &'static str {
    pick(lang, "命令", "Commands")
}
pub fn cli_value_command(lang: Lang) -> &'static str {
    pick(lang, "命令", "COMMAND")
}
pub fn cli_flag_help(lang: Lang) -> &'static str {
    pick(lang, "显示帮助", "Print help")
}
pub fn cli_flag_version(lang: Lang) -> &'static str {
    pick(lang, "显示版本", "Print version")
}
pub fn cli_help_subcommand(lang: Lang) -> &'static str {
    pick(
        lang,
        "显示本帮助或某个命令的帮助",
        "Print this message or the help of the given subcommand(s)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_place_their_parameters_in_both_languages() {
        for lang in [Lang::Zh, Lang::En] {
            let m = not_a_division_code(lang, "9999");
            assert!(m.contains("9999"), "{m}");
            let m = imported(lang, "a.renv", "2020", "from x", 3, 1, 2, 4, 5, 6, 7, 8);
            for part in [
                "a.renv", "2020", "from x", "3", "1", "2", "4", "5", "6", "7", "8",
            ] {
                assert!(m.contains(part), "{part} missing in {m}");
            }
        }
        assert!(not_a_division_code(Lang::Zh, "9").contains("不是"));
        assert_eq!(villages(Lang::En, 1), "1 village");
        assert_eq!(villages(Lang::En, 2), "2 villages");
        assert_eq!(
            wrote_villages(Lang::En, &villages(Lang::En, 1), "a.csv", ""),
            "wrote 1 village to a.csv"
        );
        assert_eq!(
            wrote_villages(Lang::Zh, &villages(Lang::Zh, 1), "a.csv", ""),
            "已将 1 个村写入 a.csv"
        );
        assert!(not_a_division_code(Lang::En, "9").contains("is not"));
    }

    #[test]
    fn os_errors_of_common_kinds_are_said_in_the_language() {
        let e = std::io::Error::from(std::io::ErrorKind::NotFound);
        assert_eq!(io_error(Lang::Zh, &e), "文件或文件夹不存在");
        assert_eq!(io_error(Lang::En, &e), e.to_string());
        let other = std::io::Error::other("odd");
        assert_eq!(io_error(Lang::Zh, &other), "odd");
    }

    #[test]
    fn key_names_come_from_the_key_table() {
        use crate::tui::keys::{Action, Ctx};
        let k = key(Ctx::Home, Action::Conflicts);
        assert_ne!(k, "?", "the home screen binds the conflicts key");
        assert!(conflicts_legend(Lang::Zh, k).contains(&format!("按 {k}")));
    }
}
