//! The TUI's words for exchange: import and export of bundles, file pickers, trusted keys, conflicts.
//!
//! Parameters arrive cleaned for the terminal; key names come from the key table
//! (`crate::i18n::key`) as parameters.

#[allow(unused_imports)]
use super::{Lang, pick};
use crate::tui::text::count;

/// Closing punctuation that never starts a wrapped line (the character before it goes down
/// with it).
pub const CLOSING_PUNCTUATION: &str = "，。、；：！？）”』」》";

/// The keys of a yes/no question (the confirm step), as a question names them: the first
/// key of each binding of the key table ("y", "n").
pub fn yes_no_keys() -> (&'static str, &'static str) {
    use crate::tui::keys::{Action, Ctx};
    let first = |label: &'static str| label.split('/').next().unwrap_or(label);
    (
        first(super::key(Ctx::Confirm, Action::Confirm)),
        first(super::key(Ctx::Confirm, Action::Cancel)),
    )
}

// ---------------------------------------------------------------------------------------
// Export and import: the file name, the picker's header, the job, its outcome

pub fn type_file_name(lang: Lang) -> &'static str {
    pick(lang, "请输入文件名", "Type a file name")
}
pub fn file_name_has_slash(lang: Lang) -> &'static str {
    pick(
        lang,
        "文件名不能含 / 或 \\；文件夹在上面的列表中选择",
        "A file name has no / or \\; pick the folder in the list",
    )
}
pub fn file_name_starts_with_dot(lang: Lang) -> &'static str {
    pick(
        lang,
        "文件名不能以 . 开头",
        "A file name cannot start with a dot",
    )
}
pub fn file_name_too_long(lang: Lang) -> &'static str {
    pick(lang, "文件名太长", "The file name is too long")
}
pub fn pick_a_place_first(lang: Lang) -> &'static str {
    pick(
        lang,
        "先选择一个位置（如 U 盘）",
        "Pick a place first (a USB stick, for example)",
    )
}
pub fn export_failed_notice(lang: Lang) -> &'static str {
    pick(
        lang,
        "导出失败，没有写入文件",
        "The export failed; no file was written",
    )
}
pub fn could_not_start(lang: Lang) -> &'static str {
    pick(
        lang,
        "✗ 无法开始，没有做任何更改",
        "✗ Could not start; nothing was changed",
    )
}
pub fn exported_title(lang: Lang) -> &'static str {
    pick(
        lang,
        "✓ 导出完成：写入后已重新读取并校验签名",
        "✓ Exported: read back and verified after writing",
    )
}
pub fn export_failed_title(lang: Lang) -> &'static str {
    pick(
        lang,
        "✗ 导出失败，没有写入文件",
        "✗ The export failed; no file was written",
    )
}
pub fn check_fingerprint_by_phone(lang: Lang) -> &'static str {
    pick(
        lang,
        "接收方添加信任时，请通过电话核对上面的签名指纹。",
        "The receiver checks this fingerprint with you by phone before trusting it.",
    )
}
/// The labels of the rows of an export's outcome.
pub fn label_file(lang: Lang) -> &'static str {
    pick(lang, "文件", "File")
}
pub fn label_unit(lang: Lang) -> &'static str {
    pick(lang, "单位", "Unit")
}
pub fn label_content(lang: Lang) -> &'static str {
    pick(lang, "内容", "Content")
}
pub fn label_forms(lang: Lang) -> &'static str {
    pick(lang, "表单", "Forms")
}
pub fn label_size(lang: Lang) -> &'static str {
    pick(lang, "大小", "Size")
}
pub fn label_fingerprint(lang: Lang) -> &'static str {
    pick(lang, "签名指纹", "Fingerprint")
}
pub fn forks_need_a_person(lang: Lang, key: &str) -> String {
    match lang {
        Lang::Zh => {
            format!("有村庄存在分叉或重复记录，需要人工选择计入哪个版本：回首页后按 {key} 处理。")
        }
        Lang::En => format!(
            "Some villages now have forks or duplicates that need a person's choice: press {key} on home."
        ),
    }
}
pub fn forks_await(lang: Lang) -> &'static str {
    pick(
        lang,
        "有分叉或重复的记录等待人工处理：见冲突处理界面，或运行 ruralenv conflicts",
        "Forks or duplicates await a person: see the conflicts screen, or run \
         ruralenv conflicts",
    )
}
pub fn untrusted_key_lead(lang: Lang) -> &'static str {
    pick(
        lang,
        "  签名密钥未被信任，它的指纹是：",
        "  Signed by a key this installation does not trust; its fingerprint:",
    )
}
pub fn unreadable_bundle(lang: Lang) -> &'static str {
    pick(
        lang,
        "无法读取：不是完好的数据包",
        "Cannot be read: not a sound bundle",
    )
}
pub fn one_job_at_a_time(lang: Lang) -> &'static str {
    pick(
        lang,
        "另一项导入或导出正在进行，请等它完成",
        "Another import or export is running; wait for it to finish",
    )
}
pub fn permission_denied(lang: Lang) -> &'static str {
    pick(lang, "没有读取权限", "permission denied")
}
pub fn folder_not_found(lang: Lang) -> &'static str {
    pick(
        lang,
        "不存在（U 盘是否已拔出？）",
        "it does not exist (was the USB stick removed?)",
    )
}
pub fn not_a_folder(lang: Lang) -> &'static str {
    pick(lang, "不是文件夹", "it is not a folder")
}
pub fn pick_a_place_hint(lang: Lang) -> &'static str {
    pick(lang, "（先选择一个位置）", "(pick a place first)")
}
pub fn save_to(lang: Lang) -> &'static str {
    pick(lang, "保存到：", "Save to: ")
}
pub fn file_name_label(lang: Lang) -> &'static str {
    pick(lang, "文件名：", "File name: ")
}
pub fn bundles_here_listed(lang: Lang) -> &'static str {
    pick(
        lang,
        "此处已有的数据包也列在下面；同名文件会先询问是否替换",
        "Bundles already here are listed below; a file of the same name is asked about",
    )
}
pub fn demo_data_suffix(lang: Lang) -> &'static str {
    pick(lang, " · 演示数据", " · demo data")
}
pub fn reading_and_checking(lang: Lang) -> &'static str {
    pick(lang, "正在读取、校验…", "reading and checking…")
}
pub fn all_files(lang: Lang) -> &'static str {
    pick(lang, "全部文件", "All files")
}
pub fn import_whole_or_nothing(lang: Lang) -> &'static str {
    pick(
        lang,
        "每个数据包要么全部导入，要么完全不导入；导入期间请勿拔出 U 盘。",
        "Each bundle goes in whole or not at all; keep the USB stick in.",
    )
}
pub fn export_written_safely(lang: Lang) -> &'static str {
    pick(
        lang,
        "先写入临时文件，同步到磁盘后改名，再读回校验；请勿拔出 U 盘。",
        "Written to a temporary file, synced, renamed, then read back; keep the USB in.",
    )
}

