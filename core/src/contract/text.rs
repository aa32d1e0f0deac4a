//! The one rule for characters in any text a client sends: no control characters but tab, line
//! feed and carriage return.
//!
//! PostgreSQL refuses U+0000 in `text` and `jsonb`, so a NUL that reached the database was a 500
//! for something the client sent; the other C0 controls are never meaningful in a name, a code,
//! a reason or a narrative, and only hide text from the person reading it. Every JSON body
//! ([`crate::contract::read::read_json`]), every query string (the server's one query parser) and
//! every imported CSV cell passes through this rule, so the refusal is the same everywhere: `422
//! format` for a body, `400 invalid_query` for a parameter.

use crate::contract::problem::{ErrorCode, Pointer, ValidationError};
use serde_json::Value;

/// Whether `c` is refused: a C0 control character other than tab, line feed, carriage return.
pub fn is_refused(c: char) -> bool {
    c.is_ascii_control() && c != '\t' && c != '\n' && c != '\r' && c != '\u{7f}'
}

/// Whether `text` holds a refused character.
pub fn has_control(text: &str) -> bool {
    text.chars().any(is_refused)
}

/// The message every refusal carries (the character itself is never echoed back).
pub const MESSAGE: &str = "Must not contain control characters (U+0000 to U+001F), except tab, line feed and carriage return.";

/// The error for a value at `path` that holds a refused character.
pub fn refused(path: impl Into<String>) -> ValidationError {
    ValidationError::new(path, ErrorCode::Format, MESSAGE)
}

/// Where the first string in document order holds a refused character: a value's own path, or
/// for a member *name* the object holding it (so the error never carries the character back).
pub fn first_control(value: &Value) -> Option<Pointer> {
    walk(value, Pointer::root())
}

fn walk(value: &Value, at: Pointer) -> Option<Pointer> {
    match value {
        Value::String(s) => has_control(s).then_some(at),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| walk(item, at.index(i))),
        Value::Object(members) => members.iter().find_map(|(key, member)| {
            if has_control(key) {
                Some(at.clone())
            } else {
                walk(member, at.key(key))
            }
        }),
        Value::Null | Value::Bool(_) | Value::Number(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn which_characters_are_refused() {
        let cases = [
            ("plain", false),
            ("tab\there", false),
            ("lines\r\nand more", false),
            ("é and 中文 and emoji 🙂", false),
            ("delete \u{7f} is printable enough", false),
            ("nul \u{0} inside", true),
            ("bell \u{7}", true),
            ("escape \u{1b}[31m", true),
            ("vertical \u{b} tab", true),
            ("\u{1f}", true),
        ];
        for (text, refused) in cases {
            assert_eq!(has_control(text), refused, "{text:?}");
        }
    }

    #[test]
    fn the_first_offending_string_is_named_in_document_order() {
        let cases = [
            (json!({"a": "fine", "b": 1, "c": [true, null]}), None),
            (json!({"a": "fine", "b": ["ok", "x\u{0}"]}), Some("/b/1")),
            (json!({"outer": {"in\u{0}ner": "value"}}), Some("/outer")),
            (json!(["\u{0}", "\u{0}"]), Some("/0")),
            (json!("top\u{7}"), Some("")),
        ];
        for (value, want) in cases {
            assert_eq!(first_control(&value).map(|p| p.as_str().to_string()).as_deref(), want, "{value}");
        }
    }
}
