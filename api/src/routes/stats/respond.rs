//! What both statistics endpoints do once core has answered: JSON or CSV,
//! the rule stated on either, and a build failure mapped to who caused it.

use crate::error::ApiError;
use actix_web::http::header;
use actix_web::HttpResponse;
use beacon_core::stats::median_days::{with_medians, MedianRow};
use beacon_core::stats::query::{build, BuildError, GroupCount, StatsOutput, StatsQuery};
use beacon_core::stats::Policy;
use beacon_core::{ErrorCode, ValidationError};

/// The CSV has nowhere to say which rule withheld its `*`s, so a header does.
pub const RULE_HEADER: &str = "Beacon-Disclosure-Rule";

/// Nor which records it counts: the filters that applied
/// (`county=Hartford; trafficking_type=labor`, or `none`), as JSON's `filters`.
pub const FILTERS_HEADER: &str = "Beacon-Stats-Filters";

/// Builds and suppresses the tables off the worker thread (complementary
/// suppression of a fine table is real work), then puts each median beside
/// its count where core lets it show.
pub async fn tables(query: StatsQuery, counts: Vec<GroupCount>, medians: Vec<MedianRow>, policy: Policy) -> Result<StatsOutput, ApiError> {
    actix_web::web::block(move || build(&query, &counts, &policy).and_then(|out| with_medians(out, &query, &medians, &policy)))
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| match e {
            e if e.too_large() => ApiError::BadQuery(vec![ValidationError::new(
                "/group_by",
                ErrorCode::Range,
                "Too many cells for one table: group by fewer or coarser dimensions, or a shorter period.",
            )]),
            e @ (BuildError::Table(_) | BuildError::Disclosure(_) | BuildError::UnknownKey(_) | BuildError::MissingCounts(_)) => ApiError::internal(e),
        })
}

pub fn respond(output: &StatsOutput, csv: bool, cache_control: &str) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response
        .insert_header((header::CACHE_CONTROL, cache_control))
        .insert_header((header::VARY, "Accept"));
    if let Ok(rule) = header::HeaderValue::from_str(&output.rule) {
        response.insert_header((RULE_HEADER, rule));
    }
    if let Ok(filters) = header::HeaderValue::from_str(&output.filters.describe()) {
        response.insert_header((FILTERS_HEADER, filters));
    }
    if csv {
        response.content_type("text/csv; charset=utf-8").body(output.to_csv())
    } else {
        response.json(output)
    }
}