/// The library's Chinese reason when the database cannot be read during an export.
pub fn database_unreadable_zh(reason: &str) -> String {
    format!("无法读取数据库：{reason}")
}

catalogue! {
    /// Quit while a job runs? `yes`, `no`: the confirm keys.
    fn quit_while_running(yes: &str, no: &str) {
        zh: "仍在处理：现在退出？未完成的部分不保存，数据不会损坏。{yes} / {no}",
        en: "Still working: quit now? The unfinished part is not kept (no damage). {yes} / {no}",
    }
    fn cannot_open(dir: &str, why: &str) {
        zh: "无法打开 {dir}：{why}",
        en: "Cannot open {dir}: {why}",
    }
    fn cannot_open_line(dir: &str, why: &str) {
        zh: "✗ 无法打开 {dir}：{why}",
        en: "✗ Cannot open {dir}: {why}",
    }
    fn replace_existing(file: &str, yes: &str, no: &str) {
        zh: "已有同名文件，替换它？{yes} 替换 / {no} 取消：{file}",
        en: "Replace the existing file? {yes} / {no}: {file}",
    }
    fn exported_notice(path: &str) {
        zh: "已导出并校验：{path}",
        en: "Exported and verified: {path}",
    }
    fn import_finished_notice(imported: usize, already: usize, refused: usize) {
        zh: "导入完成：导入 {imported}，已导入过 {already}，拒绝 {refused}",
        en: "Import finished: {imported} imported, {already} already imported, {refused} refused",
    }
    fn unit_round(name: &str, code: &str, round: &str) {
        zh: "{name} {code} · {round} 轮",
        en: "{name} {code} · round {round}",
    }
    fn bytes(human: &str, bytes: u64) {
        zh: "{human}（{bytes} 字节）",
        en: "{human} ({bytes} bytes)",
    }
    fn export_reason(why: &str) {
        zh: "原因：{why}",
        en: "Why: {why}",
    }
    fn refusal_reason(why: &str) {
        zh: "  原因：{why}",
        en: "  Why: {why}",
    }
    fn already_imported(name: &str) {
        zh: "= {name}：已导入过，没有任何更改",
        en: "= {name}: already imported; nothing changed",
    }
    fn imported_file(name: &str, round: &str) {
        zh: "✓ {name}：已导入（{round} 轮）",
        en: "✓ {name}: imported (round {round})",
    }
    fn refused_file(name: &str) {
        zh: "✗ {name}：被拒绝，没有导入任何内容",
        en: "✗ {name}: refused; nothing was imported",
    }
    /// `key`: the outcome's trust key.
    fn refused_key_advice(name: &str, scope: &str, key: &str) {
        zh: "  数据包自称来自“{name}”，范围 {scope}。请先打电话与发送人核对指纹，然后按 {key} 在信任列表中添加此密钥（会再次显示指纹供核对），或运行：",
        en: "  The bundle says it comes from \"{name}\" for {scope}. Check the fingerprint with the sender by phone, then press {key} to add the key to the trust list (its fingerprint is shown again to compare), or run:",
    }
    /// `key`: home's round key.
    fn other_round_imported(list: &str, shown: &str, key: &str) {
        zh: "注意：导入的记录属于 {list} 轮，首页显示的是 {shown} 轮；在首页按 {key} 切换轮次。",
        en: "Note: the records imported are of round {list}; home shows round {shown}. Press {key} on home to switch.",
    }
    fn from_sender(name: &str, fingerprint: &str, scope: &str) {
        zh: "  来自“{name}”（密钥 {fingerprint}，信任范围 {scope}）",
        en: "  from \"{name}\" (key {fingerprint}, trusted for {scope})",
    }
    fn export_title(name: &str, code: &str, round: &str) {
        zh: "导出数据包 · {name} {code} · {round} 轮",
        en: "Export a bundle · {name} {code} · round {round}",
    }
    fn trusted_as(name: &str) {
        zh: "已信任（{name}）",
        en: "trusted ({name})",
    }
    fn key_not_trusted(fingerprint: &str) {
        zh: "未信任的密钥，指纹 {fingerprint}",
        en: "key not trusted, fingerprint {fingerprint}",
    }
    fn exporting(name: &str, code: &str) {
        zh: "正在导出 {name} {code} …",
        en: "Exporting {name} {code} …",
    }
    fn importing(file: usize, files: usize) {
        zh: "正在导入 · 文件 {file}/{files}",
        en: "Importing · file {file} of {files}",
    }
    fn facts_done(done: u64, total: u64) {
        zh: "{done} / {total} 条",
        en: "{done} / {total} facts",
    }
    /// `quit`, `force`: the keys that quit while a job runs.
    fn quitting_keeps_nothing(quit: &str, force: &str) {
        zh: "现在退出（{quit} 或 {force}）不会损坏数据，只是未完成的导入不保存。",
        en: "Quitting now ({quit} or {force}) damages nothing; the unfinished part is not kept.",
    }
    /// The import picker's line above the list: `all` shows every file, `up` goes up,
    /// `places` to the starting places.
    fn bundles_only_hint(all: &str, up: &str, places: &str) {
        zh: "只显示文件夹和 .renv 数据包（{all} 显示全部）· {up} 上级 · {places} 起始位置",
        en: "Folders and .renv bundles only ({all} for all) · {up}: up · {places}: places",
    }
    fn all_files_hint(all: &str, up: &str, places: &str) {
        zh: "显示全部文件（{all} 只显示数据包）· {up} 上级 · {places} 起始位置",
        en: "Every file ({all} for bundles only) · {up}: up · {places}: places",
    }
}

