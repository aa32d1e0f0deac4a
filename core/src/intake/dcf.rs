//! What DCF did about a minor, and when a minor waits too long for it.
//!
//! Sec. 10(a): "The Commissioner of Children and Families [may] shall: (1) Provide child welfare
//! services for any minor child residing in the state who is identified by the Department of
//! Children and Families as a victim of trafficking ... and (2) provide appropriate services to a
//! minor child residing in the state who the Department of Children and Families reasonably
//! believes may be a victim of trafficking". "Shall" makes the answer a record: each minor
//! Beacon knows of (a partner's submission or an incident) carries DCF's response, and a minor
//! with none after a set number of calendar days is overdue.

use crate::contract::problem::{ErrorCode, ValidationError};
use crate::reference::codes::code_list;
use chrono::NaiveDate;

code_list!(
    /// DCF's response to a minor identified or reasonably believed to be a victim (Sec. 10(a)).
    DcfResponse, "dcf_response" {
        AcceptedForServices => "accepted_for_services", "Accepted for services";
        AssessedNotAccepted => "assessed_not_accepted", "Assessed, not accepted";
        AlreadyOpenCase => "already_open_case", "Already an open DCF case";
    }
);

code_list!(
    /// Why DCF assessed a minor and did not accept them for services.
    DcfNotAcceptedReason, "dcf_not_accepted_reason" {
        NoTraffickingIndicators => "no_trafficking_indicators", "No indicators of trafficking found";
        NotAMinor => "not_a_minor", "The person is 18 or older";
        NotResidingInState => "not_residing_in_state", "Does not reside in Connecticut";
        CouldNotLocate => "could_not_locate", "Could not be located";
        ServedByAnotherAgency => "served_by_another_agency", "Served by another agency";
        Other => "other", "Other";
    }
);

/// Calendar days DCF has to record a response before a minor is overdue, unless configured.
pub const DEFAULT_RESPONSE_DAYS: u32 = 5;

/// A checked response, ready to record; as stored, what the minors queue shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DcfResponseRecord {
    pub response: DcfResponse,
    /// Present exactly when `response` is `assessed_not_accepted`.
    pub reason: Option<DcfNotAcceptedReason>,
    pub responded_on: NaiveDate,
}

impl DcfResponseRecord {
    /// A response read back from storage; `Err` names a stored code that is not one (our bug).
    pub fn stored(response: &str, reason: Option<&str>, responded_on: NaiveDate) -> Result<Self, String> {
        let response = response.parse::<DcfResponse>().map_err(|()| format!("stored DCF response `{response}`"))?;
        let reason = reason
            .map(|r| r.parse::<DcfNotAcceptedReason>().map_err(|()| format!("stored DCF reason `{r}`")))
            .transpose()?;
        Ok(Self { response, reason, responded_on })
    }
}

/// What the response is recorded on, as far as the rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subject {
    /// Whether a minor is involved: Sec. 10 is about a "minor child", "any person under eighteen".
    pub minor: bool,
    /// A submission already converted to an incident: the incident carries the case now.
    pub converted: bool,
    /// The day Beacon received it (the state's day); DCF cannot answer before.
    pub received_on: NaiveDate,
}

/// Every broken rule of a DCF response (`response`, `reason`, `responded_on` as sent) to `subject`.
///
/// A reason is required when the minor was assessed and not accepted (a refusal of a duty the
/// bill says DCF "shall" meet must say why) and is refused otherwise; the response is dated no
/// later than `today` and no earlier than the day the minor became known.
pub fn check_response(
    subject: Subject,
    response: Option<&str>,
    reason: Option<&str>,
    responded_on: Option<&str>,
    today: NaiveDate,
) -> Result<DcfResponseRecord, Vec<ValidationError>> {
    let mut errors = Vec::new();
    if !subject.minor {
        errors.push(ValidationError::new("", ErrorCode::NotAllowed, "DCF's response is recorded for a minor (Sec. 10): this record involves no one known to be under 18."));
    }
    if subject.converted {
        errors.push(ValidationError::new("", ErrorCode::NotAllowed, "This submission became an incident: record DCF's response on the incident."));
    }
    let response = match response {
        None => {
            errors.push(ValidationError::new("/response", ErrorCode::Required, "Say what DCF did: accepted_for_services, assessed_not_accepted or already_open_case."));
            None
        }
        Some(code) => crate::fields::code::<DcfResponse>("/response", code, &mut errors),
    };
    let reason = match (response, reason) {
        (Some(DcfResponse::AssessedNotAccepted), None) => {
            errors.push(ValidationError::new("/reason", ErrorCode::Required, "Say why the minor was not accepted for services."));
            None
        }
        (Some(DcfResponse::AssessedNotAccepted), Some(code)) => crate::fields::code::<DcfNotAcceptedReason>("/reason", code, &mut errors),
        (_, Some(_)) => {
            errors.push(ValidationError::new("/reason", ErrorCode::NotAllowed, "A reason is given only when the minor was assessed and not accepted."));
            None
        }
        (_, None) => None,
    };
    let responded_on = match responded_on {
        None => {
            errors.push(ValidationError::new("/responded_on", ErrorCode::Required, "The date DCF responded, YYYY-MM-DD."));
            None
        }
        Some(text) => crate::fields::date("/responded_on", text, &mut errors).and_then(|d| {
            if d > today {
                errors.push(ValidationError::new("/responded_on", ErrorCode::FutureDate, "Cannot be in the future."));
                None
            } else if d < subject.received_on {
                errors.push(ValidationError::new("/responded_on", ErrorCode::DateOrder, format!("Cannot be before the record was received ({}).", subject.received_on)));
                None
            } else {
                Some(d)
            }
        }),
    };
    match (response, responded_on) {
        (Some(response), Some(responded_on)) if errors.is_empty() => Ok(DcfResponseRecord { response, reason, responded_on }),
        _ => {
            errors.sort();
            errors.dedup();
            Err(errors)
        }
    }
}

