//! Who may file an incident as which agency.
//!
//! Raised Bill 5476, Sec. 1(d): "The coordinator shall create a database for state agencies to
//! report incidents of human trafficking in the state." A report is an agency's word: a key
//! speaks for its account's agency and no other, so a count by reporting agency means what it
//! says. The coordinator, who keeps the database and coordinates the agencies (Sec. 1(b)(1)), may
//! file on an agency's behalf (say, a report received by telephone); the audit trail says so.

use crate::reference::codes::{Agency, CodeList};
use crate::contract::problem::{ErrorCode, ValidationError};

/// Who is filing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filer<'a> {
    /// A reporter key, for its account's agency code (`None`: the account has none).
    Reporter(Option<&'a str>),
    /// The coordinator, for any agency.
    Coordinator,
}

/// How the report is filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filing {
    /// By the agency itself.
    Own,
    /// By the coordinator on the agency's behalf.
    OnBehalf,
}

const PATH: &str = "/reporting_agency";

/// Whether `filer` may file a report naming `reporting_agency`; the refusal names the field.
pub fn check_filer(filer: Filer<'_>, reporting_agency: Agency) -> Result<Filing, ValidationError> {
    match filer {
        Filer::Coordinator => Ok(Filing::OnBehalf),
        Filer::Reporter(Some(own)) if own == reporting_agency.code() => Ok(Filing::Own),
        Filer::Reporter(Some(own)) => Err(ValidationError::new(
            PATH,
            ErrorCode::NotAllowed,
            format!("This key reports for the agency `{own}` only."),
        )),
        Filer::Reporter(None) => Err(ValidationError::new(
            PATH,
            ErrorCode::NotAllowed,
            "This key's account reports for no agency, so it cannot file incidents (an administrator sets it: `beacon keys create --agency`).",
        )),
    }
}
