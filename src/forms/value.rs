//! Field values as stored, hashed and evaluated.
//!
//! A value is `Null` when unanswered. Serialized as plain JSON (`null`, `true`, `12`,
//! `3.5`, `"text"`, `["a","b"]`) so that revisions hash the same everywhere.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(untagged)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Int(i64),
    Dec(f64),
    Text(String),
    Choices(Vec<String>),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Numeric view: integers and decimals; `None` for anything else.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Dec(d) => Some(*d),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }

    /// Plain text for CSV cells and the UI: empty for unanswered, `yes`/`no` for booleans,
    /// choices separated by spaces.
    pub fn to_plain(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Bool(true) => "yes".into(),
            Value::Bool(false) => "no".into(),
            Value::Int(i) => i.to_string(),
            Value::Dec(d) => format_decimal(*d),
            Value::Text(t) => t.clone(),
            Value::Choices(c) => c.join(" "),
        }
    }
}

/// Decimal rendering without a trailing `.0` noise or exponent for ordinary magnitudes.
pub fn format_decimal(d: f64) -> String {
    if d.fract() == 0.0 && d.abs() < 1e15 {
        format!("{}", d as i64)
    } else {
        let s = format!("{d}");
        if s.contains('e') {
            format!("{d:.6}")
        } else {
            s
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_plain())
    }
}

/// True when `s` holds a control character (C0, DEL or C1) other than none allowed.
/// Text from outside is refused at the boundary when this holds.
pub fn has_control_chars(s: &str) -> bool {
    s.chars().any(|c| c.is_control())
}

/// Show text from outside safely: control characters become `\u{..}` escapes.
pub fn sanitize_for_terminal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Like `sanitize_for_terminal`, but keeps line breaks (for multi-line messages).
pub fn sanitize_for_terminal_keep_newlines(s: &str) -> String {
    s.split('\n')
        .map(sanitize_for_terminal)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip_keeps_types() {
        for v in [
            Value::Null,
            Value::Bool(true),
            Value::Int(-3),
            Value::Dec(2.5),
            Value::Text("是".into()),
            Value::Choices(vec!["a".into(), "b".into()]),
        ] {
            let s = serde_json::to_string(&v).unwrap();
            let back: Value = serde_json::from_str(&s).unwrap();
            assert_eq!(back, v, "{s}");
        }
    }

    #[test]
    fn sanitizes_escape_sequences() {
        assert_eq!(sanitize_for_terminal("a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert!(has_control_chars("x\u{9b}y"));
        assert!(!has_control_chars("许昌市 village"));
    }

    #[test]
    fn decimals_render_plainly() {
        assert_eq!(format_decimal(12.0), "12");
        assert_eq!(format_decimal(12.25), "12.25");
    }
}
