//! Which agencies' training records a caller may see and manage: a coordinator every agency; a
//! reporter only the agency its account reports for (`accounts.agency`), nothing while unset.

use crate::db::training::{self as store, AgencyScope};
use crate::error::ApiError;
use crate::security::{Principal, Role};
use diesel_async::AsyncPgConnection;

/// What the caller may see and manage.
pub async fn scope_of(conn: &mut AsyncPgConnection, principal: &Principal) -> Result<AgencyScope, ApiError> {
    if principal.role == Role::Coordinator {
        return Ok(AgencyScope::All);
    }
    Ok(match store::account_agency(conn, principal.account_id).await? {
        Some(agency) => AgencyScope::Only(agency),
        None => AgencyScope::Nothing,
    })
}
