#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The hand-written formats agree with the rules they replace.

use beacon_core::formats::{is_case_ref, is_email, is_language, is_phone};
use validator::ValidateEmail;

#[test]
fn email_agrees_with_the_validator_crate_on_ascii_addresses() {
    let samples = [
        "person@example.org", "a@b", "a.b+tag@sub.example.co.uk", "x@[127.0.0.1]", "x@[::1]", "o'neil@example.ie",
        "not-an-email", "a@", "@b.com", "a@b..com", "a@-b.com", "a@b-.com", "a b@example.org", "a@exa mple.org",
        "a@@b.com", "user@[300.1.1.1]", "\"quoted\"@example.org", "a@b.c-d.e", &format!("{}@x.org", "u".repeat(65)),
        &format!("u@{}.org", "d".repeat(64)), "", "a@b.com.", "first.last@example.org", "UPPER@EXAMPLE.ORG",
    ];
    for s in samples {
        assert_eq!(is_email(s), s.validate_email(), "{s:?}");
    }
}

#[test]
fn phone_is_plus_and_8_to_15_digits() {
    for (s, ok) in [("+18605551234", true), ("+12345678", true), ("+123456789012345", true), ("+1234567", false),
                    ("+1234567890123456", false), ("860-555-1234", false), ("18605551234", false), ("+1860555123a", false)] {
        assert_eq!(is_phone(s), ok, "{s}");
    }
}

#[test]
fn language_is_two_lowercase_letters_and_case_refs_a_small_alphabet() {
    assert!(is_language("es") && !is_language("EN") && !is_language("eng") && !is_language("e") && !is_language("é"));
    assert!(is_case_ref("DCF-2026/0042_a.b") && !is_case_ref("AB 12") && !is_case_ref("X#1"));
}
