//! Who sees what of a partner submission: the person's consent decides.
//!
//! The form asks "May we share this with Connecticut's anti-trafficking coordinator?" and its
//! "No" reads "keep it with this organization". The answer binds:
//!
//! - The partner organization that received the submission reads and works it, contact and notes
//!   included, with its own staff key (`partner_staff`); every read is audited. Another
//!   organization's staff do not learn it exists.
//! - The coordinator (Sec. 1: the state-wide view) always sees the de-identified facts — concern
//!   types, age group, town, needs, language — because they are counted for the statistics
//!   without identity, and a minor's must reach DCF. With consent in force the coordinator may
//!   also read the contact and notes, for a stated reason (audited), and convert the submission
//!   with the person's identity; without it, never.
//! - DCF sees the de-identified facts of a minor's submission, naming the partner: Sec. 10(a)
//!   "shall ... provide appropriate services to a minor child ... who the Department of Children
//!   and Families reasonably believes may be a victim of trafficking", whatever the consent, and
//!   follows up through the partner that holds the contact.
//!
//! VAWA confidentiality makes consent "written, time-limited" and revocable: a partner may
//! withdraw it on the person's behalf ([`check_withdrawal`]), which ends the coordinator's access.

use crate::contract::problem::{ErrorCode, ValidationError};
use crate::roles::Role;
use chrono::NaiveDate;
use serde_json::{Map, Value};

/// The person's consent to share, as it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Consent {
    /// The form's answer.
    pub given: bool,
    /// Withdrawn since, by the partner on the person's behalf.
    pub withdrawn: bool,
}

impl Consent {
    pub fn in_force(self) -> bool {
        self.given && !self.withdrawn
    }
}

/// How a viewer may read the sealed contact details and notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactRead {
    Never,
    /// With a stated reason, recorded in the audit trail (the coordinator, as for an incident's
    /// identity).
    WithReason,
    /// The organization the person wrote to: its own record, each read audited.
    Audited,
}

/// How a viewer may turn the submission into an incident report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Convert {
    Never,
    /// Only without a narrative or a victim's identity: the facts may be counted, the person
    /// may not be named.
    DeIdentified,
    WithIdentity,
}

/// What one viewer sees of one submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sight {
    /// Whether the viewer may learn the submission exists at all (otherwise: not found).
    pub visible: bool,
    /// The handles of the case beyond the de-identified facts: the receipt reference the person
    /// holds and whether they may be contacted.
    pub case_details: bool,
    pub contact: ContactRead,
    pub convert: Convert,
}

const HIDDEN: Sight = Sight { visible: false, case_details: false, contact: ContactRead::Never, convert: Convert::Never };
const FACTS: Sight = Sight { visible: true, case_details: false, contact: ContactRead::Never, convert: Convert::Never };

/// What `role` sees of a submission: `same_organization` when the viewer's account is the
/// partner whose form received it; `minor` when it involves someone under 18.
pub fn sight(role: Role, same_organization: bool, consent: Consent, minor: bool) -> Sight {
    match role {
        Role::PartnerStaff if same_organization => Sight { visible: true, case_details: true, contact: ContactRead::Audited, convert: Convert::Never },
        Role::Coordinator if consent.in_force() => Sight { visible: true, case_details: true, contact: ContactRead::WithReason, convert: Convert::WithIdentity },
        Role::Coordinator => Sight { convert: Convert::DeIdentified, ..FACTS },
        Role::Dcf if minor => FACTS,
        // The publishable form key only sends; everyone else has no business with intake.
        _ => HIDDEN,
    }
}

/// The members of a conversion's overrides that would name the person: refused when the
/// conversion may only be [`Convert::DeIdentified`].
pub fn identifying_overrides(overrides: &Map<String, Value>) -> Vec<ValidationError> {
    const WHY: &str = "The person did not consent to share this submission beyond the partner: it converts without identity.";
    let mut errors = Vec::new();
    if overrides.contains_key("narrative") {
        errors.push(ValidationError::new("/narrative", ErrorCode::NotAllowed, WHY));
    }
    if let Some(Value::Array(victims)) = overrides.get("victims") {
        for (i, victim) in victims.iter().enumerate() {
            if victim.get("identity").is_some() {
                errors.push(ValidationError::new(format!("/victims/{i}/identity"), ErrorCode::NotAllowed, WHY));
            }
        }
    }
    errors
}

