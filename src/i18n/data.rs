//! Messages of the data layers: bundle files and their import, the store, reports, demo data.

#[allow(unused_imports)]
use super::{Lang, pick};
use std::fmt::Display;

// ---------------------------------------------------------------------------------------
// A fact refused for a technical reason meant for whoever wrote the software that made the
// bundle (a malformed hash, a control character): the detail stays in the words of the
// check that found it, after a label in the run's language.
catalogue! {
    fn bundle_fact_malformed(detail: &str) {
        zh: "内容不合格式（制作数据包的软件有误；技术细节：{detail}）",
        en: "{detail}",
    }
}

// ---------------------------------------------------------------------------------------
// Bundle files (`bundle::format::BundleErrorKind`): what is wrong with a file, said to the
// person who handed it over.
catalogue! {
    /// `action`: from [`io_action`]; `error`: from `i18n::io_error`.
    fn bundle_io(action: &str, error: &str) {
        zh: "无法{action}：{error}",
        en: "cannot {action}: {error}",
    }
    fn bundle_not_a_file() {
        zh: "这不是文件（是文件夹或设备）",
        en: "this is not a file (it is a folder or a device)",
    }
    fn bundle_file_too_large(size: impl Display, max: impl Display) {
        zh: "文件太大，不是数据包（{size} 字节，上限 {max}）",
        en: "the file is too large for a bundle ({size} bytes; the limit is {max})",
    }
    fn bundle_file_too_small(size: impl Display) {
        zh: "文件太短（{size} 字节）：不完整，或者不是 ruralenv 数据包",
        en: "the file is too short to be a ruralenv bundle ({size} bytes); it is truncated or not a bundle",
    }
    fn bundle_wrong_magic() {
        zh: "这不是 ruralenv 数据包（文件开头不是 RENVBNDL）",
        en: "not a ruralenv bundle (wrong magic: it does not start with RENVBNDL)",
    }
    fn bundle_newer_format(version: impl Display) {
        zh: "由更新版本的 ruralenv 制作（格式 {version}）：请先升级 ruralenv",
        en: "made by a newer version (format {version}); update ruralenv to read it",
    }
    fn bundle_unknown_format(version: impl Display) {
        zh: "未知的数据包格式 {version}：文件已损坏",
        en: "unknown bundle format {version}; the file is damaged",
    }
    fn bundle_truncated(expected: impl Display, found: impl Display) {
        zh: "文件不完整（应有 {expected} 字节，只有 {found}）：可能拷贝未完成或 U 盘拔出过早，请重新拷贝",
        en: "the file is truncated (expected {expected} bytes, found {found})",
    }
    fn bundle_trailing_bytes(expected: impl Display, found: impl Display) {
        zh: "文件末尾多出数据（应有 {expected} 字节，实有 {found}）：文件已损坏或被改动",
        en: "the file has extra bytes at the end (expected {expected} bytes, found {found}); it was damaged or altered",
    }
    fn bundle_impossible_length() {
        zh: "文件已损坏：文件头中的长度不可能成立",
        en: "the file is damaged: its header gives an impossible length",
    }
    fn bundle_bad_signer_key() {
        zh: "文件中记录的签名密钥无效：文件已损坏或是伪造的",
        en: "the signer's key recorded in the file is not a valid key: the file is damaged or forged",
    }
    fn bundle_bad_signature() {
        zh: "签名不符：文件在签名之后被改动过，或已损坏。请向发送人重新要一份",
        en: "signature does not match: the file was changed after it was signed or is damaged",
    }
    fn bundle_manifest_too_large(size: impl Display, max: impl Display) {
        zh: "清单太大（{size} 字节，上限 {max}）：制作数据包的软件有误",
        en: "the manifest is too large ({size} bytes; the limit is {max}); the bundle was made by faulty software",
    }
    fn bundle_bad_manifest(reason: &str) {
        zh: "清单无效（{reason}）：制作数据包的软件有误",
        en: "the manifest is invalid ({reason}); the bundle was made by faulty software",
    }
    fn bundle_payload_too_large(max: impl Display) {
        zh: "数据解压后超过 {max} 字节，拒绝解压（可能是压缩炸弹，或导出范围太大：请按较小的单位导出）",
        en: "the data expands to more than {max} bytes; refusing to unpack it (it may be a decompression bomb, or the export is too large: export a smaller area)",
    }
    fn bundle_fact_too_long(fact: impl Display, max: impl Display) {
        zh: "第 {fact} 条数据超过 {max} 字节，拒绝（制作数据包的软件有误）",
        en: "fact {fact} is longer than {max} bytes; refusing it (the bundle was made by faulty software)",
    }
    fn bundle_too_many_facts(max: impl Display) {
        zh: "数据包中的数据超过 {max} 条，拒绝（请按较小的单位导出）",
        en: "the bundle holds more than {max} facts; refusing it (export a smaller area)",
    }
    fn bundle_bad_payload(reason: &str) {
        zh: "压缩数据已损坏（{reason}）：制作数据包的软件有误",
        en: "the compressed data is damaged ({reason}); the bundle was made by faulty software",
    }
    fn bundle_bad_fact(fact: impl Display, reason: &str) {
        zh: "第 {fact} 条数据不是有效的 JSON（{reason}）：制作数据包的软件有误",
        en: "fact {fact} is not valid JSON ({reason}); the bundle was made by faulty software",
    }
    fn bundle_payload_hash_mismatch() {
        zh: "数据与清单中的校验和不符：制作数据包的软件有误",
        en: "the data does not match the checksum in the manifest; the bundle was made by faulty software",
    }
    fn bundle_fact_count_mismatch(declared: impl Display, found: impl Display) {
        zh: "清单写明 {declared} 条数据，实际有 {found} 条：制作数据包的软件有误",
        en: "the manifest announces {declared} facts but the bundle holds {found}; the bundle was made by faulty software",
    }
    fn bundle_cannot_export(reason: &str) {
        zh: "无法写出数据包：{reason}",
        en: "cannot write the bundle: {reason}",
    }
    fn bundle_read_back_failed(reason: &str) {
        zh: "数据包已写出，但读回校验失败（{reason}）：磁盘或 U 盘可能有问题，文件已删除。请重试或换一个 U 盘",
        en: "the bundle was written but reading it back failed ({reason}); the disk or USB stick may be faulty, so the file was removed. Try again, or use another disk",
    }
}

