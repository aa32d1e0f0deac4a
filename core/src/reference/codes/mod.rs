//! Closed code lists of the v1 contract. Changing any list is a schema version bump.
//!
//! Each list is declared once with `code_list!`, which gives the enum its wire
//! code, an English label, `ALL` for dictionaries, and the OpenAPI enum.

use serde::Serialize;

/// One entry of a code list as published by `GET /v1/codes` and the wasm `codes()`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeEntry {
    pub code: &'static str,
    pub label: &'static str,
}

/// The codes of `items`, as stored (text arrays in the database).
pub fn code_strings<T: CodeList>(items: &[T]) -> Vec<String> {
    items.iter().map(|c| c.code().to_string()).collect()
}

pub trait CodeList: Sized + Copy + 'static {
    const NAME: &'static str;
    const ALL: &'static [Self];
    fn code(self) -> &'static str;
    fn label(self) -> &'static str;

    fn entries() -> Vec<CodeEntry> {
        Self::ALL
            .iter()
            .map(|c| CodeEntry {
                code: c.code(),
                label: c.label(),
            })
            .collect()
    }
}

macro_rules! code_list {
    ($(#[$meta:meta])* $name:ident, $list:literal { $($variant:ident => $code:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        // Wire codes come from the variant names (utoipa does not see renames
        // made through macro fragments); a test checks they equal `code()`.
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($variant,)+
        }

        impl $crate::reference::codes::CodeList for $name {
            const NAME: &'static str = $list;
            const ALL: &'static [Self] = &[$($name::$variant,)+];
            fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }
            fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::reference::codes::CodeList::code(*self))
            }
        }

        impl std::str::FromStr for $name {
            type Err = ();
            fn from_str(s: &str) -> Result<Self, ()> {
                <Self as $crate::reference::codes::CodeList>::ALL
                    .iter()
                    .copied()
                    .find(|c| $crate::reference::codes::CodeList::code(*c) == s)
                    .ok_or(())
            }
        }
    };
}

pub(crate) use code_list;

mod incident_codes;
mod intake_codes;
pub use incident_codes::*;
pub use intake_codes::*;

/// Every code list, keyed by its published name, for `GET /v1/codes`.
pub fn all_lists() -> Vec<(&'static str, Vec<CodeEntry>)> {
    vec![
        (Agency::NAME, Agency::entries()),
        (IncidentStatus::NAME, IncidentStatus::entries()),
        (TraffickingType::NAME, TraffickingType::entries()),
        (Venue::NAME, Venue::entries()),
        (ControlMethod::NAME, ControlMethod::entries()),
        (Service::NAME, Service::entries()),
        (Sex::NAME, Sex::entries()),
        (Citizenship::NAME, Citizenship::entries()),
        (Relationship::NAME, Relationship::entries()),
        (ConcernType::NAME, ConcernType::entries()),
        (AgeGroup::NAME, AgeGroup::entries()),
        // Why a report was withdrawn (corrections, `PATCH /v1/incidents/{id}`).
        (
            crate::incident::correction::WithdrawalReason::NAME,
            crate::incident::correction::WithdrawalReason::entries(),
        ),
        // Sec. 10: what DCF did about a minor.
        (crate::intake::dcf::DcfResponse::NAME, crate::intake::dcf::DcfResponse::entries()),
        (crate::intake::dcf::DcfNotAcceptedReason::NAME, crate::intake::dcf::DcfNotAcceptedReason::entries()),
        // Sec. 9: one multidisciplinary team per judicial district.
        (crate::screening::pathway::JudicialDistrict::NAME, crate::screening::pathway::JudicialDistrict::entries()),
    ]
    .into_iter()
    // Training compliance: topics, populations, course formats, statuses.
    .chain(crate::training::training_lists())
    // The provider directory: statuses, populations served, verification, phones, referrals.
    .chain(crate::directory::codes::directory_lists())
    // The report registers: activity kinds, recommendation kinds and statuses, committees.
    .chain(crate::stats::report::report_lists())
    .collect()
}