/// What an export holds.
pub fn export_content(
    lang: Lang,
    villages: u64,
    revisions: u64,
    reviews: u64,
    resolutions: u64,
) -> String {
    match lang {
        Lang::Zh => {
            format!("{villages} 个村的 {revisions} 条版本 · 审核 {reviews} · 处理 {resolutions}")
        }
        Lang::En => format!(
            "{} of {} · {} · {}",
            count(revisions, "revision"),
            count(villages, "village"),
            count(reviews, "review"),
            count(resolutions, "resolution")
        ),
    }
}

/// Drafts not finalized, so not exported.
pub fn drafts_left_out(lang: Lang, n: u64) -> String {
    match lang {
        Lang::Zh => format!("注意：还有 {n} 份草稿尚未完成，没有导出。"),
        Lang::En => format!(
            "Note: {} {} not finalized and {} not exported.",
            count(n, "draft"),
            if n == 1 { "is" } else { "are" },
            if n == 1 { "was" } else { "were" }
        ),
    }
}

/// Nothing finalized to export under a unit.
pub fn nothing_to_export(lang: Lang, name: &str, code: &str, round: &str, drafts: u64) -> String {
    match lang {
        Lang::Zh => {
            let drafts = if drafts > 0 {
                format!("（有 {drafts} 份草稿，需先完成）")
            } else {
                String::new()
            };
            format!("{name} {code} 在 {round} 轮没有已完成的记录{drafts}。")
        }
        Lang::En => {
            let drafts = if drafts > 0 {
                format!(" ({} must be finalized first)", count(drafts, "draft"))
            } else {
                String::new()
            };
            format!("{name} {code} has no finalized records in round {round}{drafts}.")
        }
    }
}

