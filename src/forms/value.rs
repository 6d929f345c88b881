//! Field values as stored, hashed and evaluated.
//!
//! A value is `Null` when unanswered. Serialized as plain JSON (`null`, `true`, `12`,
//! `3.5`, `"text"`, `["a","b"]`) so that revisions hash the same everywhere.

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
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

/// Reads exactly what `#[serde(untagged)]` would (null, boolean, integer, decimal, text,
/// list of texts; an integer beyond i64 becomes a decimal), in one pass: the derived untagged
/// form tries each variant in turn and formats an error message for every miss, which was a
/// tenth of the time of importing a bundle.
impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ValueVisitor;

        impl<'de> Visitor<'de> for ValueVisitor {
            type Value = Value;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("null, a boolean, a number, a text or a list of texts")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
                Value::deserialize(d)
            }
            fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
                Ok(Value::Bool(b))
            }
            fn visit_i64<E: de::Error>(self, i: i64) -> Result<Value, E> {
                Ok(Value::Int(i))
            }
            fn visit_u64<E: de::Error>(self, u: u64) -> Result<Value, E> {
                Ok(match i64::try_from(u) {
                    Ok(i) => Value::Int(i),
                    Err(_) => Value::Dec(u as f64),
                })
            }
            fn visit_f64<E: de::Error>(self, x: f64) -> Result<Value, E> {
                Ok(Value::Dec(x))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
                Ok(Value::Text(s.to_owned()))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Value, E> {
                Ok(Value::Text(s))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
                let mut choices = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(c) = seq.next_element::<String>()? {
                    choices.push(c);
                }
                Ok(Value::Choices(choices))
            }
        }

        deserializer.deserialize_any(ValueVisitor)
    }
}

/// Decimal rendering without a trailing `.0` noise or exponent for ordinary magnitudes.
pub fn format_decimal(d: f64) -> String {
    if d.fract() == 0.0 && d.abs() < 1e15 {
        format!("{}", d as i64)
    } else if !d.is_finite() || d.abs() >= 1e15 {
        // Never stored (numbers are bounded by their fields' max), but said in messages:
        // 1e308 written out is 309 digits.
        format!("{d:e}")
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

/// True when `s` holds a character that must not reach a terminal (controls, bidi and
/// other invisible format characters, line separators: the rule of `crate::termsafe`).
/// Text from outside is refused at the boundary when this holds.
pub fn has_control_chars(s: &str) -> bool {
    crate::termsafe::has_unsafe(s)
}

/// Show text from outside safely: unsafe characters become `\u{..}` escapes
/// (`crate::termsafe::escape`).
pub fn sanitize_for_terminal(s: &str) -> String {
    crate::termsafe::escape(s).into_owned()
}

/// Like `sanitize_for_terminal`, but keeps line breaks (for multi-line messages).
pub fn sanitize_for_terminal_keep_newlines(s: &str) -> String {
    crate::termsafe::escape_keep_newlines(s).into_owned()
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
    fn reads_what_untagged_read() {
        let read = |s: &str| serde_json::from_str::<Value>(s);
        assert_eq!(read("3.0").unwrap(), Value::Dec(3.0));
        assert_eq!(read("-7").unwrap(), Value::Int(-7));
        assert_eq!(
            read("18446744073709551615").unwrap(),
            Value::Dec(18446744073709551615.0)
        );
        assert_eq!(read("[]").unwrap(), Value::Choices(vec![]));
        assert!(read("[1]").is_err());
        assert!(read("{\"a\": 1}").is_err());
        assert_eq!(
            toml::from_str::<std::collections::BTreeMap<String, Value>>("a = 2\nb = 'x'").unwrap()
                ["a"],
            Value::Int(2)
        );
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
