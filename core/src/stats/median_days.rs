//! The median days to outcome beside each count of the referrals subject
//! (issue 10: "referrals by outcome and median days to outcome"): from a
//! referral's sending to the provider's answer (accepted or declined), over
//! the answered referrals of each cell, margins included.
//!
//! A median does not add up the way counts do (a county's is not made of its
//! towns'), so the database takes one per entry of every table, totals
//! included (`GROUP BY CUBE`), and this module says what to group by and
//! places each median beside its count. What may be shown is
//! [`super::derived::median_beside`]'s rule.

use super::derived::median_beside;
use super::disclosure::Policy;
use super::query::{category_of_key, BuildError, Endpoint, GroupBy, StatsOutput, StatsQuery};
use chrono::NaiveDate;
use std::collections::HashMap;

/// One grouped median the database is asked for: one per table of the
/// request, in the order of its tables. Each entry of the table is a
/// grouping set of `keys` and, when the table is split by place, the region
/// of `regions` (town → region label) the record's town is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MedianPlan {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub keys: Vec<GroupBy>,
    pub regions: Option<Vec<(String, String)>>,
}

/// One row of a grouped median: which plan it answers, where (a label per
/// key, then the region; `None` where the row is that dimension's total),
/// how many answered referrals it is taken over, and the median in days.
#[derive(Debug, Clone, PartialEq)]
pub struct MedianRow {
    pub plan: usize,
    pub at: Vec<Option<String>>,
    pub answered: u64,
    pub median_days: Option<f64>,
}

impl StatsQuery {
    /// The grouped medians this request needs: none unless its subject has
    /// them ([`super::query::Subject::has_median_days`]) and the coordinator
    /// asks (the public's tables are cut from a model of the year, which
    /// carries no median); else one per table it returns (one per
    /// geography asked for, or one).
    pub fn median_plans(&self) -> Vec<MedianPlan> {
        if !self.subject().has_median_days() || self.endpoint() != Endpoint::Coordinator {
            return Vec::new();
        }
        let (from, to) = (self.period().first_day().unwrap_or_default(), self.period().last_day().unwrap_or_default());
        let keys = self.key_dimensions();
        let geographies: Vec<GroupBy> = self.group_by().iter().copied().filter(|g| g.is_geography()).collect();
        if geographies.is_empty() {
            return vec![MedianPlan { from, to, keys, regions: None }];
        }
        geographies
            .into_iter()
            .filter_map(|g| {
                let dim = g.towns_dimension().ok().flatten()?;
                let labels = dim.labels();
                let regions = (0..dim.units().len())
                    .filter_map(|u| Some((dim.units().get(u)?.clone(), labels.get(dim.category_of(u)?)?.to_string())))
                    .collect();
                Some(MedianPlan { from, to, keys: keys.clone(), regions: Some(regions) })
            })
            .collect()
    }
}

/// `output` with the median beside every count of the tables `rows` answer
/// (see [`StatsQuery::median_plans`]), each as `policy` lets it be shown.
/// A subject without medians is returned as it is.
pub fn with_medians(mut output: StatsOutput, query: &StatsQuery, rows: &[MedianRow], policy: &Policy) -> Result<StatsOutput, BuildError> {
    let plans = query.median_plans();
    if plans.is_empty() {
        return Ok(output);
    }
    if plans.len() != output.tables.len() {
        return Err(BuildError::MissingCounts("median_days_to_outcome"));
    }
    for (i, (plan, measure_table)) in plans.iter().zip(&mut output.tables).enumerate() {
        let dims = measure_table.table.dimensions().to_vec();
        let width = plan.keys.len() + usize::from(plan.regions.is_some());
        if dims.len() != width {
            return Err(BuildError::MissingCounts("median_days_to_outcome"));
        }
        // Each entry's labels (`None` for a total), as the rows name them.
        let labels_of = |at: &[Option<usize>]| -> Vec<Option<String>> {
            at.iter().zip(&dims).map(|(c, d)| c.and_then(|c| d.labels().get(c).map(|l| l.to_string()))).collect()
        };
        let mut found: HashMap<Vec<Option<String>>, (u64, Option<f64>)> = HashMap::new();
        let known: std::collections::HashSet<Vec<Option<String>>> =
            measure_table.table.entries().iter().map(|e| labels_of(&e.at)).collect();
        for row in rows.iter().filter(|r| r.plan == i) {
            let at: Vec<Option<String>> = row
                .at
                .iter()
                .enumerate()
                .map(|(j, l)| l.as_ref().map(|l| plan.keys.get(j).map_or_else(|| l.clone(), |g| category_of_key(*g, l))))
                .collect();
            if !known.contains(&at) {
                return Err(BuildError::UnknownKey(at.iter().map(|l| l.as_deref().unwrap_or("Total")).collect::<Vec<_>>().join(",")));
            }
            found.insert(at, (row.answered, row.median_days));
        }
        measure_table.table.set_medians(|e| {
            let (answered, median) = found.get(&labels_of(&e.at)).copied().unwrap_or((0, None));
            median_beside(&e.cell, answered, median, policy)
        });
    }
    Ok(output)
}

