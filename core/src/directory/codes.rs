//! The directory's closed code lists. Each is published by `GET /v1/codes`, the data dictionary
//! and the wasm `codes()`, so a partner form and the server offer the same choices.

use crate::reference::codes::{code_list, CodeEntry, CodeList};

code_list!(
    /// Where a service stands (HSDS 3.1 `service.status`; HSDS spells the last one
    /// `temporarily closed`, which the HSDS routes write out).
    ServiceStatus, "service_status" {
        Active => "active", "Active";
        Inactive => "inactive", "Inactive";
        Defunct => "defunct", "Defunct";
        TemporarilyClosed => "temporarily_closed", "Temporarily closed";
    }
);

impl ServiceStatus {
    /// The status as HSDS 3.1 spells it (`temporarily closed`, with a space), for the public
    /// HSDS routes.
    pub fn hsds(self) -> &'static str {
        match self {
            ServiceStatus::TemporarilyClosed => "temporarily closed",
            other => other.code(),
        }
    }
}

code_list!(
    /// Where an organization stands. HSDS has no organization status; Beacon keeps one so that a
    /// provider that closes can be taken out of referrals.
    OrganizationStatus, "organization_status" {
        Active => "active", "Active";
        Inactive => "inactive", "Inactive";
        Defunct => "defunct", "Defunct";
    }
);

code_list!(
    /// People a service is for.
    ServedPopulation, "served_population" {
        Minors => "minors", "Minors";
        Adults => "adults", "Adults";
        Women => "women", "Women";
        Men => "men", "Men";
        Lgbtq => "lgbtq", "LGBTQ+ people";
        ForeignNationals => "foreign_nationals", "Foreign nationals";
        SexTrafficking => "sex_trafficking", "Survivors of sex trafficking";
        LaborTrafficking => "labor_trafficking", "Survivors of labor trafficking";
    }
);

code_list!(
    /// How the coordinator's staff verified a service.
    VerificationMethod, "verification_method" {
        SiteVisit => "site_visit", "Site visit";
        Phone => "phone", "Phone call";
        DocumentReview => "document_review", "Document review";
    }
);

code_list!(
    /// Kinds of phone number (HSDS 3.1 `phone.type`).
    PhoneType, "phone_type" {
        Text => "text", "Text messages";
        Voice => "voice", "Voice";
        Fax => "fax", "Fax";
        Cell => "cell", "Cell phone";
        Video => "video", "Video call";
        Pager => "pager", "Pager";
        Textphone => "textphone", "Textphone (TTY)";
    }
);

code_list!(
    /// Where a referral stands in its lifecycle (`beacon_core::directory::lifecycle`): proposed by
    /// the referrer, sent to the provider, answered by the provider (accepted or declined), service
    /// started, closed; or withdrawn by the referrer while it is open. `declined` with reason
    /// `capacity` is the unmet demand the gap analysis counts.
    ReferralStatus, "referral_status" {
        Proposed => "proposed", "Proposed";
        Sent => "sent", "Sent to the provider";
        Accepted => "accepted", "Accepted by the provider";
        Declined => "declined", "Declined by the provider";
        ServiceStarted => "service_started", "Service started";
        Closed => "closed", "Closed";
        Withdrawn => "withdrawn", "Withdrawn by the referrer";
    }
);

code_list!(
    /// Why a provider declined a referral.
    DeclineReason, "referral_decline_reason" {
        Capacity => "capacity", "No capacity";
        Eligibility => "eligibility", "Not eligible";
        ClientDeclined => "client_declined", "The person declined";
        Other => "other", "Other reason";
    }
);

/// The directory's lists, for [`crate::reference::codes::all_lists`].
pub fn directory_lists() -> Vec<(&'static str, Vec<CodeEntry>)> {
    vec![
        (ServiceStatus::NAME, ServiceStatus::entries()),
        (OrganizationStatus::NAME, OrganizationStatus::entries()),
        (ServedPopulation::NAME, ServedPopulation::entries()),
        (VerificationMethod::NAME, VerificationMethod::entries()),
        (PhoneType::NAME, PhoneType::entries()),
        (ReferralStatus::NAME, ReferralStatus::entries()),
        (DeclineReason::NAME, DeclineReason::entries()),
    ]
}
