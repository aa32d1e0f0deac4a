//! Turning a request body into wire types, and `validator`'s nested errors into
//! our flat `{path, code, message}` list. Shared by every contract.

use crate::contract::messages::{message, Context};
use crate::contract::problem::{ErrorCode, Pointer, ValidationError};
use crate::contract::text;
use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;
use validator::{ValidationErrors, ValidationErrorsKind};

/// Reads `body` into `T`, reporting the first structural error met in document
/// order (serde stops there).
pub fn read_json<T: DeserializeOwned>(body: &str) -> Result<T, ValidationError> {
    // Syntax first: serde_json also reports some type mismatches (a number
    // where an enum is expected) as syntax errors, so only a body that fails
    // here is `invalid_json`.
    let tree: serde_json::Value = serde_json::from_str(body).map_err(|_| invalid_json())?;
    if let Some(at) = text::first_control(&tree) {
        return Err(text::refused(at.as_str()));
    }
    let mut de = serde_json::Deserializer::from_str(body);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(structural_error)?;
    de.end().map_err(|_| invalid_json())?;
    Ok(value)
}

/// As [`read_json`], and also refuses a JSON array where an object belongs:
/// serde's derived structs accept a sequence of values in field order, which
/// the contract (and its published schema) does not. `objects` lists the
/// object members as JSON Pointers, `*` standing for every array item.
///
/// The shape is checked before the types are read: serde reads such an array
/// positionally, so its error would name whichever member the position lands
/// on (and move whenever a member is added) instead of the array itself.
pub fn read_json_objects<T: DeserializeOwned>(body: &str, objects: &[&str]) -> Result<T, ValidationError> {
    let tree: serde_json::Value = serde_json::from_str(body).map_err(|_| invalid_json())?;
    for pattern in objects {
        if let Some(path) = first_non_object(&tree, Pointer::root(), pattern.split('/').skip(1).collect::<Vec<_>>().as_slice()) {
            let field = last_segment(path.as_str()).to_string();
            let msg = message(
                ErrorCode::InvalidType,
                Context { field: &field, detail: Some("an object"), ..Context::default() },
            );
            return Err(ValidationError::new(path, ErrorCode::InvalidType, msg));
        }
    }
    read_json(body)
}

fn first_non_object(value: &serde_json::Value, at: Pointer, rest: &[&str]) -> Option<Pointer> {
    let Some((head, tail)) = rest.split_first() else {
        return (!value.is_object() && !value.is_null()).then_some(at);
    };
    if *head == "*" {
        let items = value.as_array()?;
        return items
            .iter()
            .enumerate()
            .find_map(|(i, item)| first_non_object(item, at.index(i), tail));
    }
    let child = value.get(*head)?;
    first_non_object(child, at.key(head), tail)
}

fn invalid_json() -> ValidationError {
    ValidationError::new(
        "",
        ErrorCode::InvalidJson,
        message(ErrorCode::InvalidJson, Context::default()),
    )
}

fn structural_error(err: serde_path_to_error::Error<serde_json::Error>) -> ValidationError {
    let mut pointer = Pointer::root();
    for segment in err.path().iter() {
        pointer = match segment {
            Segment::Seq { index } => pointer.index(*index),
            Segment::Map { key } => pointer.key(key),
            Segment::Enum { .. } | Segment::Unknown => pointer,
        };
    }
    let inner = err.inner();
    if inner.is_eof() || inner.is_io() {
        return invalid_json();
    }
    // serde reports data errors only as text; these prefixes are the stable
    // wording of serde's `de::Error` default constructors.
    let text = inner.to_string();
    let expected = text
        .split_once(", expected ")
        .map(|(_, e)| e.split(" at line ").next().unwrap_or(e).to_string());
    let field = |p: &Pointer| last_segment(p.as_str()).to_string();
    let (path, code) = if let Some(rest) = text.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or_default();
        (pointer.key(name), ErrorCode::Required)
    } else if let Some(rest) = text.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or_default();
        // serde_path_to_error already records the unknown key as the last segment.
        let path = if last_segment(pointer.as_str()) == name {
            pointer
        } else {
            pointer.key(name)
        };
        (path, ErrorCode::UnknownField)
    } else if text.starts_with("unknown variant") {
        (pointer, ErrorCode::UnknownCode)
    } else if text.starts_with("duplicate field") {
        return invalid_json();
    } else {
        (pointer, ErrorCode::InvalidType)
    };
    let name = field(&path);
    let msg = message(
        code,
        Context {
            field: &name,
            detail: expected.as_deref(),
            ..Context::default()
        },
    );
    ValidationError::new(path, code, msg)
}

fn last_segment(pointer: &str) -> &str {
    pointer.rsplit('/').next().unwrap_or_default()
}

/// Flattens `validator`'s tree into pointer-addressed errors under `base`.
pub fn flatten(errors: &ValidationErrors, base: &Pointer, out: &mut Vec<ValidationError>) {
    for (field, kind) in errors.errors() {
        let path = base.key(field);
        match kind {
            ValidationErrorsKind::Field(list) => {
                for e in list {
                    let code = ErrorCode::parse(&e.code).unwrap_or(ErrorCode::Format);
                    let int = |k: &str| e.params.get(k).and_then(serde_json::Value::as_i64);
                    let is_array = e.params.get("value").is_some_and(serde_json::Value::is_array);
                    let msg = message(
                        code,
                        Context {
                            field,
                            min: int("min"),
                            max: int("max"),
                            is_array,
                            detail: None,
                        },
                    );
                    out.push(ValidationError::new(path.clone(), code, msg));
                }
            }
            ValidationErrorsKind::Struct(inner) => flatten(inner, &path, out),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    flatten(inner, &path.index(*i), out);
                }
            }
        }
    }
}

/// Adds a `duplicate` error at `path` when `items` repeats a value.
pub fn check_unique<T: PartialEq>(items: &[T], path: Pointer, out: &mut Vec<ValidationError>) {
    let repeated = items
        .iter()
        .enumerate()
        .any(|(i, a)| items[..i].contains(a));
    if repeated {
        out.push(rule(path, ErrorCode::Duplicate));
    }
}

/// A rule error whose message needs nothing but the field name.
pub fn rule(path: Pointer, code: ErrorCode) -> ValidationError {
    let msg = message(
        code,
        Context {
            field: last_segment(path.as_str()),
            ..Context::default()
        },
    );
    ValidationError::new(path, code, msg)
}