/// What a bundle file operation was doing, by its English name in the code
/// (`BundleErrorKind::Io`'s `action`).
pub fn io_action(lang: Lang, action: &'static str) -> &'static str {
    let zh = match action {
        "open it" => "打开文件",
        "read its size" => "读取文件大小",
        "read it" => "读取文件",
        "create a temporary file next to it" => "在目标文件夹中创建临时文件",
        "write it" => "写入文件",
        "move it into place" => "把文件改名就位",
        "flush its folder to disk" => "把文件夹写回磁盘",
        _ => "读写文件",
    };
    pick(lang, zh, action)
}

// ---------------------------------------------------------------------------------------
// Bundle import (`bundle::exchange::ImportErrorKind`): why a bundle was refused, without
// the file's name (the caller puts it first).
catalogue! {
    /// `reason`: a [`bundle_io`]… message.
    fn import_bundle_damaged(reason: &str) {
        zh: "{reason}；没有导入任何内容",
        en: "{reason}; nothing was imported",
    }
    fn import_unknown_key(fingerprint: &str, claimed_name: &str, claimed_scope: &str) {
        zh: "签名密钥未被信任（指纹 {fingerprint}）；数据包自称来自“{claimed_name}”，范围 {claimed_scope}。没有导入任何内容",
        en: "signed by a key this installation does not trust (fingerprint {fingerprint}); the bundle says it comes from \"{claimed_name}\" for {claimed_scope}. Nothing was imported",
    }
    fn import_out_of_scope(village: &str, trusted_name: &str, fingerprint: &str, scope: &str, scope_name: &str, key: &str) {
        zh: "包含村 {village}，不在“{trusted_name}”（指纹 {fingerprint}）被信任的范围 {scope} {scope_name} 之内；整个数据包被拒绝，没有导入任何内容。如果发送人确实负责该村，请把此密钥的范围改为更大的单位：ruralenv trust add {key} --scope 代码",
        en: "delivers village {village}, outside {scope} {scope_name}, the scope \"{trusted_name}\" (key {fingerprint}) is trusted for; the bundle was refused and nothing was imported. If the sender really covers that village, trust the key for a wider unit: ruralenv trust add {key} --scope CODE",
    }
    fn import_reused_id(bundle_id: &str, other: &str) {
        zh: "数据包 {bundle_id} 已经从另一个密钥（{other}）导入过；这一份是伪造的或由有误的软件制作，已拒绝",
        en: "bundle {bundle_id} was already imported from another key ({other}); this copy is forged or made by faulty software, and was refused",
    }
    fn import_demo_into_real() {
        zh: "数据包里是演示数据（由 ruralenv demo 生成），而本机存有真实调查数据，已拒绝，没有导入任何内容。演示数据请放在单独的数据目录里（--data-dir 目录）",
        en: "the bundle holds demo data (made by `ruralenv demo`), and this installation holds real survey data; it was refused and nothing was imported. Try demo data in a data directory of its own (--data-dir DIR)",
    }
    fn import_real_into_demo() {
        zh: "本机存有演示数据，数据包里是真实调查数据；为了不让真实数字与演示数字混在一起，已拒绝，没有导入任何内容。请导入到没有演示数据的数据目录（--data-dir 目录）",
        en: "this installation holds demo data (made by `ruralenv demo`) and the bundle holds real survey data; it was refused so that real figures are not mixed with made-up ones. Import it into a data directory without demo data (--data-dir DIR)",
    }
    /// `at`: from [`fact_place`], empty for the bundle as a whole.
    fn import_fact_refused(at: &str, reason: &str) {
        zh: "{at}{reason}；整个数据包被拒绝，没有导入任何内容",
        en: "{at}{reason}; the bundle was refused and nothing was imported",
    }
    /// `error`: from [`store_error`].
    fn import_store_error(error: &str) {
        zh: "{error}；没有导入任何内容",
        en: "{error}; nothing was imported",
    }
    fn fact_number(n: impl Display) {
        zh: "第 {n} 条数据",
        en: "fact {n}",
    }
    fn fact_village(code: &str) {
        zh: "村 {code}",
        en: "village {code}",
    }
    fn fact_field(field: &str) {
        zh: "字段 {field}",
        en: "field {field}",
    }
    /// The parts of a place (fact, village, field), joined.
    fn fact_place_joined(parts: &str) {
        zh: "{parts}：",
        en: "{parts}: ",
    }
}

/// Where in a bundle a refused fact is: "fact 3, village X, field Y: " ("" for none).
pub fn fact_place(
    lang: Lang,
    fact: Option<u64>,
    village: Option<&str>,
    field: Option<&str>,
) -> String {
    let mut parts = Vec::new();
    if let Some(n) = fact {
        parts.push(fact_number(lang, n));
    }
    if let Some(v) = village {
        parts.push(fact_village(lang, v));
    }
    if let Some(f) = field {
        parts.push(fact_field(lang, f));
    }
    if parts.is_empty() {
        String::new()
    } else {
        fact_place_joined(lang, &parts.join(pick(lang, "，", ", ")))
    }
}

// ---------------------------------------------------------------------------------------
// Reports (`report::writers`): the table, and the workbook's sheets and headers, in the
// run's language (the JSON's field names are a contract and never translated).

/// The name the whole country goes by as a report's top unit (a unit's name, in the JSON
/// too, like the register's names; not a word of the interface).
pub const COUNTRY_NAME: &str = "全国";

/// The line every report format carries for demo data.
pub fn demo_notice(lang: Lang) -> &'static str {
    pick(
        lang,
        "【演示数据】以下数字由 ruralenv demo 生成，不是真实调查数据",
        "[DEMO DATA] these figures were made by `ruralenv demo`; they are not survey data",
    )
}

