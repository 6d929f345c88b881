//! Why a form file (`forms check`) or a division register is refused.
//!
//! Every reason exists in both languages; a `FormError` carries both (`forms::Text`) and
//! is printed in the run's language as `file:line: field: reason`. Names the file itself
//! uses (keys such as `max`, types such as `integer`, function names) stay as written.

#[allow(unused_imports)]
use super::{Lang, pick};
use crate::forms::expr::Ty;
use crate::register::{RegisterError, RegisterProblem};
use std::fmt::{self, Display};

// ---------------------------------------------------------------------------------------
// A forms directory and its files (`forms::dir_files`, `forms::load_files`).
catalogue! {
    fn cannot_read_file(error: &str) {
        zh: "无法读取：{error}",
        en: "cannot read: {error}",
    }
    fn cannot_read_dir(error: &str) {
        zh: "无法读取表单目录：{error}",
        en: "cannot read the forms directory: {error}",
    }
    /// `message`: the TOML parser's own words.
    fn toml_syntax(message: &str) {
        zh: "TOML 语法错误：{message}",
        en: "TOML syntax: {message}",
    }
    fn no_basis(active: &str) {
        zh: "没有 id 为“{active}”的 [[basis]]",
        en: "no [[basis]] with id '{active}'",
    }
    fn threshold_not_number() {
        zh: "阈值必须是数字",
        en: "a threshold must be a number",
    }
    fn second_form(id: &str) {
        zh: "又一个 id 为“{id}”的表单",
        en: "a second form with id '{id}'",
    }
    fn bad_round_name(round: &str) {
        zh: "轮次“{round}”须由 1 至 16 个字母、数字、“-”或“_”组成",
        en: "round '{round}' must be 1 to 16 letters, digits, '-' or '_'",
    }
    fn empty_rounds() {
        zh: "轮次列表为空：要允许 2000 至 2099 年，请删去这一项",
        en: "an empty list of rounds: leave the key out to allow the years 2000-2099",
    }
    fn target_unknown_indicator(id: &str) {
        zh: "目标所指的指标“{id}”不存在",
        en: "target for unknown indicator '{id}'",
    }
    fn target_not_fraction(min: impl Display) {
        zh: "目标 {min} 必须是 0 到 1 之间的小数",
        en: "target {min} must be a fraction between 0 and 1",
    }
    fn no_form_definition() {
        zh: "没有找到表单定义（*.toml）",
        en: "no form definition (*.toml) found",
    }
}

