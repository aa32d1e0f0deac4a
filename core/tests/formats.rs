#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The hand-written formats agree with the rules they replace.

use beacon_core::reference::formats::{is_case_ref, is_email, is_language, is_phone};
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

#[test]
fn phone_numbers_as_people_type_them_become_e164() {
    use beacon_core::reference::formats::{is_phone, normalize_phone};
    let cases = [
        ("(860) 555-0123", "+18605550123"),
        ("860.555.0123", "+18605550123"),
        ("1 860 555 0123", "+18605550123"),
        ("+44 20 7946 0958", "+442079460958"),
        ("  ", ""),
        ("555-0123", "5550123"),
        ("860-555-012x", "860555012x"),
    ];
    for (typed, want) in cases {
        assert_eq!(normalize_phone(typed), want, "{typed}");
    }
    assert!(is_phone(&normalize_phone("(860) 555-0123")));
    assert!(!is_phone(&normalize_phone("555-0123")));
}

#[test]
fn urls_are_absolute_http_or_https_with_a_host() {
    use beacon_core::reference::formats::is_url;
    for ok in ["https://example.org", "http://example.org/a?b=c#d", "HTTPS://Example.org:8443/x", "https://[::1]/", "https://sub.ex-ample.org"] {
        assert!(is_url(ok), "{ok}");
    }
    for bad in ["example.org", "ftp://example.org", "https://", "https:// example.org", "javascript:alert(1)", "https://exa mple.org", "https://-bad-.org", "mailto:a@b.org"] {
        assert!(!is_url(bad), "{bad}");
    }
}