/// The first line of an import's outcome.
pub fn import_head(
    lang: Lang,
    files: usize,
    imported: usize,
    already: usize,
    refused: usize,
) -> String {
    match lang {
        Lang::Zh => format!(
            "导入完成：{files} 个文件 · 导入 {imported} · 已导入过 {already} · 拒绝 {refused}"
        ),
        Lang::En => format!(
            "Import finished: {} · {imported} imported · {already} already imported · {refused} refused",
            count(files, "file")
        ),
    }
}

/// Revisions over all files of an import.
pub fn import_sums(
    lang: Lang,
    new: u64,
    updated: u64,
    unchanged: u64,
    forks: u64,
    duplicates: u64,
) -> String {
    match lang {
        Lang::Zh => format!(
            "记录版本：新增 {new} · 更新 {updated} · 未变 {unchanged} · 分叉 {forks} · 重复 {duplicates}"
        ),
        Lang::En => format!(
            "Revisions: {new} new · {updated} updated · {unchanged} unchanged · {} · {}",
            count(forks, "fork"),
            count(duplicates, "duplicate")
        ),
    }
}

/// What one imported file brought.
#[allow(clippy::too_many_arguments)]
pub fn imported_counts(
    lang: Lang,
    villages: u64,
    new: u64,
    updated: u64,
    unchanged: u64,
    forks: u64,
    duplicates: u64,
    reviews: u64,
    resolutions: u64,
) -> String {
    match lang {
        Lang::Zh => format!(
            "  {villages} 个村：新增 {new} · 更新 {updated} · 未变 {unchanged} · 分叉 {forks} · 重复 {duplicates} · 审核 {reviews} · 处理 {resolutions}"
        ),
        Lang::En => format!(
            "  {}: {new} new · {updated} updated · {unchanged} unchanged · {} · {} · {} · {}",
            count(villages, "village"),
            count(forks, "fork"),
            count(duplicates, "duplicate"),
            count(reviews, "review"),
            count(resolutions, "resolution")
        ),
    }
}

/// The import picker's title: `mark`, `open`: its keys.
pub fn import_title(lang: Lang, marked: usize, mark: &str, open: &str) -> String {
    match (lang, marked) {
        (Lang::Zh, 0) => format!("导入数据包 · {mark} 选中文件，{open} 导入"),
        (Lang::Zh, n) => format!("导入数据包 · 已选 {n} 个文件，{open} 导入"),
        (Lang::En, 0) => format!("Import bundles · {mark} marks files, {open} imports"),
        (Lang::En, n) => format!(
            "Import bundles · {} marked, {open} imports",
            count(n, "file")
        ),
    }
}

/// What a bundle under the cursor says about itself; `trust` and `demo` from above.
pub fn about_bundle(
    lang: Lang,
    name: &str,
    scope: &str,
    round: &str,
    revisions: u64,
    trust: &str,
    demo: &str,
) -> String {
    match lang {
        Lang::Zh => {
            format!("来自 {name}（范围 {scope}）· {round} 轮 · {revisions} 条版本 · {trust}{demo}")
        }
        Lang::En => format!(
            "From {name} (scope {scope}) · round {round} · {} · {trust}{demo}",
            count(revisions, "revision")
        ),
    }
}

// ---------------------------------------------------------------------------------------
// Trusted keys: the list, adding one (with the fingerprint check), removing one