// ---------------------------------------------------------------------------------------
// A form file (`forms::schema`).
catalogue! {
    fn form_too_long(bytes: impl Display, max: impl Display) {
        zh: "表单有 {bytes} 字节；一个表单最多 {max} 字节",
        en: "the form is {bytes} bytes long; a form may have at most {max} bytes",
    }
    fn form_too_many_fields(fields: impl Display, bytes: impl Display, max_fields: impl Display, max_bytes: impl Display) {
        zh: "表单在 {bytes} 字节中有 {fields} 个字段；一个表单最多 {max_fields} 个字段、{max_bytes} 字节",
        en: "the form has {fields} fields in {bytes} bytes; a form may have at most {max_fields} fields and {max_bytes} bytes",
    }
    fn unknown_section(section: &str) {
        zh: "没有这个分节“{section}”",
        en: "unknown section '{section}'",
    }
    fn duplicate_indicator() {
        zh: "指标 id 重复",
        en: "duplicate indicator id",
    }
    fn unknown_indicator_kind(kind: &str) {
        zh: "未知的指标类型“{kind}”（用 ratio 或 coverage）",
        en: "unknown indicator kind '{kind}' (use ratio or coverage)",
    }
    /// `what`: from [`part`].
    fn missing_part(what: &str) {
        zh: "缺少{what}",
        en: "missing {what}",
    }
    fn bad_field_name() {
        zh: "字段名只能含 ASCII 字母、数字和“_”",
        en: "a field name may hold only ASCII letters, digits and '_'",
    }
    fn duplicate_field() {
        zh: "字段名重复",
        en: "duplicate field name",
    }
    /// An expression's error: `what` from [`part`], `error` an [`expr`]… message.
    fn in_part(what: &str, error: &str) {
        zh: "{what}：{error}",
        en: "{what}: {error}",
    }
    /// `gives`, `needs`: from [`ty`].
    fn part_gives(what: &str, gives: &str, needs: &str) {
        zh: "{what}：类型不符：得到{gives}，但需要{needs}",
        en: "{what}: type mismatch: gives {gives} but {needs} is needed",
    }
    fn part_type_mismatch(what: &str, error: &str) {
        zh: "{what}：类型不符：{error}",
        en: "{what}: type mismatch: {error}",
    }
    fn unknown_type(ty: &str) {
        zh: "未知的类型“{ty}”（用 integer、decimal、text、date、yes_no、select_one 或 select_many）",
        en: "unknown type '{ty}' (use integer, decimal, text, date, yes_no, select_one or select_many)",
    }
    fn select_needs_choices() {
        zh: "选择题需要选项（choices = \"选项列表名\"）",
        en: "a select field needs choices (choices = \"list name\")",
    }
    fn empty_choice_list(list: &str) {
        zh: "选项列表“{list}”里没有选项",
        en: "choice list '{list}' has no choices",
    }
    fn no_choice_list(list: &str) {
        zh: "选择题没有选项：没有名为“{list}”的选项列表",
        en: "select field has no choices: no choice list '{list}'",
    }
    /// `ty`: the type's name in the file (`integer`, `yes_no`, …).
    fn default_does_not_fit(ty: &str) {
        zh: "默认值与类型 {ty} 不符",
        en: "default does not fit type {ty}",
    }
    fn number_needs_max(max: &str) {
        zh: "数字字段需要 max，即它能取的最大值（最多 {max}），例如 max = 20000",
        en: "a number field needs max, the largest value it may hold (at most {max}), e.g. max = 20000",
    }
    fn max_only_for_numbers() {
        zh: "max 只适用于 integer 和 decimal 字段",
        en: "max applies only to integer and decimal fields",
    }
    fn bad_max_integer(max: &str) {
        zh: "max 必须是大于 0、最多 {max} 的整数",
        en: "max must be a whole number above 0 and at most {max}",
    }
    fn bad_max_decimal(max: &str) {
        zh: "max 必须是大于 0、最多 {max} 的数",
        en: "max must be a number above 0 and at most {max}",
    }
    fn calculation_cycle(cycle: &str) {
        zh: "计算循环：{cycle}",
        en: "calculation cycle: {cycle}",
    }
}

/// The part of a field or indicator an expression is (`constraint`, `calculation`, …), by
/// its English name in the code.
pub fn part(lang: Lang, what: &'static str) -> &'static str {
    let zh = match what {
        "constraint" => "约束条件",
        "relevance" => "出现条件",
        "calculation" => "计算式",
        "numerator" => "分子",
        "denominator" => "分母",
        _ => what,
    };
    pick(lang, zh, what)
}

/// An expression's type, as a message names it.
pub fn ty(lang: Lang, t: Ty) -> &'static str {
    match t {
        Ty::Bool => pick(lang, "是/否", "yes/no"),
        Ty::Number => pick(lang, "数", "number"),
        Ty::Text => pick(lang, "文本", "text"),
        Ty::Date => pick(lang, "日期", "date"),
        Ty::Choices => pick(lang, "多选", "choices"),
        Ty::Any => pick(lang, "空值", "null"),
    }
}