/// A level's name in a report; also the workbook's sheet name for that level.
pub fn report_level(lang: Lang, level: crate::register::Level) -> &'static str {
    use crate::register::Level as L;
    match level {
        L::Country => pick(lang, "全国", "Country"),
        L::Province => pick(lang, "省", "Province"),
        L::City => pick(lang, "市", "City"),
        L::County => pick(lang, "县", "County"),
        L::Township => pick(lang, "乡镇", "Township"),
        L::Village => pick(lang, "村", "Village"),
    }
}

catalogue! {
    fn report_title(round: &str, generated_at: &str) {
        zh: "农村人居环境整治 {round} 轮 (生成于 {generated_at})",
        en: "Rural living environment, round {round} (generated {generated_at})",
    }
}

pub fn report_no_units(lang: Lang) -> &'static str {
    pick(lang, "(没有单位)", "(no units)")
}

/// The table's columns of villages reported per unit.
pub fn report_village_headers(lang: Lang) -> [&'static str; 5] {
    pick(
        lang,
        ["单位", "代码", "级别", "已报", "范围内"],
        ["Unit", "Code", "Level", "Reported", "In scope"],
    )
}

/// The table's columns of an indicator's section.
pub fn report_indicator_headers(lang: Lang) -> [&'static str; 6] {
    pick(
        lang,
        ["单位", "达成率", "目标", "达标", "差额", "分子/分母"],
        ["Unit", "Value", "Target", "Met", "Shortfall", "Num/Den"],
    )
}