pub fn key_missing(lang: Lang) -> &'static str {
    pick(
        lang,
        "请粘贴或输入对方的公钥（对方 key show 的第一行，64 位）",
        "Paste or type the sender's public key (first line of their `key show`, 64 characters)",
    )
}
pub fn key_is_fingerprint(lang: Lang) -> &'static str {
    pick(
        lang,
        "这是指纹，不是公钥：添加需要完整公钥（64 位），指纹留作核对",
        "That is a fingerprint: adding needs the full public key (64 characters)",
    )
}
pub fn key_not_hex(lang: Lang) -> &'static str {
    pick(
        lang,
        "公钥只含 0-9 和 a-f",
        "A public key has only the characters 0-9 and a-f",
    )
}
pub fn key_invalid(lang: Lang) -> &'static str {
    pick(
        lang,
        "这不是有效的公钥（可能抄错了一位，请对照原文）",
        "Not a valid public key (a character may be mistyped)",
    )
}
pub fn key_own(lang: Lang) -> &'static str {
    pick(
        lang,
        "这是本机自己的公钥，无需信任",
        "That is this installation's own key: nothing to trust",
    )
}
pub fn scope_missing(lang: Lang) -> &'static str {
    pick(
        lang,
        "请输入范围代码（12 位，如乡镇 411003003000）",
        "Type the scope code (12 digits, e.g. a township 411003003000)",
    )
}
pub fn scope_format(lang: Lang) -> &'static str {
    pick(lang, "范围代码是 12 位数字", "A scope code is 12 digits")
}
pub fn scope_unknown(lang: Lang) -> &'static str {
    pick(
        lang,
        "名册中没有这个代码",
        "No unit has this code in the register",
    )
}
pub fn check_key_again(lang: Lang) -> &'static str {
    pick(
        lang,
        "未保存。请与对方重新核对公钥",
        "Nothing saved. Check the public key with the sender again",
    )
}
pub fn cancelled_nothing_saved(lang: Lang) -> &'static str {
    pick(lang, "已取消，未保存", "Cancelled, nothing saved")
}
pub fn nothing_to_remove(lang: Lang) -> &'static str {
    pick(lang, "没有可移除的密钥", "No trusted key to remove")
}
pub fn not_saved_prefix(lang: Lang) -> &'static str {
    pick(lang, "未保存：", "Not saved: ")
}
pub fn refused_invalid_key(lang: Lang) -> &'static str {
    pick(lang, "这不是有效的公钥", "That is not a valid public key")
}
pub fn refused_scope_unknown(lang: Lang) -> &'static str {
    pick(
        lang,
        "名册中没有这个范围代码",
        "The scope code is not in the register",
    )
}
pub fn refused_bad_name(lang: Lang) -> &'static str {
    pick(
        lang,
        "名称为空或含控制字符",
        "The name is empty or has control characters",
    )
}
pub fn key_was_not_trusted(lang: Lang) -> &'static str {
    pick(
        lang,
        "这个密钥本来就不在信任列表中",
        "That key was not trusted here",
    )
}
pub fn own_key_unreadable(lang: Lang) -> &'static str {
    pick(
        lang,
        "无法读取本机密钥：",
        "Cannot read this installation's key: ",
    )
}
pub fn no_data_directory(lang: Lang) -> &'static str {
    pick(lang, "找不到数据目录", "No data directory")
}
pub fn trust_title(lang: Lang) -> &'static str {
    pick(
        lang,
        "信任的密钥 · 只接收这些密钥签名的数据包，且只限其范围内的村",
        "Trusted keys · bundles are accepted only from these, for villages in their scope",
    )
}
pub fn own_public_key(lang: Lang) -> &'static str {
    pick(
        lang,
        "本机公钥（对方添加信任时需要，可整行发给对方）：",
        "This installation's public key (the other side needs it to trust you):",
    )
}
pub fn own_fingerprint(lang: Lang) -> &'static str {
    pick(
        lang,
        "本机指纹（电话中念给对方核对）：",
        "Fingerprint (read it to them over the phone): ",
    )
}
/// The trust list's column heads.
pub fn column_name(lang: Lang) -> &'static str {
    pick(lang, "名称", "name")
}
pub fn column_scope(lang: Lang) -> &'static str {
    pick(lang, "范围", "scope")
}
pub fn column_fingerprint(lang: Lang) -> &'static str {
    pick(lang, "指纹", "fingerprint")
}
pub fn column_added(lang: Lang) -> &'static str {
    pick(lang, "添加日期", "added")
}
pub fn not_in_register(lang: Lang) -> &'static str {
    pick(lang, "（名册中没有）", "(not in register)")
}
pub fn invalid_key(lang: Lang) -> &'static str {
    pick(lang, "（无效的密钥）", "(invalid key)")
}
/// The labels of a trusted key in full.
pub fn detail_name(lang: Lang) -> &'static str {
    pick(lang, "名称", "Name")
}
pub fn detail_scope(lang: Lang) -> &'static str {
    pick(lang, "范围", "Scope")
}
pub fn detail_fingerprint(lang: Lang) -> &'static str {
    pick(lang, "指纹", "Fingerprint")
}
pub fn detail_public_key(lang: Lang) -> &'static str {
    pick(lang, "公钥", "Public key")
}
pub fn detail_added(lang: Lang) -> &'static str {
    pick(lang, "添加", "Added")
}
pub fn add_title(lang: Lang) -> &'static str {
    pick(lang, "添加信任的密钥", "Trust a key")
}
pub fn add_key_label(lang: Lang) -> &'static str {
    pick(lang, "  公钥：", "  Public key: ")
}
pub fn add_key_hint(lang: Lang) -> &'static str {
    pick(
        lang,
        "对方 key show 的第一行（64 位，可直接粘贴）",
        "first line of the sender's `key show` (64 characters; paste it)",
    )
}
pub fn add_scope_label(lang: Lang) -> &'static str {
    pick(lang, "  范围代码：", "  Scope code: ")
}
pub fn add_scope_hint(lang: Lang) -> &'static str {
    pick(
        lang,
        "只接收此单位下的村（12 位代码，如乡镇）",
        "villages under this unit only (12 digits)",
    )
}
pub fn add_name_label(lang: Lang) -> &'static str {
    pick(lang, "  名称：", "  Name: ")
}
pub fn add_name_hint(lang: Lang) -> &'static str {
    pick(lang, "留空则用范围的名称", "empty: the scope's name")
}
pub fn check_title(lang: Lang) -> &'static str {
    pick(
        lang,
        "核对指纹 · 保存之前，请与发送方核对",
        "Check the fingerprint with the sender before saving",
    )
}
pub fn check_key_label(lang: Lang) -> &'static str {
    pick(lang, "  公钥：", "  Key: ")
}
pub fn check_fingerprint_label(lang: Lang) -> &'static str {
    pick(lang, "  指纹：", "  Fingerprint: ")
}
pub fn does_it_match(lang: Lang) -> &'static str {
    pick(
        lang,
        "  这与对方（如在电话中）念给您的指纹一致吗？",
        "  Does this match what the sender read to you?",
    )
}