// ---------------------------------------------------------------------------------------
// Expressions (`forms::expr`): `constraint`, `relevant`, `calculate`, indicators.
catalogue! {
    fn expr_unterminated_text() {
        zh: "文本没有结束引号",
        en: "unterminated text literal",
    }
    fn expr_unexpected_char(c: char) {
        zh: "意外的字符“{c}”",
        en: "unexpected character '{c}'",
    }
    fn expr_too_deep(max: impl Display) {
        zh: "表达式嵌套超过 {max} 层；请简化",
        en: "the expression is nested more than {max} levels deep; simplify it",
    }
    fn expr_expected(keyword: &str) {
        zh: "此处应为“{keyword}”",
        en: "expected '{keyword}'",
    }
    fn expr_bad_number(n: &str) {
        zh: "数字“{n}”无效",
        en: "bad number '{n}'",
    }
    fn expr_missing_paren() {
        zh: "缺少“)”",
        en: "missing ')'",
    }
    fn expr_unexpected_keyword(name: &str) {
        zh: "意外的关键字“{name}”",
        en: "unexpected keyword '{name}'",
    }
    fn expr_expected_comma(name: &str) {
        zh: "{name}(…) 中此处应为“,”或“)”",
        en: "expected ',' or ')' in {name}(…)",
    }
    /// `token`: the token as the parser shows it.
    fn expr_unexpected(token: &str) {
        zh: "意外的 {token}",
        en: "unexpected {token}",
    }
    fn expr_unexpected_end() {
        zh: "表达式意外结束",
        en: "unexpected end of expression",
    }
    fn expr_too_long(bytes: impl Display, max: impl Display) {
        zh: "表达式有 {bytes} 字节，超过允许的 {max} 字节；请简化",
        en: "the expression is {bytes} bytes long, more than the {max} allowed; simplify it",
    }
    fn expr_empty() {
        zh: "表达式为空",
        en: "empty expression",
    }
    fn expr_trailing(token: &str) {
        zh: "表达式后面多出 {token}",
        en: "unexpected {token} after the expression",
    }
    /// `what`: from [`operand`]; `expected`, `found`: from [`ty`].
    fn expr_needs(what: &str, expected: &str, found: &str) {
        zh: "{what}需要{expected}，得到的是{found}",
        en: "{what} needs {expected}, found {found}",
    }
    fn expr_no_current() {
        zh: "“.”（当前值）在这里没有意义",
        en: "'.' (the current value) has no meaning here",
    }
    fn expr_group_as_value(name: &str) {
        zh: "“{name}”是重复组：请用 sum({name}, …) 或 count({name})",
        en: "'{name}' is a repeat group: use sum({name}, …) or count({name})",
    }
    fn expr_unknown_field(name: &str) {
        zh: "没有字段“{name}”",
        en: "unknown field '{name}'",
    }
    fn expr_cannot_compare(left: &str, right: &str) {
        zh: "不能比较{left}与{right}",
        en: "cannot compare {left} with {right}",
    }
    fn expr_cannot_order(ty: &str) {
        zh: "{ty}类型的值不能比大小",
        en: "cannot order values of type {ty}",
    }
    fn expr_branches_differ(then: &str, otherwise: &str) {
        zh: "“then”得到{then}，而“else”得到{otherwise}",
        en: "'then' gives {then} but 'else' gives {otherwise}",
    }
    /// `n`: a number, or "min to max".
    fn expr_arity(name: &str, n: &str, got: impl Display) {
        zh: "{name}() 需要 {n} 个参数，实际有 {got} 个",
        en: "{name}() takes {n} arguments, got {got}",
    }
    fn expr_arity_range(min: impl Display, max: impl Display) {
        zh: "{min} 至 {max}",
        en: "{min} to {max}",
    }
    fn expr_not_a_group(name: &str, g: &str) {
        zh: "{name}()：“{g}”不是重复组",
        en: "{name}(): '{g}' is not a repeat group",
    }
    fn expr_needs_group(name: &str) {
        zh: "{name}() 的第一个参数必须是重复组",
        en: "{name}() needs a repeat group as its first argument",
    }
    fn expr_mixes(name: &str, a: &str, b: &str) {
        zh: "{name}() 混用了{a}和{b}",
        en: "{name}() mixes {a} and {b}",
    }
    fn expr_selected_needs_choice(found: &str) {
        zh: "selected() 需要一个选择题字段，得到的是{found}",
        en: "selected() needs a choice field, found {found}",
    }
    fn expr_no_table(t: &str) {
        zh: "table()：没有名为“{t}”的表",
        en: "table(): no table named '{t}'",
    }
    fn expr_table_needs_name() {
        zh: "table() 的第一个参数必须是加引号的表名",
        en: "table() needs a table name in quotes as its first argument",
    }
    fn expr_unknown_function(name: &str) {
        zh: "没有函数“{name}”",
        en: "unknown function '{name}'",
    }
}

/// What in an expression needs a value of some type, by its English name in the code
/// (`'-'`, `arithmetic`, `sum() condition`, …); operators and function names stay.
pub fn operand(lang: Lang, what: &str) -> String {
    let zh = match what {
        "arithmetic" => "算术运算".to_string(),
        "'if' condition" => "“if”的条件".to_string(),
        "sum() condition" => "sum() 的条件".to_string(),
        "count() condition" => "count() 的条件".to_string(),
        "selected() choice name" => "selected() 的选项名".to_string(),
        "table() key" => "table() 的键".to_string(),
        other => format!("{other} "),
    };
    pick(lang, zh, what.to_string())
}

