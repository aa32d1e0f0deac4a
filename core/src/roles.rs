//! Who acts under the bill, as the roles an API key carries.
//!
//! One list, settled once (issue "Exactly as the bill says", part 0) for this and every later
//! feature; the server's access policy names these roles on each operation and the README's
//! role table describes them. Several roles are *bound to their account*: a `reporter` reports
//! only as its account's agency, a `partner` and its `partner_staff` share the partner
//! organization's account (the staff key reads what that organization's form received, nothing
//! else), and a `provider` answers the referrals made to its own account.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A reporting agency's staff: Sec. 1(b) "each state agency … shall report" incidents, as
    /// the key's own agency.
    Reporter,
    /// A partner organization's publishable intake-form key, bound to its web origins.
    Partner,
    /// The Human Trafficking Prevention Coordinator's office, Sec. 1: the state-wide view.
    Coordinator,
    /// Reads and verifies the audit trail, nothing else.
    Auditor,
    /// Issues, rotates and revokes keys.
    Admin,
    /// DCF staff. Sec. 10(a): "the Department of Children and Families shall provide services to
    /// any minor child identified or reasonably believed to be a victim of trafficking": the
    /// minors queue and DCF's responses to it.
    Dcf,
    /// A partner organization's own staff: reads and works the submissions its own form
    /// received, contact and notes included (every read audited).
    PartnerStaff,
    /// A directory provider answering the referrals made to it (the screening and pathways work).
    Provider,
    /// The Office of the Child Advocate's staff (the oversight registers).
    ChildAdvocate,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::Reporter,
        Role::Partner,
        Role::Coordinator,
        Role::Auditor,
        Role::Admin,
        Role::Dcf,
        Role::PartnerStaff,
        Role::Provider,
        Role::ChildAdvocate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reporter => "reporter",
            Role::Partner => "partner",
            Role::Coordinator => "coordinator",
            Role::Auditor => "auditor",
            Role::Admin => "admin",
            Role::Dcf => "dcf",
            Role::PartnerStaff => "partner_staff",
            Role::Provider => "provider",
            Role::ChildAdvocate => "child_advocate",
        }
    }

    /// Only the intake form's publishable key is called from other sites' pages, so only it is
    /// bound to origins (and carries the `bpk_` prefix).
    pub fn publishable(self) -> bool {
        self == Role::Partner
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| {
            let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
            format!("unknown role `{s}`; expected one of {}", names.join(", "))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_reads_back_from_its_name_and_its_wire_form() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            assert_eq!(serde_json::to_value(role).unwrap(), serde_json::json!(role.as_str()));
        }
        assert!("dcf_staff".parse::<Role>().unwrap_err().contains("partner_staff, provider, child_advocate"));
    }

    #[test]
    fn only_the_partner_form_key_is_publishable() {
        let publishable: Vec<Role> = Role::ALL.into_iter().filter(|r| r.publishable()).collect();
        assert_eq!(publishable, vec![Role::Partner]);
    }
}