/// The day consent is withdrawn (`withdrawn_on` as sent), when it may be: consent was given and
/// is still in force, and the day lies between the submission's receipt and `today`.
pub fn check_withdrawal(consent: Consent, received_on: NaiveDate, withdrawn_on: Option<&str>, today: NaiveDate) -> Result<NaiveDate, Vec<ValidationError>> {
    const PATH: &str = "/withdrawn_on";
    let mut errors = Vec::new();
    if !consent.given {
        errors.push(ValidationError::new("", ErrorCode::NotAllowed, "The person did not consent to share: there is nothing to withdraw."));
    } else if consent.withdrawn {
        errors.push(ValidationError::new("", ErrorCode::NotAllowed, "Consent was already withdrawn."));
    }
    let day = match withdrawn_on {
        None => {
            errors.push(ValidationError::new(PATH, ErrorCode::Required, "The day the person withdrew consent, YYYY-MM-DD."));
            None
        }
        Some(text) => crate::fields::date(PATH, text, &mut errors).and_then(|d| {
            if d > today {
                errors.push(ValidationError::new(PATH, ErrorCode::FutureDate, "Cannot be in the future."));
                None
            } else if d < received_on {
                errors.push(ValidationError::new(PATH, ErrorCode::DateOrder, format!("Cannot be before the submission was received ({received_on}).")));
                None
            } else {
                Some(d)
            }
        }),
    };
    match day {
        Some(day) if errors.is_empty() => Ok(day),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    const GIVEN: Consent = Consent { given: true, withdrawn: false };
    const REFUSED: Consent = Consent { given: false, withdrawn: false };
    const WITHDRAWN: Consent = Consent { given: true, withdrawn: true };

    /// (visible, case details, contact, convert), compactly.
    fn short(s: Sight) -> (bool, bool, ContactRead, Convert) {
        (s.visible, s.case_details, s.contact, s.convert)
    }

    #[test]
    fn what_each_role_sees_of_a_submission_with_and_without_consent() {
        use ContactRead::{Audited, Never as NoContact, WithReason};
        use Convert::{DeIdentified, Never as NoConvert, WithIdentity};
        let hidden = (false, false, NoContact, NoConvert);
        let facts = (true, false, NoContact, NoConvert);
        // (role, same organization, consent, minor) → sight
        let cases = [
            (Role::Coordinator, false, GIVEN, false, (true, true, WithReason, WithIdentity)),
            (Role::Coordinator, false, GIVEN, true, (true, true, WithReason, WithIdentity)),
            (Role::Coordinator, false, REFUSED, false, (true, false, NoContact, DeIdentified)),
            (Role::Coordinator, false, REFUSED, true, (true, false, NoContact, DeIdentified)),
            (Role::Coordinator, false, WITHDRAWN, true, (true, false, NoContact, DeIdentified)),
            (Role::PartnerStaff, true, GIVEN, false, (true, true, Audited, NoConvert)),
            (Role::PartnerStaff, true, REFUSED, true, (true, true, Audited, NoConvert)),
            (Role::PartnerStaff, true, WITHDRAWN, false, (true, true, Audited, NoConvert)),
            (Role::PartnerStaff, false, GIVEN, true, hidden),
            (Role::PartnerStaff, false, REFUSED, false, hidden),
            (Role::Dcf, false, GIVEN, true, facts),
            (Role::Dcf, false, REFUSED, true, facts),
            (Role::Dcf, false, GIVEN, false, hidden),
            (Role::Partner, true, GIVEN, true, hidden),
            (Role::Reporter, false, GIVEN, true, hidden),
            (Role::Auditor, false, GIVEN, true, hidden),
            (Role::Admin, false, GIVEN, true, hidden),
            (Role::Provider, false, GIVEN, true, hidden),
            (Role::ChildAdvocate, false, GIVEN, true, hidden),
        ];
        for (role, same, consent, minor, want) in cases {
            assert_eq!(short(sight(role, same, consent, minor)), want, "{role:?} same={same} {consent:?} minor={minor}");
        }
    }

    #[test]
    fn a_conversion_without_consent_may_not_name_the_person() {
        let overrides = json!({"reporting_agency": "dcf", "narrative": "x", "victims": [{"sex": "female"}, {"sex": "male", "identity": {"given_name": "A"}}]});
        let errors = identifying_overrides(overrides.as_object().unwrap());
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["/narrative", "/victims/1/identity"]);
        assert!(identifying_overrides(json!({"reporting_agency": "dcf", "victims": [{"sex": "female"}]}).as_object().unwrap()).is_empty());
    }

    #[test]
    fn consent_is_withdrawn_once_on_a_day_between_receipt_and_today() {
        let received: NaiveDate = "2026-03-02".parse().unwrap();
        let today: NaiveDate = "2026-03-10".parse().unwrap();
        type Case<'a> = (Consent, Option<&'a str>, Result<&'a str, Vec<(&'a str, &'a str)>>);
        let cases: [Case; 6] = [
            (GIVEN, Some("2026-03-09"), Ok("2026-03-09")),
            (GIVEN, Some("2026-03-11"), Err(vec![("/withdrawn_on", "future_date")])),
            (GIVEN, Some("2026-03-01"), Err(vec![("/withdrawn_on", "date_order")])),
            (GIVEN, None, Err(vec![("/withdrawn_on", "required")])),
            (REFUSED, Some("2026-03-09"), Err(vec![("", "not_allowed")])),
            (WITHDRAWN, Some("2026-03-09"), Err(vec![("", "not_allowed")])),
        ];
        for (consent, on, want) in cases {
            let got = check_withdrawal(consent, received, on, today)
                .map(|d| d.to_string())
                .map_err(|e| e.into_iter().map(|e| (e.path, e.code.as_str())).collect::<Vec<_>>());
            let want = want.map(str::to_string).map_err(|e| e.into_iter().map(|(p, c)| (p.to_string(), c)).collect::<Vec<_>>());
            assert_eq!(got, want, "{consent:?} {on:?}");
        }
    }
}