// ---------------------------------------------------------------------------------------
// A division register (`register::Register::parse`).
catalogue! {
    fn register_header_unreadable(error: &str) {
        zh: "无法读取表头：{error}",
        en: "cannot read the header: {error}",
    }
    fn register_header_columns() {
        zh: "表头必须有 code,name,parent_code,level",
        en: "the header must have code,name,parent_code,level",
    }
    fn register_bad_row(error: &str) {
        zh: "CSV 行有误：{error}",
        en: "bad CSV row: {error}",
    }
    fn register_not_a_code(code: &str) {
        zh: "“{code}”不是 12 位代码",
        en: "'{code}' is not a 12-digit code",
    }
    fn register_bad_name() {
        zh: "为空或含有控制字符",
        en: "empty or has control characters",
    }
    fn register_unknown_level(level: &str) {
        zh: "未知的级别“{level}”（province、city、county、township、village）",
        en: "unknown level '{level}' (province, city, county, township, village)",
    }
    fn register_bad_scope(value: &str) {
        zh: "“{value}”不是 1、0 或空",
        en: "'{value}' is not 1, 0 or empty",
    }
    fn register_duplicate_code(code: &str) {
        zh: "代码 {code} 重复",
        en: "duplicate code {code}",
    }
    fn register_own_parent_only(code: &str) {
        zh: "{code} 以自己为上级，又不在其他行上；请写明它真正的上级",
        en: "{code} is its own parent and is on no other row; give it its real parent",
    }
    /// `level`: the level's name in the file (`village`, …).
    fn register_parent_not_above(parent: &str, level: &str) {
        zh: "上级 {parent} 的级别不高于 {level}",
        en: "parent {parent} is not above level {level}",
    }
    fn register_not_under_parent(code: &str, parent: &str) {
        zh: "代码 {code} 不在其上级 {parent} 之下",
        en: "code {code} does not lie under its parent {parent}",
    }
    fn register_parent_missing(parent: &str) {
        zh: "上级 {parent} 不在区划名录中",
        en: "parent {parent} is not in the register",
    }
}

/// Why a register row is refused, in `lang`.
pub fn register_problem(lang: Lang, p: &RegisterProblem) -> String {
    use RegisterProblem as P;
    match p {
        P::HeaderUnreadable(e) => register_header_unreadable(lang, e),
        P::HeaderColumns => register_header_columns(lang),
        P::BadRow(e) => register_bad_row(lang, e),
        P::NotACode(c) => register_not_a_code(lang, c),
        P::BadName => register_bad_name(lang),
        P::UnknownLevel(l) => register_unknown_level(lang, l),
        P::BadScope(v) => register_bad_scope(lang, v),
        P::DuplicateCode(c) => register_duplicate_code(lang, c),
        P::OwnParentOnly(c) => register_own_parent_only(lang, c),
        P::ParentNotAbove { parent, level } => {
            register_parent_not_above(lang, parent, level.as_str())
        }
        P::NotUnderParent { code, parent } => register_not_under_parent(lang, code, parent),
        P::ParentMissing(p) => register_parent_missing(lang, p),
    }
}

impl RegisterError {
    /// `file:line: field: reason`, the reason in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        format!(
            "{}:{}: {}: {}",
            self.file,
            self.line,
            self.field,
            register_problem(lang, &self.problem)
        )
    }
}

/// In English; [`RegisterError::message`] says it in the run's language.
impl Display for RegisterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

/// An error of installing or loading installed forms, every form error's reason in `lang`
/// (`i18n::install_error` for the rest).
pub fn install_error(lang: Lang, e: &crate::forms::install::InstallError) -> String {
    use crate::forms::install::InstallError as E;
    use crate::forms::value::sanitize_for_terminal_keep_newlines as clean;
    let path = |p: &std::path::Path| crate::termsafe::path(p);
    match e {
        E::Invalid { dir, errors } => {
            super::forms_invalid(lang, &path(dir), &clean(&errors.message(lang)))
        }
        E::Broken { dir, errors } => {
            super::installed_forms_broken(lang, &path(dir), &clean(&errors.message(lang)))
        }
        E::Io { path: p, error } => {
            super::install_io(lang, &path(p), &super::io_error(lang, error))
        }
        _ => super::install_error(lang, e),
    }
}
