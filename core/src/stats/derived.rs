//! Figures derived from published counts. A rate, a percentage, a median or a
//! trend computed from a withheld count would publish that count in another
//! form (a rate per 100,000 times the population is the count), so each
//! helper here returns `None` as soon as any input is withheld.

use super::disclosure::Cell;

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
