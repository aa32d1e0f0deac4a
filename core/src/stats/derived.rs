//! Figures derived from published counts. A rate, a percentage, a median or a
//! trend computed from a withheld count would publish that count in another
//! form (a rate per 100,000 times the population is the count), so each
//! helper here returns `None` as soon as any input is withheld.

use super::disclosure::{Cell, Policy};
use serde::Serialize;

/// `cell / population * per` (e.g. per 100,000 residents); `None` when the
/// count is withheld or the population is zero.
pub fn rate(cell: &Cell, population: u64, per: u64) -> Option<f64> {
    let count = cell.get()?;
    if population == 0 {
        return None;
    }
    Some(count as f64 / population as f64 * per as f64)
}

/// `part / whole * 100`; `None` when either is withheld or `whole` is zero.
pub fn percentage(part: &Cell, whole: &Cell) -> Option<f64> {
    let (p, w) = (part.get()?, whole.get()?);
    if w == 0 {
        return None;
    }
    Some(p as f64 / w as f64 * 100.0)
}

/// The median of `cells`; `None` when any is withheld (the median of the
/// shown ones alone would be biased and could bound the withheld) or there
/// are none.
pub fn median(cells: &[Cell]) -> Option<f64> {
    let mut values: Vec<u64> = cells.iter().map(Cell::get).collect::<Option<_>>()?;
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    let m = if values.len() % 2 == 1 {
        values[mid] as f64
    } else {
        (values[mid - 1] as f64 + values[mid] as f64) / 2.0
    };
    Some(m)
}

/// The change from `earlier` to `later`; `None` when either is withheld.
pub fn change(earlier: &Cell, later: &Cell) -> Option<i128> {
    Some(i128::from(later.get()?) - i128::from(earlier.get()?))
}

/// The change from `earlier` to `later` in percent of `earlier`; `None` when
/// either is withheld or `earlier` is zero.
pub fn percent_change(earlier: &Cell, later: &Cell) -> Option<f64> {
    let (e, l) = (earlier.get()?, later.get()?);
    if e == 0 {
        return None;
    }
    Some((l as f64 - e as f64) / e as f64 * 100.0)
}

/// A figure computed from the records behind `cell` (a median of days, say):
/// published only when the cell itself is shown and counts someone. A figure
/// from the records of a withheld cell would tell something about the few
/// people in it.
pub fn behind(cell: &Cell, figure: Option<f64>) -> Option<f64> {
    cell.get().filter(|n| *n > 0).and(figure)
}

/// A figure published beside a count (a median of days): `{"value": 4.5,
/// "suppressed": false}`; `{"value": null, "suppressed": true}` where it is
/// withheld; `{"value": null, "suppressed": false}` where there is nothing
/// to take it over (no answered referral in the cell).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Figure {
    pub value: Option<f64>,
    pub suppressed: bool,
}

impl Figure {
    pub fn withheld() -> Self {
        Self { value: None, suppressed: true }
    }

    /// Nothing to take the figure over: not withheld, just absent.
    pub fn none() -> Self {
        Self { value: None, suppressed: false }
    }

    /// `*` withheld, empty for none, the number otherwise.
    pub fn to_csv(&self) -> String {
        match (self.suppressed, self.value) {
            (true, _) => "*".into(),
            (false, None) => String::new(),
            (false, Some(v)) => v.to_string(),
        }
    }
}

/// The median of the `records` behind `cell` (the answered referrals of the
/// cell), as it may be published under `policy`. Issue 10's rule: "No rate,
/// percentage, median or trend from a withheld cell". So the median is
/// withheld where the cell's count is (below k, or withheld so that another
/// cannot be worked out), and where the records it is taken over would be
/// withheld as a count of their own: the median of three answers tells
/// about those three people whatever the cell around them counts. With an
/// internal policy nothing is withheld. No records: no median, and nothing
/// withheld either.
pub fn median_beside(cell: &Cell, records: u64, median: Option<f64>, policy: &Policy) -> Figure {
    if cell.get().is_none() || policy.withholds(records) {
        return Figure::withheld();
    }
    match median.filter(|_| records > 0) {
        Some(m) => Figure { value: Some(m), suppressed: false },
        None => Figure::none(),
    }
}
