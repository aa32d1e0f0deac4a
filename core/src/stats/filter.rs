//! The filters of a coordinator's statistics request: which records are
//! counted, on the same dimensions the counts are grouped by.
//!
//! The task force's duty of "Reviewing trafficking trends" (Raised Bill 5476,
//! Sec. 8(b)(6)) asks questions of one kind of case at a time — labor
//! trafficking in one county, women who are not citizens — so each
//! dimension a subject's records carry also narrows the count. Within one
//! filter the values are alternatives (a record with any of them counts);
//! across filters a record must pass each. The public endpoint takes none:
//! a filtered table, suppressed on its own, differenced with the unfiltered
//! one, would give back what each withholds.

use super::query::{age_band, categories, dcf_region_label, Endpoint, GroupBy, RawParams, Subject};
use crate::reference::codes::{AgeGroup, CodeList};
use crate::reference::geo;
use crate::{ErrorCode, ValidationError};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// What a filter on a dimension accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterValues {
    /// One of these: codes, or the names of towns and regions (matched
    /// without regard to case), or a DCF region's number.
    Codes(Vec<String>),
    /// An id (a UUID): a partner is an account, and two partners may share a name.
    Ids,
}

impl GroupBy {
    /// The values a filter on this dimension of `subject` accepts, the same
    /// categories a table by it shows (a partner by id rather than name).
    pub fn filter_values(self, subject: Subject) -> FilterValues {
        match self {
            GroupBy::Partner => FilterValues::Ids,
            GroupBy::DcfRegion => FilterValues::Codes((1..=u8::MAX).filter(|r| dcf_region_label(*r).is_some()).map(|r| r.to_string()).collect()),
            g if g.is_geography() => {
                let mut names: Vec<String> = geo::towns().iter().filter_map(|t| region(g, t)).collect();
                names.sort_unstable();
                names.dedup();
                FilterValues::Codes(names)
            }
            g => FilterValues::Codes(categories(g, subject)),
        }
    }
}

/// The town's region in geography `g` (its name; a DCF region's number), or
/// the town itself.
fn region(g: GroupBy, town: &geo::Town) -> Option<String> {
    match g {
        GroupBy::Town => Some(town.town.to_string()),
        GroupBy::County => town.county.map(str::to_string),
        GroupBy::PlanningRegion => town.planning_region.map(str::to_string),
        GroupBy::JudicialDistrict => town.judicial_district.map(str::to_string),
        GroupBy::DcfRegion => town.dcf_region.map(|r| r.to_string()),
        _ => None,
    }
}

/// One filter: the records whose `dimension` is any of `values`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    dimension: GroupBy,
    /// As the dimension's categories spell them, each once, in the order given.
    values: Vec<String>,
}

impl Filter {
    pub fn dimension(&self) -> GroupBy {
        self.dimension
    }

    pub fn values(&self) -> &[String] {
        &self.values
    }

    /// What the database compares the record's key for the dimension with
    /// (the text its grouping key gives, see `GroupCount`): a geography is
    /// the towns in its regions, since every geography is counted by town;
    /// an age band is each age in it, the band's own code (a record kept with
    /// a band and no age) and, for `unknown`, no age at all (the empty key),
    /// as `age_band` bands them; anything else its values. A multi-valued
    /// dimension's record passes when any of its categories is among them.
    pub fn sql_values(&self) -> Vec<String> {
        let g = self.dimension;
        if g.is_geography() {
            return geo::towns()
                .iter()
                .filter(|t| region(g, t).is_some_and(|r| self.values.contains(&r)))
                .map(|t| t.town.to_string())
                .collect();
        }
        if g == GroupBy::AgeBand {
            let bands: Vec<AgeGroup> = AgeGroup::ALL.iter().copied().filter(|b| self.values.iter().any(|v| v == b.code())).collect();
            let mut keys: Vec<String> = bands.iter().map(|b| b.code().to_string()).collect();
            keys.extend((0..=u8::MAX).filter(|a| bands.contains(&age_band(Some(*a)))).map(|a| a.to_string()));
            if bands.contains(&age_band(None)) {
                keys.push(String::new());
            }
            return keys;
        }
        self.values.clone()
    }
}

/// Every filter of a request, one per dimension, in the order of
/// [`GroupBy::ALL`]. Published with the counts (`{"county": ["Hartford"]}`)
/// so no table is read as the whole when it is a part.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters(Vec<Filter>);