/// The heading of the table's villages section.
pub fn report_villages_heading(lang: Lang) -> &'static str {
    pick(
        lang,
        "已报村庄 / 范围内村庄",
        "Villages reported / in scope",
    )
}

/// Met or not, as text beside the workbook cell's colour.
pub fn report_met_mark(lang: Lang, met: bool) -> &'static str {
    match met {
        true => pick(lang, "✓ 达标", "✓ met"),
        false => pick(lang, "✗ 未达标", "✗ not met"),
    }
}

/// The printed page's footer (Excel's codes: &C centre, &P page, &N pages).
pub fn report_page_footer(lang: Lang) -> &'static str {
    pick(lang, "&C第 &P 页，共 &N 页", "&CPage &P of &N")
}

/// The first sheet's name.
pub fn report_summary_sheet(lang: Lang) -> &'static str {
    pick(lang, "摘要", "Summary")
}

pub fn report_workbook_title(lang: Lang) -> &'static str {
    pick(
        lang,
        "农村人居环境整治报告",
        "Rural living environment report",
    )
}

pub fn report_round_label(lang: Lang) -> &'static str {
    pick(lang, "轮次", "Round")
}

pub fn report_generated_at_label(lang: Lang) -> &'static str {
    pick(lang, "生成时间", "Generated at")
}

pub fn report_unit_label(lang: Lang) -> &'static str {
    pick(lang, "单位", "Unit")
}

pub fn report_code_label(lang: Lang) -> &'static str {
    pick(lang, "代码", "Code")
}

pub fn report_level_label(lang: Lang) -> &'static str {
    pick(lang, "级别", "Level")
}

/// The summary's and the level sheets' count of villages in scope.
pub fn report_in_scope_label(lang: Lang) -> &'static str {
    pick(lang, "范围内村庄数", "Villages in scope")
}

/// The summary's and the level sheets' count of villages reported.
pub fn report_reported_label(lang: Lang) -> &'static str {
    pick(lang, "已报村庄数", "Villages reported")
}

/// The summary sheet's indicator columns.
pub fn report_summary_headers(lang: Lang) -> [&'static str; 8] {
    pick(
        lang,
        [
            "指标",
            "达成率",
            "目标",
            "达标",
            "分子",
            "分母",
            "差额",
            "计量单位",
        ],
        [
            "Indicator",
            "Value",
            "Target",
            "Met",
            "Numerator",
            "Denominator",
            "Shortfall",
            "Counted in",
        ],
    )
}

/// A level sheet's first columns: the unit's code and name.
pub fn report_sheet_unit_headers(lang: Lang) -> [&'static str; 2] {
    pick(lang, ["代码", "名称"], ["Code", "Name"])
}

/// The village sheet's township columns.
pub fn report_sheet_township_headers(lang: Lang) -> [&'static str; 2] {
    pick(
        lang,
        ["乡镇代码", "乡镇名称"],
        ["Township code", "Township"],
    )
}

/// A level sheet's columns per indicator, after the indicator's label.
pub fn report_indicator_parts(lang: Lang) -> [&'static str; 6] {
    pick(
        lang,
        ["达成率", "达标", "目标", "分子", "分母", "差额"],
        [
            "value",
            "met",
            "target",
            "numerator",
            "denominator",
            "shortfall",
        ],
    )
}

// ---------------------------------------------------------------------------------------
// Demo data (`demo`): the synthetic records' own words. They are data, Chinese like the
// survey's, whatever the run's language: the same seed always makes the same records.

