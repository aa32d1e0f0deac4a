//! Who reads a screening's answers. The answers are victim data ("exchanged sex for something of
//! value"): sealed at rest, read only by the account that screened (its own record) or by the
//! coordinator with a reason, every read audited — as an intake's contact details are.

use crate::roles::Role;

/// How a caller may read a screening's answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswersRead {
    /// Not at all: 403 if asked.
    Never,
    /// With a reason (10–500 characters), recorded in the audit trail.
    WithReason,
    /// Audited; a reason is optional.
    Audited,
}

/// Whether a caller of `role` sees a screening at all (`own`: made by the caller's account),
/// and how it may read the answers.
pub fn answers_read(role: Role, own: bool) -> (bool, AnswersRead) {
    match role {
        // The coordinator oversees every screening but reads answers only for a stated reason.
        Role::Coordinator => (true, AnswersRead::WithReason),
        // The screening agency's own record, whoever of its staff asks.
        Role::Reporter | Role::Dcf | Role::PartnerStaff if own => (true, AnswersRead::Audited),
        _ => (false, AnswersRead::Never),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_screening_account_and_the_coordinator_read_answers() {
        use AnswersRead::*;
        let table = [
            (Role::Coordinator, false, (true, WithReason)),
            (Role::Coordinator, true, (true, WithReason)),
            (Role::Reporter, true, (true, Audited)),
            (Role::Reporter, false, (false, Never)),
            (Role::Dcf, true, (true, Audited)),
            (Role::Dcf, false, (false, Never)),
            (Role::PartnerStaff, true, (true, Audited)),
            (Role::Partner, true, (false, Never)),
            (Role::Auditor, false, (false, Never)),
            (Role::Admin, false, (false, Never)),
            (Role::Provider, false, (false, Never)),
            (Role::ChildAdvocate, false, (false, Never)),
        ];
        for (role, own, expected) in table {
            assert_eq!(answers_read(role, own), expected, "{role:?} own={own}");
        }
    }
}