catalogue! {
    fn key_length(n: usize) {
        zh: "公钥应为 64 位，现在是 {n} 位",
        en: "A public key has 64 characters; this has {n}",
    }
    /// `key`: the add form's confirm key.
    fn add_key_notice(key: &str) {
        zh: "粘贴对方 key show 的第一行（公钥），填范围代码和名称，按 {key} 核对指纹",
        en: "Paste the sender's key (line 1 of `key show`), the scope, a name; then {key}",
    }
    fn remove_key_question(name: &str, fingerprint: &str, yes: &str, no: &str) {
        zh: "不再信任「{name}」（指纹 {fingerprint}）？此后它的数据包将被拒收。{yes} 确定，{no} 取消",
        en: "Stop trusting \u{201c}{name}\u{201d} ({fingerprint})? Its bundles will be refused. {yes} / {no}",
    }
    fn trusted_notice(name: &str, fingerprint: &str) {
        zh: "已信任「{name}」，指纹 {fingerprint}",
        en: "Trusted \u{201c}{name}\u{201d}, fingerprint {fingerprint}",
    }
    fn import_again_question(name: &str, file: &str, yes: &str, no: &str) {
        zh: "已信任「{name}」。现在重新导入刚才被拒绝的 {file}？{yes} 导入 / {no} 不导入",
        en: "Trusted \u{201c}{name}\u{201d}. Import {file}, refused a moment ago, again now? {yes} import / {no} not now",
    }
    fn untrusted_notice(name: &str) {
        zh: "已不再信任「{name}」",
        en: "No longer trusted: \u{201c}{name}\u{201d}",
    }
    fn no_key_trusted_yet(key: &str) {
        zh: "  （还没有信任任何密钥：按 {key} 添加）",
        en: "  (no key is trusted yet: press {key} to add one)",
    }
    fn check_name_scope(name: &str, scope: &str, scope_name: &str) {
        zh: "  名称：{name}    范围：{scope} {scope_name}",
        en: "  Name: {name}    Scope: {scope} {scope_name}",
    }
    /// `yes`, `no`: the fingerprint check's keys.
    fn match_keys(yes: &str, no: &str) {
        zh: "  {yes} 一致，保存    {no} 不一致，返回修改（不保存）",
        en: "  {yes}: it matches, save    {no}: it does not, go back (nothing saved)",
    }
    fn key_replaces(name: &str, scope: &str) {
        zh: "  注意：此密钥已信任为「{name}」（范围 {scope}），保存将替换其名称和范围",
        en: "  Note: this key is trusted as \u{201c}{name}\u{201d} (scope {scope}); saving replaces them",
    }
}

/// Errors of the add form, counted.
pub fn to_correct(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Zh => format!("有 {n} 处需要改正，未保存"),
        Lang::En => format!("{} to correct; nothing saved", count(n, "thing")),
    }
}

/// The trust list's title.
pub fn keys_trusted(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Zh => format!("已信任 {n} 个密钥"),
        Lang::En => format!("{} trusted", count(n, "key")),
    }
}

// ---------------------------------------------------------------------------------------
// Conflicts: forks and duplicates, compared side by side

