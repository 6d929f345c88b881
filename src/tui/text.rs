//! Words of the UI in both languages, and how values and statuses read on screen.
//! Everything that came from outside passes through `clean` before it is shown.

use crate::forms::value::{Value, format_decimal, sanitize_for_terminal};
use crate::forms::{Field, FieldType, Lang};
use crate::store::RecordStatus;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Pick the Chinese or English wording.
pub fn tr(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    crate::i18n::pick(lang, zh, en)
}

/// Text from the store, a bundle or a paste, made safe for the terminal.
pub fn clean(s: &str) -> String {
    sanitize_for_terminal(s)
}

pub fn status_label(s: RecordStatus, lang: Lang) -> &'static str {
    crate::i18n::record_status(lang, s)
}

/// Why a unit outside the survey scope has no form, and how a county changes the scope.
pub fn out_of_scope(lang: Lang, name: &str, code: &str) -> String {
    crate::i18n::tui_keys::out_of_scope(lang, &clean(name), code)
}

/// A value as a person reads it: 是/否, choice labels, plain numbers; "—" when unanswered.
pub fn show_value(field: &Field, v: &Value, lang: Lang) -> String {
    match (field.ty, v) {
        (_, Value::Null) => String::new(),
        (FieldType::YesNo, Value::Bool(b)) => yes_no(*b, lang).to_string(),
        (FieldType::SelectOne, Value::Text(t)) => field
            .choice_label(t, lang)
            .map(str::to_string)
            .unwrap_or_else(|| clean(t)),
        (FieldType::SelectMany, Value::Choices(list)) => list
            .iter()
            .map(|c| {
                field
                    .choice_label(c, lang)
                    .map(str::to_string)
                    .unwrap_or_else(|| clean(c))
            })
            .collect::<Vec<_>>()
            .join(crate::i18n::list_separator(lang)),
        (_, Value::Dec(d)) => format_decimal(*d),
        (_, v) => clean(&v.to_plain()),
    }
}

/// A stored value without its field (history of a field that left the form).
pub fn show_raw(v: &Value, lang: Lang) -> String {
    match v {
        Value::Null => "—".into(),
        Value::Bool(b) => yes_no(*b, lang).into(),
        v => clean(&v.to_plain()),
    }
}

pub fn yes_no(b: bool, lang: Lang) -> &'static str {
    crate::i18n::yes_no(lang, b)
}

/// Display width of a string in terminal cells (a Chinese character takes two).
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `s` in lines of at most `w` cells, read in full: broken at the last space when there is
/// one in the line (English), else between characters (Chinese).
pub fn wrap_to(s: &str, w: usize) -> Vec<String> {
    let w = w.max(2);
    let mut out = Vec::new();
    let mut line = String::new();
    let mut lw = 0;
    for c in s.chars() {
        let cw = UnicodeWidthChar::width(c).unwrap_or(0);
        if lw + cw > w {
            // A word of Latin letters moves whole to the next line; Chinese breaks anywhere.
            let word_break = line
                .rfind(' ')
                .filter(|&i| i > 0 && c.is_ascii() && line[i + 1..].is_ascii());
            match word_break {
                Some(i) if c != ' ' => {
                    let rest = line[i + 1..].to_string();
                    line.truncate(i);
                    out.push(std::mem::take(&mut line));
                    line = rest;
                    lw = width(&line);
                }
                _ => {
                    out.push(std::mem::take(&mut line));
                    lw = 0;
                }
            }
            if c == ' ' && line.is_empty() {
                continue;
            }
        }
        line.push(c);
        lw += cw;
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

/// Cut `s` to at most `w` cells (ending in "…" when cut) and pad it to exactly `w`.
pub fn fit(s: &str, w: usize) -> String {
    let mut out = truncate(s, w);
    let pad = w.saturating_sub(width(&out));
    out.extend(std::iter::repeat_n(' ', pad));
    out
}

/// Cut `s` to at most `w` cells, ending in "…" when it was cut.
pub fn truncate(s: &str, w: usize) -> String {
    if width(s) <= w {
        return s.to_string();
    }
    if w == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw > w - 1 {
            break;
        }
        out.push(c);
        used += cw;
    }
    out.push('…');
    out
}

/// Pad on the left to `w` cells (numbers and statuses line up on the right).
pub fn fit_right(s: &str, w: usize) -> String {
    let t = truncate(s, w);
    let pad = w.saturating_sub(width(&t));
    let mut out: String = std::iter::repeat_n(' ', pad).collect();
    out.push_str(&t);
    out
}

/// `2026-11-28T10:00:00+08:00` → `2026-11-28 10:00`.
pub fn short_time(at: &str) -> String {
    let s = clean(at);
    if s.len() >= 16 && s.is_char_boundary(16) {
        s[..16].replacen('T', " ", 1)
    } else {
        s
    }
}

/// `farms[2].head_count` → ("farms", 1, "head_count").
pub fn split_path(field: &str) -> Option<(&str, usize, &str)> {
    let (g, rest) = field.split_once('[')?;
    let (n, f) = rest.split_once("].")?;
    let i = n.parse::<usize>().ok().filter(|i| *i > 0)?;
    Some((g, i - 1, f))
}

/// "1 village", "2 villages": an English count with its noun (regular plurals only).
pub fn count(n: impl TryInto<u64>, noun: &str) -> String {
    let n: u64 = n.try_into().unwrap_or(u64::MAX);
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_say_one_without_a_plural() {
        assert_eq!(count(1, "village"), "1 village");
        assert_eq!(count(0, "row"), "0 rows");
        assert_eq!(count(3, "problem"), "3 problems");
    }

    #[test]
    fn fits_by_display_width() {
        assert_eq!(fit("大罗庄村委会", 8), "大罗庄… ");
        assert_eq!(width(&fit("大罗庄村委会", 8)), 8);
        assert_eq!(fit("ab", 4), "ab  ");
        assert_eq!(fit_right("12", 4), "  12");
        assert_eq!(width(&fit("村a村", 4)), 4);
    }

    #[test]
    fn outside_text_is_escaped() {
        assert_eq!(clean("村\x1b[2J"), "村\\u{1b}[2J");
    }
}

#[cfg(test)]
mod wrap_tests {
    use super::*;

    #[test]
    fn wrap_keeps_every_character_within_the_width() {
        let s = "户数与台账不符，请核对常住户数和人口，并补填规模养殖场的粪污处理设施";
        let lines = wrap_to(s, 20);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| width(l) <= 20), "{lines:?}");
        assert_eq!(lines.concat(), s);
        let e = "the households do not match the ledger, please check";
        let lines = wrap_to(e, 16);
        assert!(lines.iter().all(|l| width(l) <= 16), "{lines:?}");
        assert_eq!(lines.join(" "), e);
    }
}