/// Surnames of the made-up surveyors and farm owners.
pub const DEMO_SURNAMES: [&str; 24] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢",
];

/// Given names of the made-up surveyors and farm owners.
pub const DEMO_GIVEN_NAMES: [&str; 32] = [
    "建国", "秀英", "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰",
    "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "志强", "海燕", "红梅", "国庆",
    "玉兰", "卫东", "春生", "淑珍",
];

/// A demo record's `notes`.
pub const DEMO_NOTES: [&str; 6] = [
    "部分农户常年外出务工，常住户数按村委会台账填写",
    "村内两处积存垃圾已于调查当日清运",
    "三格化粪池部分为2019年新建，尚未全部验收",
    "污水管网二期工程在建",
    "散养户数量按村防疫员登记数估算",
    "养殖场粪污利用量以台账为准",
];

/// A farm's species when the form has no label for it.
pub const DEMO_LIVESTOCK: &str = "畜禽";

/// The suffix of a village's 2nd to 5th farm of the same kind ("" for the first).
pub fn demo_nth(i: usize) -> &'static str {
    ["", "二", "三", "四", "五"][i.min(4)]
}

/// A farm named after a place or a person: 秋庄生猪养殖场二.
pub fn demo_farm(owner: &str, species: &str, nth: &str) -> String {
    format!("{owner}{species}养殖场{nth}")
}

/// A cooperative: 秋庄生猪养殖专业合作社.
pub fn demo_cooperative(place: &str, species: &str, nth: &str) -> String {
    format!("{place}{species}养殖专业合作社{nth}")
}

/// A family farm: 王伟家庭农场.
pub fn demo_family_farm(owner: &str, nth: &str) -> String {
    format!("{owner}家庭农场{nth}")
}

/// The second surveyor of a duplicate record when the township has no other.
pub fn demo_second_surveyor(surveyor: &str) -> String {
    format!("{surveyor}（复核）")
}

/// Committee suffixes of a village's name, cut for farm names: 秋庄村委会 → 秋庄.
pub const DEMO_VILLAGE_SUFFIXES: [&str; 4] = ["村民委员会", "村委会", "居委会", "村"];

// ---------------------------------------------------------------------------------------
// Why a fact of a bundle is refused, where the person importing can act on it (the
// other reasons speak to whoever made the bundle, and stay in English).
catalogue! {
    fn fact_scope_not_in_register(scope: &str, key: &str) {
        zh: "此密钥被信任的范围 {scope} 不在本机的区划名录中；请按名录中的单位重新信任它（ruralenv trust add {key} --scope 代码）",
        en: "the key is trusted for {scope}, which is not in this installation's register; trust it again for a unit that is (ruralenv trust add {key} --scope CODE)",
    }
    fn fact_not_a_village_code() {
        zh: "不是 12 位村代码",
        en: "not a 12-digit village code",
    }
    fn fact_village_out_of_scope(village: &str, name: &str) {
        zh: "{village} {name} 不在调查范围内（居委会，或被本县排除），永远不会计入；若本县调查它，须在每台机器的区划名录（forms/divisions/，见 README“Configuring a county”）中把它标为 in_scope",
        en: "{village} {name} is outside the survey scope (a residents' committee, or left out by the county), so it would never count; a county that surveys it marks it in_scope in its register (forms/divisions/, see README \"Configuring a county\") on every installation",
    }
    /// `level`: from `i18n::level`.
    fn fact_not_a_village(name: &str, level: &str) {
        zh: "{name} 是{level}，不是村",
        en: "{name} is a {level}, not a village",
    }
    fn fact_not_in_register() {
        zh: "不在本机的区划名录中",
        en: "not in this installation's register of divisions",
    }
}