pub fn kind_duplicate_fork(lang: Lang) -> &'static str {
    pick(lang, "重复且分叉", "duplicate+fork")
}
pub fn kind_duplicate(lang: Lang) -> &'static str {
    pick(lang, "重复记录", "duplicate")
}
pub fn kind_fork(lang: Lang) -> &'static str {
    pick(lang, "版本分叉", "forked revision")
}
/// The conflicts list's column heads.
pub fn column_village(lang: Lang) -> &'static str {
    pick(lang, "村", "village")
}
pub fn column_code(lang: Lang) -> &'static str {
    pick(lang, "代码", "code")
}
pub fn column_kind(lang: Lang) -> &'static str {
    pick(lang, "类型", "kind")
}
pub fn column_versions(lang: Lang) -> &'static str {
    pick(lang, "版本", "vers.")
}
pub fn column_counted(lang: Lang) -> &'static str {
    pick(lang, "暂时计入（最后完成的）", "counted for now")
}
pub fn no_conflicts(lang: Lang) -> &'static str {
    pick(
        lang,
        "  （本轮没有待处理的冲突）",
        "  (no forks or duplicates await a decision in this round)",
    )
}
pub fn counted_now(lang: Lang) -> &'static str {
    pick(lang, "（暂时计入）", " (counted now)")
}
pub fn left(lang: Lang) -> &'static str {
    pick(lang, "左", "Left")
}
pub fn right(lang: Lang) -> &'static str {
    pick(lang, "右", "Right")
}
/// The side chosen, inside the question.
pub fn left_side(lang: Lang) -> &'static str {
    pick(lang, "左侧", "left")
}
pub fn right_side(lang: Lang) -> &'static str {
    pick(lang, "右侧", "right")
}
pub fn meta_record(lang: Lang) -> &'static str {
    pick(lang, "记录", "record")
}
pub fn meta_finalized_by(lang: Lang) -> &'static str {
    pick(lang, "完成人", "finalized by")
}
pub fn meta_finalized_at(lang: Lang) -> &'static str {
    pick(lang, "完成时间", "finalized at")
}
pub fn same_content(lang: Lang) -> &'static str {
    pick(
        lang,
        "  两个版本的内容相同（只是记录或完成人、时间不同）",
        "  Both versions say the same (only the record, who or when differ)",
    )
}
pub fn other_fields(lang: Lang) -> &'static str {
    pick(lang, "其他", "Other")
}
pub fn only_one_version(lang: Lang) -> &'static str {
    pick(
        lang,
        "只有一个版本，无需选择",
        "There is only one version: nothing to choose",
    )
}
pub fn already_resolved(lang: Lang) -> &'static str {
    pick(
        lang,
        "这个冲突已经解决了",
        "This conflict has been resolved already",
    )
}

catalogue! {
    fn kind_versions(kind: &str, n: usize) {
        zh: "{kind} · {n} 个版本",
        en: "{kind} · {n} versions",
    }
    fn pick_true_version(record: &str) {
        zh: "计入记录已定；请选记录 …{record} 的真实版本",
        en: "pick the true version of record …{record}",
    }
    fn compare_title(name: &str, code: &str, round: &str, what: &str) {
        zh: "{name} {code} · {round} 轮 · {what}",
        en: "{name} {code} · round {round} · {what}",
    }
    /// `key`: the key to the next version on the right.
    fn right_of(pos: usize, others: usize, counted: &str, key: &str) {
        zh: "右 {pos}/{others}{counted}（{key} 换）",
        en: "Right {pos}/{others}{counted} ({key}: next)",
    }
    fn record_rev(record: &str, rev: u32, hash: &str) {
        zh: "…{record} 第{rev}版 #{hash}",
        en: "…{record} rev {rev} #{hash}",
    }
    fn keep_side_question(side: &str, record: &str, rev: u32, who: &str, date: &str, yes: &str, no: &str) {
        zh: "以{side}版本为准（记录 {record} 第 {rev} 版，{who} {date}）？{yes} 确定，{no} 取消",
        en: "Keep the {side} version (record {record} rev {rev}, {who} {date})? {yes} / {no}",
    }
    fn choose_again(name: &str) {
        zh: "已记录选择；{name}的另一条记录有几个版本，请再选出其真实版本",
        en: "Choice recorded; another record of {name} still has forked versions: choose among them too",
    }
    fn resolved_notice(name: &str) {
        zh: "已解决：{name}，选择已记录（随以后导出的数据包传递）",
        en: "Resolved: {name}; the choice is recorded and travels in later bundles",
    }
}

/// The conflicts list's title.
pub fn conflicts_title(lang: Lang, round: &str, n: usize) -> String {
    match lang {
        Lang::Zh => format!("冲突 · {round} 轮 · {n} 个村待人工选择计入哪个版本"),
        Lang::En => format!(
            "Conflicts · round {round} · {} {} a choice of the version that counts",
            count(n, "village"),
            if n == 1 { "awaits" } else { "await" }
        ),
    }
}

/// A number of rows of a table, compared.
pub fn rows(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Zh => format!("{n} 行"),
        Lang::En => count(n, "row"),
    }
}

