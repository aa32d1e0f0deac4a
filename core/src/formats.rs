//! Character-level formats: case references, language codes, phone numbers
//! and email addresses.
//!
//! Written by hand rather than with `regex` (and instead of `validator`'s
//! email rule, which uses it): the regex engine and its Unicode tables were
//! most of the wasm module the partner form downloads on cheap phones. The
//! email rule follows `validator`'s (user part of RFC 5322 atext and dots,
//! domain of LDH labels or an IP literal, 64/255 length limits), except that
//! non-ASCII domain letters are accepted as is instead of through IDNA.
//! `core/tests/formats.rs` pins the behaviour.

use validator::ValidationError;

fn format_error() -> ValidationError {
    ValidationError::new("format")
}

fn check(ok: bool) -> Result<(), ValidationError> {
    if ok {
        Ok(())
    } else {
        Err(format_error())
    }
}

/// `A-Z a-z 0-9 . _ / -` only.
pub fn is_case_ref(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '-'))
}

/// ISO 639-1 shape: two lower-case ASCII letters.
pub fn is_language(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_lowercase())
}

/// E.164: `+` then 8 to 15 digits.
pub fn is_phone(s: &str) -> bool {
    s.strip_prefix('+')
        .is_some_and(|digits| (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()))
}

fn is_user_part(s: &str) -> bool {
    !s.is_empty()
        && s.chars().count() <= 64
        && s.chars().all(|c| c.is_ascii_alphanumeric() || ".!#$%&'*+/=?^_`{|}~-".contains(c))
}

fn is_label(label: &str) -> bool {
    let n = label.chars().count();
    let alnum = |c: char| c.is_ascii_alphanumeric() || (!c.is_ascii() && c.is_alphanumeric());
    (1..=63).contains(&n)
        && label.chars().all(|c| alnum(c) || c == '-')
        && label.chars().next().is_some_and(alnum)
        && label.chars().last().is_some_and(alnum)
}

fn is_domain_part(s: &str) -> bool {
    if s.chars().count() > 255 {
        return false;
    }
    if let Some(literal) = s.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        return literal.parse::<std::net::IpAddr>().is_ok();
    }
    s.split('.').all(is_label)
}

pub fn is_email(s: &str) -> bool {
    match s.rsplit_once('@') {
        Some((user, domain)) => is_user_part(user) && is_domain_part(domain),
        None => false,
    }
}

// `validator` custom-rule adapters (it passes `&String` for `Option<String>` fields).
pub(crate) fn case_ref(s: &str) -> Result<(), ValidationError> {
    check(is_case_ref(s))
}
pub(crate) fn language(s: &str) -> Result<(), ValidationError> {
    check(is_language(s))
}
pub(crate) fn phone(s: &str) -> Result<(), ValidationError> {
    check(is_phone(s))
}
pub(crate) fn email(s: &str) -> Result<(), ValidationError> {
    check(is_email(s))
}