impl Filters {
    pub fn iter(&self) -> impl Iterator<Item = &Filter> {
        self.0.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The values of the filter on `g`, if there is one.
    pub fn get(&self, g: GroupBy) -> Option<&[String]> {
        self.0.iter().find(|f| f.dimension == g).map(Filter::values)
    }

    /// In words, for a header and the audit trail: `county=Hartford;
    /// trafficking_type=labor,sex`, or `none`.
    pub fn describe(&self) -> String {
        if self.0.is_empty() {
            return "none".into();
        }
        self.0.iter().map(|f| format!("{}={}", f.dimension.code(), f.values.join(","))).collect::<Vec<_>>().join("; ")
    }
}

impl Serialize for Filters {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for f in &self.0 {
            map.serialize_entry(f.dimension.code(), &f.values)?;
        }
        map.end()
    }
}

fn error(param: &str, code: ErrorCode, message: impl Into<String>) -> ValidationError {
    ValidationError::new(format!("/{param}"), code, message)
}

/// The filters of `raw`: each parameter named after a dimension, a
/// comma-separated list of its values. A dimension `subject` does not carry
/// is refused (`not_allowed`), as is every filter on the public endpoint; a
/// value not among the dimension's categories is refused naming them.
pub(super) fn parse_filters(raw: &RawParams<'_>, subject: Subject, endpoint: Endpoint, errors: &mut Vec<ValidationError>) -> Filters {
    let given: Vec<(GroupBy, &str)> = GroupBy::ALL.iter().filter_map(|g| raw.filter(*g).map(|v| (*g, v))).collect();
    if endpoint == Endpoint::Public {
        // A filtered table, suppressed on its own, differenced with the
        // unfiltered one, would give back what each withholds.
        for (g, _) in &given {
            errors.push(error(g.code(), ErrorCode::NotAllowed, "Public statistics take no filters; group by the dimension instead."));
        }
        return Filters::default();
    }
    let mut out = Vec::new();
    for (g, text) in given {
        if !g.filters(subject) {
            let hint = if matches!(g, GroupBy::Sex | GroupBy::AgeBand | GroupBy::Citizenship) && subject == Subject::Incidents {
                " It classifies victims: ask /stats/victims.".to_string()
            } else {
                let own: Vec<&str> = GroupBy::ALL.iter().filter(|d| d.filters(subject)).map(|d| d.code()).collect();
                format!(" The filters of {} are {}.", subject.code(), own.join(", "))
            };
            errors.push(error(g.code(), ErrorCode::NotAllowed, format!("`{}` does not filter {}.{hint}", g.code(), subject.code())));
            continue;
        }
        if let Some(filter) = parse_one(g, subject, text, errors) {
            out.push(filter);
        }
    }
    Filters(out)
}

fn parse_one(g: GroupBy, subject: Subject, text: &str, errors: &mut Vec<ValidationError>) -> Option<Filter> {
    let accepted = g.filter_values(subject);
    let before = errors.len();
    let mut values: Vec<String> = Vec::new();
    for item in text.split(',').map(str::trim) {
        let found = match &accepted {
            FilterValues::Ids => uuid::Uuid::parse_str(item).ok().map(|id| id.to_string()),
            // `03` or ` 3` is region 3, as it always was.
            FilterValues::Codes(all) if g == GroupBy::DcfRegion => item.parse::<u8>().ok().map(|r| r.to_string()).filter(|r| all.contains(r)),
            FilterValues::Codes(all) if g.is_geography() => all.iter().find(|c| c.eq_ignore_ascii_case(item)).cloned(),
            FilterValues::Codes(all) => all.iter().find(|c| *c == item).cloned(),
        };
        match (found, &accepted) {
            (Some(v), _) if values.contains(&v) => {}
            (Some(v), _) => values.push(v),
            (None, FilterValues::Ids) => {
                errors.push(error(g.code(), ErrorCode::Format, format!("`{item}` is not a partner's id (a UUID).")));
            }
            (None, FilterValues::Codes(all)) => {
                errors.push(error(g.code(), ErrorCode::UnknownCode, format!("`{item}` is not one of {}.", all.join(", "))));
            }
        }
    }
    (errors.len() == before && !values.is_empty()).then_some(Filter { dimension: g, values })
}