// ---------------------------------------------------------------------------------------
// The store (`store::StoreError`): the database and its data directory.
catalogue! {
    fn db_busy() {
        zh: "数据库正忙：另一个 ruralenv（导入、界面或另一条命令）正在写入；请等它结束后再试",
        en: "the database is busy: another ruralenv (an import, the TUI or another command) is writing to it; wait until it has finished, then try again",
    }
    fn db_disk_full() {
        zh: "磁盘已满；请腾出空间后再试",
        en: "the disk is full; free some space on it, then try again",
    }
    fn db_read_only() {
        zh: "数据库不能写入：数据目录或数据库文件是只读的",
        en: "the database cannot be written: the data directory or the database file is read-only",
    }
    fn db_damaged() {
        zh: "数据库文件已损坏或不是数据库；请把它移开并恢复备份，或换一个 --data-dir",
        en: "the database file is damaged or is not a database; move it away and restore a backup, or choose another --data-dir",
    }
    fn db_io_failure() {
        zh: "磁盘报告读写错误（可能已满、被拔出或有故障）",
        en: "the disk reported an input/output error (it may be full, removed or failing)",
    }
    fn db_cannot_open() {
        zh: "无法打开数据库文件",
        en: "cannot open the database file",
    }
    /// `error`: SQLite's own words.
    fn db_error(error: &str) {
        zh: "数据库出错：{error}",
        en: "database error: {error}",
    }
    fn db_read_only_old() {
        zh: "数据库是只读的，而且由旧版 ruralenv 建立；请在能写入的地方打开它一次，让它升级",
        en: "the database is read-only and was made by an older version of ruralenv; open it once where it can be written, so that it is upgraded",
    }
    fn db_newer(path: &str, found: impl Display, supported: impl Display) {
        zh: "{path}：这个数据库由更新版本的 ruralenv 写入（结构版本 {found}，本程序最高支持 {supported}）；没有改动它。请升级 ruralenv 后再打开",
        en: "{path}: this database was written by a newer version of ruralenv (schema {found}, this program knows up to {supported}); it was left untouched. Update ruralenv to open it.",
    }
    fn db_foreign(path: &str, found: &str) {
        zh: "{path}：不是 ruralenv 的数据库（SQLite 应用标识 {found}）；请换一个 --data-dir",
        en: "{path}: not a ruralenv database (application id {found}); choose another --data-dir",
    }
    fn db_dir(path: &str, error: &str) {
        zh: "{path}：无法创建数据目录：{error}",
        en: "{path}: cannot create the data directory: {error}",
    }
    fn db_open(path: &str, reason: &str) {
        zh: "{path}：{reason}",
        en: "{path}: {reason}",
    }
    fn db_upgrade_failed(error: &str) {
        zh: "数据库升级失败：{error}",
        en: "database upgrade failed: {error}",
    }
}

/// What a SQLite error means, said once in plain words.
pub fn sqlite_words(lang: Lang, e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode as C;
    match e.sqlite_error_code() {
        Some(C::DatabaseBusy | C::DatabaseLocked) => db_busy(lang),
        Some(C::DiskFull) => db_disk_full(lang),
        Some(C::ReadOnly) => db_read_only(lang),
        Some(C::NotADatabase | C::DatabaseCorrupt) => db_damaged(lang),
        Some(C::SystemIoFailure) => db_io_failure(lang),
        Some(C::CannotOpen) => db_cannot_open(lang),
        _ => match e {
            rusqlite::Error::SqliteFailure(_, Some(msg)) => db_error(lang, msg),
            other => db_error(lang, &other.to_string()),
        },
    }
}

/// A store error in `lang` (its `Display` is the English text). A reason the store words
/// itself (`Invalid`) stays as it is.
pub fn store_error(lang: Lang, e: &crate::store::StoreError) -> String {
    use crate::store::StoreError as E;
    match e {
        E::Newer {
            path,
            found,
            supported,
        } => db_newer(lang, path, found, supported),
        E::Foreign { path, found } => db_foreign(lang, path, &format!("{found:#x}")),
        E::Dir(path, error) => db_dir(lang, path, &super::io_error(lang, error)),
        E::Open { path, reason } => db_open(lang, path, reason.get(lang)),
        E::Sqlite(e) => sqlite_words(lang, e),
        E::Migration(e) => db_upgrade_failed(lang, &e.to_string()),
        E::Invalid(_) | E::InConflict { .. } => e.to_string(),
    }
}

/// An error and its causes, as `{e:#}` writes them, with a store error in `lang` (the
/// commands word every other error in `lang` already).
pub fn error_chain(lang: Lang, e: &anyhow::Error) -> String {
    let mut parts = Vec::new();
    for cause in e.chain() {
        if let Some(s) = cause.downcast_ref::<crate::store::StoreError>() {
            parts.push(store_error(lang, s));
            // A store error says its own cause.
            break;
        }
        parts.push(cause.to_string());
    }
    parts.join(": ")
}