/// The last day a response is on time: `days` calendar days after the day the minor was received.
pub fn due_on(received_on: NaiveDate, days: u32) -> NaiveDate {
    received_on + chrono::Days::new(u64::from(days))
}

/// Whether a minor received on `received_on` is overdue on `today`: no response recorded and
/// `today` past [`due_on`]. A recorded response, whatever it says, ends the wait.
pub fn is_overdue(received_on: NaiveDate, responded: bool, days: u32, today: NaiveDate) -> bool {
    !responded && today > due_on(received_on, days)
}

/// The overdue rule as a bound on the received day, for a query: a minor without a response is
/// overdue on `today` exactly when it was received before the day this returns.
pub fn overdue_if_received_before(today: NaiveDate, days: u32) -> NaiveDate {
    today - chrono::Days::new(u64::from(days))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_overdue_rule_counts_calendar_days_from_receipt() {
        // (received, responded, days, today, overdue)
        let cases = [
            ("2026-03-02", false, 5, "2026-03-02", false),
            ("2026-03-02", false, 5, "2026-03-07", false), // the fifth day is still on time
            ("2026-03-02", false, 5, "2026-03-08", true),
            ("2026-03-02", true, 5, "2026-03-08", false), // any response ends the wait
            ("2026-02-26", false, 5, "2026-03-04", true),  // across a month end, calendar days
            ("2026-03-06", false, 5, "2026-03-09", false), // a weekend counts like any day
            ("2026-03-02", false, 0, "2026-03-02", false),
            ("2026-03-02", false, 0, "2026-03-03", true),
            ("2026-03-02", false, 10, "2026-03-12", false),
            ("2026-03-02", false, 10, "2026-03-13", true),
        ];
        for (received, responded, days, today, overdue) in cases {
            let (received, today) = (day(received), day(today));
            assert_eq!(is_overdue(received, responded, days, today), overdue, "{received} {responded} {days} {today}");
            // The query's bound agrees with the rule for every minor without a response.
            if !responded {
                assert_eq!(received < overdue_if_received_before(today, days), overdue, "bound {received} {days} {today}");
            }
        }
    }

    fn minor() -> Subject {
        Subject { minor: true, converted: false, received_on: day("2026-03-02") }
    }

    fn codes(result: Result<DcfResponseRecord, Vec<ValidationError>>) -> Vec<(String, &'static str)> {
        result.err().unwrap_or_default().into_iter().map(|e| (e.path, e.code.as_str())).collect()
    }

    #[test]
    fn a_response_is_checked_against_its_minor_and_the_day() {
        let today = day("2026-03-10");
        type Case<'a> = (Subject, Option<&'a str>, Option<&'a str>, Option<&'a str>, Vec<(&'a str, &'a str)>);
        let not_minor = Subject { minor: false, ..minor() };
        let converted = Subject { converted: true, ..minor() };
        let cases: Vec<Case> = vec![
            (minor(), Some("accepted_for_services"), None, Some("2026-03-03"), vec![]),
            (minor(), Some("already_open_case"), None, Some("2026-03-02"), vec![]),
            (minor(), Some("assessed_not_accepted"), Some("not_residing_in_state"), Some("2026-03-10"), vec![]),
            (minor(), Some("assessed_not_accepted"), None, Some("2026-03-04"), vec![("/reason", "required")]),
            (minor(), Some("accepted_for_services"), Some("other"), Some("2026-03-04"), vec![("/reason", "not_allowed")]),
            (minor(), Some("assessed_not_accepted"), Some("busy"), Some("2026-03-04"), vec![("/reason", "unknown_code")]),
            (minor(), Some("declined"), None, Some("2026-03-04"), vec![("/response", "unknown_code")]),
            (minor(), None, None, None, vec![("/responded_on", "required"), ("/response", "required")]),
            (minor(), Some("accepted_for_services"), None, Some("2026-03-11"), vec![("/responded_on", "future_date")]),
            (minor(), Some("accepted_for_services"), None, Some("2026-03-01"), vec![("/responded_on", "date_order")]),
            (minor(), Some("accepted_for_services"), None, Some("3 March"), vec![("/responded_on", "format")]),
            (not_minor, Some("accepted_for_services"), None, Some("2026-03-03"), vec![("", "not_allowed")]),
            (converted, Some("accepted_for_services"), None, Some("2026-03-03"), vec![("", "not_allowed")]),
        ];
        for (subject, response, reason, on, want) in cases {
            let got = codes(check_response(subject, response, reason, on, today));
            let want: Vec<(String, &str)> = want.into_iter().map(|(p, c)| (p.to_string(), c)).collect();
            assert_eq!(got, want, "{subject:?} {response:?} {reason:?} {on:?}");
        }
        let ok = check_response(minor(), Some("assessed_not_accepted"), Some("could_not_locate"), Some("2026-03-05"), today).unwrap();
        assert_eq!(
            ok,
            DcfResponseRecord { response: DcfResponse::AssessedNotAccepted, reason: Some(DcfNotAcceptedReason::CouldNotLocate), responded_on: day("2026-03-05") }
        );
    }
}
