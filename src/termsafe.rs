//! The one rule for showing text from outside (bundles, CSV and XLSX files, the register,
//! file names, command-line arguments, the database) in a terminal.
//!
//! A character is **unsafe** when it could drive the terminal or change what the reader
//! sees without being visible itself:
//!
//! - C0 controls (U+0000–U+001F), DEL (U+007F) and C1 controls (U+0080–U+009F): escape
//!   sequences (colours, cursor moves, the OSC 52 clipboard write, window titles) start
//!   with ESC or CSI;
//! - bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069): a
//!   right-to-left override next to a fingerprint reorders the digits the clerk compares;
//! - the other invisible format characters (Unicode category Cf: zero-width space and
//!   joiners U+200B–U+200D, word joiner and invisible operators U+2060–U+2064, the
//!   deprecated format controls U+206A–U+206F, U+FEFF, soft hyphen, tag characters …);
//! - the line and paragraph separators U+2028 and U+2029, which some terminals and
//!   viewers break lines on.
//!
//! Text is stored as it was received (or refused where it enters, with
//! [`has_unsafe`]), and escaped where it is shown, with [`escape`]: each unsafe character
//! becomes `\u{XXXX}` (lowercase hex, as Rust writes it), so that it is visible and the
//! text can still be told apart from a look-alike.

use std::borrow::Cow;
use std::fmt::Write as _;

/// True for a character that must not reach a terminal as it is (see the module).
pub fn is_unsafe(c: char) -> bool {
    let u = c as u32;
    u < 0x20 || (0x7F..=0x9F).contains(&u) || matches!(c, '\u{2028}' | '\u{2029}') || is_format(c)
}

/// Unicode general category Cf (format characters), Unicode 15.1. Short enough to list,
/// and a crate for one category would be more code than this.
fn is_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061C}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08E2}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
    )
}

/// Does `s` hold any unsafe character? Used to refuse text where it enters.
pub fn has_unsafe(s: &str) -> bool {
    s.chars().any(is_unsafe)
}

/// `s` with every unsafe character written as a visible `\u{..}` escape.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !has_unsafe(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Like [`escape`], but keeps `\n` line breaks (for messages of several lines).
pub fn escape_keep_newlines(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && is_unsafe(c)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.split('\n').map(escape).collect::<Vec<_>>().join("\n"))
}

/// A path as it may be shown: `Path::display`, escaped.
pub fn path(p: &std::path::Path) -> String {
    escape(&p.display().to_string()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_class_the_rule_names() {
        for c in [
            '\u{0}',
            '\u{7}',
            '\u{1b}',
            '\n',
            '\r',
            '\t',
            '\u{7f}',
            '\u{85}',
            '\u{9b}',
            '\u{9d}',
            '\u{61c}',
            '\u{200b}',
            '\u{200c}',
            '\u{200d}',
            '\u{200e}',
            '\u{200f}',
            '\u{2028}',
            '\u{2029}',
            '\u{202a}',
            '\u{202e}',
            '\u{2060}',
            '\u{2066}',
            '\u{2069}',
            '\u{feff}',
            '\u{ad}',
            '\u{e0041}',
        ] {
            assert!(is_unsafe(c), "{:x}", c as u32);
            let shown = escape(&format!("a{c}b")).into_owned();
            assert_eq!(shown, format!("a\\u{{{:x}}}b", c as u32));
        }
    }

    #[test]
    fn leaves_ordinary_text_alone() {
        for s in [
            "许昌市 建安区 邓庄街道",
            "05022 14656 58955 21649 29216",
            "Ünïcödé — «quotes» ‘x’ 1 234,5 €",
            "🙂 ok",
            "",
        ] {
            assert!(!has_unsafe(s), "{s}");
            assert!(matches!(escape(s), Cow::Borrowed(_)));
        }
    }

    #[test]
    fn an_osc_52_clipboard_write_is_shown_not_run() {
        let hostile = "a\u{1b}]52;c;cm0gLXJmIH4=\u{7}.renv";
        assert_eq!(escape(hostile), "a\\u{1b}]52;c;cm0gLXJmIH4=\\u{7}.renv");
    }

    #[test]
    fn keeps_line_breaks_only_when_asked() {
        assert_eq!(escape_keep_newlines("a\nb\u{202e}c"), "a\nb\\u{202e}c");
        assert_eq!(escape("a\nb"), "a\\u{a}b");
    }
}