/// The line above the compared rows: how many differ, which lines are shown; `key`
/// switches between the differences only and everything.
pub fn compare_summary(
    lang: Lang,
    differing: usize,
    diff_only: bool,
    key: &str,
    first: usize,
    last: usize,
    total: usize,
) -> String {
    match lang {
        Lang::Zh => {
            let mode = if diff_only {
                format!("（只看不同，{key} 显示全部）")
            } else {
                format!("（{key} 只看不同）")
            };
            format!("── {differing} 项不同{mode} · 第 {first}–{last} 行，共 {total} 行 ──")
        }
        Lang::En => {
            let mode = if diff_only {
                format!(" (only these; {key}: all)")
            } else {
                format!(" ({key}: only these)")
            };
            format!("── {differing} differ{mode} · lines {first}–{last} of {total} ──")
        }
    }
}

// ---------------------------------------------------------------------------------------
// The file picker

pub fn place_removable(lang: Lang) -> &'static str {
    pick(lang, "移动存储", "USB")
}
pub fn place_folder(lang: Lang) -> &'static str {
    pick(lang, "常用文件夹", "Folder")
}
pub fn place_home(lang: Lang) -> &'static str {
    pick(lang, "主目录", "Home")
}
pub fn place_current(lang: Lang) -> &'static str {
    pick(lang, "当前文件夹", "Current")
}
pub fn place_drive(lang: Lang) -> &'static str {
    pick(lang, "本地磁盘", "Drive")
}
pub fn places_line(lang: Lang) -> &'static str {
    pick(
        lang,
        "起始位置：U 盘等移动存储、主目录、当前文件夹",
        "Places: USB sticks and other removable media, home, current folder",
    )
}
pub fn empty_folder(lang: Lang) -> &'static str {
    pick(lang, "  （空文件夹）", "  (empty folder)")
}

catalogue! {
    /// `key`: the picker's refresh key.
    fn no_places(key: &str) {
        zh: "  没有找到 U 盘或主目录。插入 U 盘后按 {key} 刷新。",
        en: "  No USB stick or home folder found. Plug one in, then {key}.",
    }
    /// `key`: the picker's key that shows every file.
    fn no_bundles_here(key: &str) {
        zh: "  （没有文件夹或 .renv 数据包；按 {key} 显示全部文件）",
        en: "  (no folders or .renv bundles here; {key} shows every file)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::key;
    use crate::tui::keys::{Action, Ctx};

    #[test]
    fn messages_name_the_keys_of_the_table() {
        assert_eq!(yes_no_keys(), ("y", "n"));
        let (yes, no) = yes_no_keys();
        assert!(
            replace_existing(Lang::Zh, "a.renv", yes, no).contains("y 替换 / n 取消"),
            "{}",
            replace_existing(Lang::Zh, "a.renv", yes, no)
        );
        let hint = forks_need_a_person(Lang::Zh, key(Ctx::Home, Action::Conflicts));
        assert!(hint.contains("回首页后按 c 处理"), "{hint}");
        let advice = refused_key_advice(
            Lang::En,
            "王五",
            "411003101000",
            key(Ctx::Outcome, Action::Trust),
        );
        assert!(advice.contains("press t to add the key"), "{advice}");
        let round = other_round_imported(Lang::Zh, "2021", "2020", key(Ctx::Home, Action::Round));
        assert!(round.contains("在首页按 r 切换轮次"), "{round}");
        let (all, up, places) = (
            key(Ctx::Picker, Action::ShowAll),
            key(Ctx::Picker, Action::Parent),
            key(Ctx::Picker, Action::Places),
        );
        assert_eq!(
            bundles_only_hint(Lang::En, all, up, places),
            "Folders and .renv bundles only (. for all) · Bksp: up · p: places"
        );
        let summary = compare_summary(
            Lang::Zh,
            3,
            false,
            key(Ctx::Compare, Action::DiffOnly),
            1,
            10,
            20,
        );
        assert_eq!(
            summary,
            "── 3 项不同（d 只看不同） · 第 1–10 行，共 20 行 ──"
        );
        let none = no_places(Lang::Zh, key(Ctx::Picker, Action::Refresh));
        assert!(none.contains("按 F5 刷新"), "{none}");
    }

    #[test]
    fn english_counts_say_one_without_a_plural() {
        assert_eq!(
            drafts_left_out(Lang::En, 1),
            "Note: 1 draft is not finalized and was not exported."
        );
        assert_eq!(
            drafts_left_out(Lang::En, 2),
            "Note: 2 drafts are not finalized and were not exported."
        );
        assert_eq!(
            import_title(Lang::En, 1, "Space", "Enter"),
            "Import bundles · 1 file marked, Enter imports"
        );
        assert_eq!(keys_trusted(Lang::En, 1), "1 key trusted");
        assert_eq!(keys_trusted(Lang::Zh, 2), "已信任 2 个密钥");
        assert_eq!(
            conflicts_title(Lang::En, "2020", 1),
            "Conflicts · round 2020 · 1 village awaits a choice of the version that counts"
        );
    }
}
