//! The rules of a new API key, the same whether an administrator asks over
//! HTTP (`POST /v1/admin/keys`) or on the command line (`beacon keys create`).
//!
//! * The account is named, 1–200 characters.
//! * Only a partner's publishable key is bound to origins: the intake form is
//!   the one route called from other sites' pages. Every origin is a web
//!   origin ([`crate::reference::formats::web_origin`]: https, or http for the
//!   machine itself), listed once, at most [`MAX_ORIGINS`] of them.
//! * An expiry, when given, is after `now`: a key born expired is a mistake.

use chrono::{DateTime, Utc};

use crate::contract::problem::{ErrorCode, ValidationError};
use crate::reference::formats::web_origin;
use crate::roles::Role;

/// The most origins one partner key is bound to: a partner's sites, not a list of the web.
pub const MAX_ORIGINS: usize = 20;
/// The longest account name.
pub const MAX_ACCOUNT_CHARS: usize = 200;

/// A key as asked for.
#[derive(Debug, Clone, Copy)]
pub struct NewKey<'a> {
    pub account: &'a str,
    /// Its role: only the partner's publishable form key is bound to origins.
    pub role: Role,
    pub origins: &'a [String],
    pub expires_at: Option<DateTime<Utc>>,
}

/// A key that may be issued: the account name trimmed, the origins as browsers send them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedKey {
    pub account: String,
    pub origins: Vec<String>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Every broken rule of a new key as of `now`, or the key to issue.
/// Paths name the HTTP body's members (`/account`, `/origins/0`, `/expires_at`).
pub fn check_new_key(key: &NewKey<'_>, now: DateTime<Utc>) -> Result<CheckedKey, Vec<ValidationError>> {
    let mut errors = Vec::new();
    let account = key.account.trim();
    if account.is_empty() || account.chars().count() > MAX_ACCOUNT_CHARS {
        errors.push(ValidationError::new("/account", ErrorCode::Length, "Must have between 1 and 200 characters."));
    }
    if !key.role.publishable() && !key.origins.is_empty() {
        errors.push(ValidationError::new("/origins", ErrorCode::Length, "Only partner keys are bound to origins."));
    } else if key.origins.len() > MAX_ORIGINS {
        errors.push(ValidationError::new("/origins", ErrorCode::Length, format!("Must list at most {MAX_ORIGINS} origins.")));
    }
    let mut origins: Vec<String> = Vec::with_capacity(key.origins.len());
    for (i, origin) in key.origins.iter().enumerate() {
        match web_origin(origin.trim()) {
            Some(o) if origins.contains(&o) => {
                errors.push(ValidationError::new(format!("/origins/{i}"), ErrorCode::Duplicate, "Lists the same origin more than once."));
            }
            Some(o) => origins.push(o),
            None => errors.push(ValidationError::new(
                format!("/origins/{i}"),
                ErrorCode::Format,
                "Must be an origin such as https://example.org (http only for localhost).",
            )),
        }
    }
    if key.expires_at.is_some_and(|at| at <= now) {
        errors.push(ValidationError::new("/expires_at", ErrorCode::Range, "Must be in the future."));
    }
    if errors.is_empty() {
        Ok(CheckedKey { account: account.to_string(), origins, expires_at: key.expires_at })
    } else {
        Err(errors)
    }
}
