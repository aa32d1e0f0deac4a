//! Character-level formats, one rule each, used by every contract (incidents, intake, training,
//! the directory): case references, language codes, phone numbers, email addresses and URLs.
//!
//! - Language: ISO 639-1, two lower-case letters (`en`, `es`, `pt`). Chosen over BCP 47 because
//!   every list Beacon serves (the intake form's languages, a provider's languages, HSDS
//!   `language.code`) names a language, not a locale; a region subtag would split one language's
//!   counts. `es-MX` is refused with a `format` error naming the rule.
//! - Phone: E.164 (`+` and 8 to 15 digits). What people type (`(860) 555-0123`) is first put
//!   through [`normalize_phone`], here and in the browser (through wasm), so both agree.
//! - URL: an absolute `http` or `https` URL with a host and no spaces.
//! - Web origin: `https://host[:port]` — the scheme, host and port a browser sends in `Origin`,
//!   nothing more; plain `http` only for the machine itself (`localhost`, 127.0.0.0/8, `[::1]`),
//!   since a publishable key bound to a plain-http site could be replayed by anyone on its path.
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

/// A phone number as people type it, to E.164 where that is unambiguous: spaces and `( ) . -`
/// are dropped, and a 10-digit (or 1 + 10-digit) North American number gets its `+1`. Anything
/// else comes back compacted, for [`is_phone`] to judge. Empty input gives an empty string.
pub fn normalize_phone(text: &str) -> String {
    let compact: String = text
        .trim()
        .chars()
        .filter(|c| !(c.is_whitespace() || matches!(c, '(' | ')' | '.' | '-')))
        .collect();
    let all_digits = !compact.is_empty() && compact.bytes().all(|b| b.is_ascii_digit());
    if all_digits && compact.len() == 10 {
        format!("+1{compact}")
    } else if all_digits && compact.len() == 11 && compact.starts_with('1') {
        format!("+{compact}")
    } else {
        compact
    }
}

/// An absolute `http://` or `https://` URL with a host, at most 2,000 characters, no spaces
/// or control characters.
pub fn is_url(s: &str) -> bool {
    let lower = s.get(..8).map(str::to_ascii_lowercase).unwrap_or_default();
    let rest = if lower.starts_with("https://") {
        &s[8..]
    } else if lower.starts_with("http://") {
        &s[7..]
    } else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host_name = host.rsplit_once(':').map_or(host, |(h, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) { h } else { host }
    });
    s.chars().count() <= 2000
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && !host_name.is_empty()
        && (host_name.split('.').all(is_label)
            || host_name.strip_prefix('[').and_then(|h| h.strip_suffix(']')).is_some_and(|ip| ip.parse::<std::net::Ipv6Addr>().is_ok()))
}

/// A web origin as [`is_web_origin`] judges it, in the form browsers send it: scheme and host
/// in lower case, no trailing `/`. `None` when it is not one.
pub fn web_origin(s: &str) -> Option<String> {
    let lower = s.strip_suffix('/').unwrap_or(s).to_ascii_lowercase();
    let (scheme, authority) = lower.split_once("://")?;
    if authority.contains(['/', '?', '#', '@']) || !is_url(&lower) {
        return None;
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (addr, rest) = v6.split_once(']')?;
            (&authority[..addr.len() + 2], rest)
        }
        None => authority.find(':').map_or((authority, ""), |at| authority.split_at(at)),
    };
    let port_ok = port.is_empty()
        || port.strip_prefix(':').is_some_and(|p| (1..=5).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
    // The machine itself: any of IPv4's loopback block 127.0.0.0/8 (RFC 1122), not only .1.
    let local = matches!(host, "localhost" | "[::1]") || host.parse::<std::net::Ipv4Addr>().is_ok_and(|ip| ip.is_loopback());
    match scheme {
        _ if !port_ok || host.is_empty() => None,
        "https" => Some(lower),
        "http" if local => Some(lower),
        _ => None,
    }
}

/// `https://host[:port]`, or `http://` for `localhost`, 127.0.0.0/8 and `[::1]` (see the module docs).
pub fn is_web_origin(s: &str) -> bool {
    web_origin(s).is_some()
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

/// [`is_email`] as one regular expression that ECMAScript (with the `u` flag, as JSON Schema
/// validators such as ajv use it) and Rust's `regex` both read, published as the `pattern` of every
/// email member of the OpenAPI document instead of `format: email` (whose RFC 5321 reading refuses
/// `a..b@example.com`, `a@localhost` and `a@exämple.com`, which Beacon accepts). A domain letter is
/// `\p{Alphabetic}` or `\p{N}`, what `char::is_alphanumeric` tests. It says all the rule says but
/// the 255-character bound on the domain (the schemas' `maxLength` bounds the whole address) and
/// which IPv6 literals parse (any of hex digits, colons and dots with a colon passes here):
/// looser there, never stricter. `openapi_contract` checks both engines agree with [`is_email`].
pub const EMAIL_PATTERN: &str = r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@([\p{Alphabetic}\p{N}]([\p{Alphabetic}\p{N}-]{0,61}[\p{Alphabetic}\p{N}])?(\.[\p{Alphabetic}\p{N}]([\p{Alphabetic}\p{N}-]{0,61}[\p{Alphabetic}\p{N}])?)*|\[((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)\])$";

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
