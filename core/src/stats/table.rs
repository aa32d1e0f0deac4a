//! The table model behind every published count: 1 to 3 dimensions, a count
//! per inner cell, and every margin (row and column totals, the subtotals over
//! each dimension, the grand total) derived here, never supplied by a caller —
//! a margin that disagreed with its cells would itself disclose something.
//!
//! A dimension classifies one *variable* (the town, the sex, …) into
//! categories. Each category is a set of the variable's finest *units*, so a
//! county dimension and a planning-region dimension are two groupings of the
//! same 169 towns. That is what lets disclosure control see the differencing
//! attack between two tables of one period (see `disclosure.rs`).

use serde::Serialize;
use thiserror::Error;

/// Most inner cells a table may have. Tables of trafficking counts are small;
/// the cap keeps the exact audit (polynomial, but not linear) quick.
pub const MAX_CELLS: usize = 4096;

/// Most dimensions a published table may have.
pub const MAX_DIMENSIONS: usize = 3;

/// Where an entry of a table sits: one coordinate per dimension, `None` for
/// "all categories" (a margin). All `Some` is an inner cell; all `None` is the
/// grand total.
pub type Key = Vec<Option<usize>>;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TableError {
    #[error("a table has 1 to {MAX_DIMENSIONS} dimensions, not {0}")]
    Dimensions(usize),
    #[error("dimension `{0}` has no category")]
    NoCategory(String),
    #[error("dimension `{dimension}` names category `{category}` twice")]
    DuplicateCategory { dimension: String, category: String },
    #[error("dimension `{dimension}`: unit `{unit}` is in {times} categories; each unit must be in exactly one")]
    NotAPartition { dimension: String, unit: String, times: usize },
    #[error("dimension `{dimension}`: unknown unit `{unit}`")]
    UnknownUnit { dimension: String, unit: String },
    #[error("a table may have at most {MAX_CELLS} cells")]
    TooLarge,
    #[error("cell {0:?} does not fit the table's dimensions")]
    CellOutOfRange(Vec<usize>),
    #[error("cell {0:?} is given twice")]
    DuplicateCell(Vec<usize>),
    #[error("a count does not fit in 64 bits")]
    Overflow,
    #[error("multi-valued `{name}`: category `{category}` counts more records than there are")]
    MoreThanRecords { name: String, category: String },
}

/// One category of a dimension: a label and the units it groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Category {
    pub(crate) label: String,
    pub(crate) units: Vec<usize>,
}

/// A way of classifying records: a name, the variable it classifies, and its
/// categories as a partition of that variable's units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dimension {
    name: String,
    variable: String,
    units: Vec<String>,
    categories: Vec<Category>,
}

impl Dimension {
    /// A plain dimension: each category is its own unit, and the variable is
    /// the dimension's name (two tables with a dimension of the same name are
    /// taken to classify the same thing).
    pub fn new<S: Into<String>>(
        name: impl Into<String>,
        labels: impl IntoIterator<Item = S>,
    ) -> Result<Self, TableError> {
        let name = name.into();
        let units: Vec<String> = labels.into_iter().map(Into::into).collect();
        let groups = units.iter().map(|u| (u.clone(), vec![u.clone()])).collect();
        Self::grouped(name.clone(), name, units, groups)
    }

    /// A grouping dimension: `groups` (label, units) must partition `units`
    /// (each unit in exactly one group). Dimensions with the same `variable`
    /// must list the same `units` in the same order.
    pub fn grouped(
        name: impl Into<String>,
        variable: impl Into<String>,
        units: Vec<String>,
        groups: Vec<(String, Vec<String>)>,
    ) -> Result<Self, TableError> {
        let name = name.into();
        if groups.is_empty() {
            return Err(TableError::NoCategory(name));
        }
        let mut times = vec![0usize; units.len()];
        let mut categories = Vec::with_capacity(groups.len());
        for (i, (label, members)) in groups.iter().enumerate() {
            if groups[..i].iter().any(|(l, _)| l == label) {
                return Err(TableError::DuplicateCategory { dimension: name, category: label.clone() });
            }
            let mut idx = Vec::with_capacity(members.len());
            for m in members {
                let Some(u) = units.iter().position(|x| x == m) else {
                    return Err(TableError::UnknownUnit { dimension: name, unit: m.clone() });
                };
                if !idx.contains(&u) {
                    idx.push(u);
                    times[u] += 1;
                }
            }
            idx.sort_unstable();
            categories.push(Category { label: label.clone(), units: idx });
        }
        if let Some((u, &t)) = times.iter().enumerate().find(|(_, &t)| t != 1) {
            return Err(TableError::NotAPartition { dimension: name, unit: units[u].clone(), times: t });
        }
        Ok(Self { name, variable: variable.into(), units, categories })
    }

    /// Connecticut's 169 towns grouped by `group` (a county, a planning
    /// region, …), categories in alphabetical order. Towns are the finest unit,
    /// so every geography dimension shares the variable `town`.
    pub fn towns_by(
        name: impl Into<String>,
        group: impl Fn(&crate::reference::geo::Town) -> Option<&'static str>,
    ) -> Result<Self, TableError> {
        let towns = crate::reference::geo::towns();
        let units: Vec<String> = towns.iter().map(|t| t.town.to_string()).collect();
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for t in towns {
            // The reference data is complete; a gap would still be counted, not dropped.
            let label = group(t).unwrap_or("Unknown").to_string();
            match groups.iter_mut().find(|(l, _)| *l == label) {
                Some((_, members)) => members.push(t.town.to_string()),
                None => groups.push((label, vec![t.town.to_string()])),
            }
        }
        groups.sort_by(|a, b| a.0.cmp(&b.0));
        Self::grouped(name, "town", units, groups)
    }

    /// The eight counties, as groups of towns.
    pub fn counties() -> Result<Self, TableError> {
        Self::towns_by("county", |t| t.county)
    }

    /// The nine planning regions, as groups of towns.
    pub fn planning_regions() -> Result<Self, TableError> {
        Self::towns_by("planning_region", |t| t.planning_region)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn variable(&self) -> &str {
        &self.variable
    }

    pub fn units(&self) -> &[String] {
        &self.units
    }

    pub fn labels(&self) -> Vec<&str> {
        self.categories.iter().map(|c| c.label.as_str()).collect()
    }

    pub fn len(&self) -> usize {
        self.categories.len()
    }

    pub fn is_empty(&self) -> bool {
        self.categories.is_empty()
    }

    /// Names of the units in category `c`.
    pub fn members(&self, c: usize) -> Option<Vec<&str>> {
        let cat = self.categories.get(c)?;
        Some(cat.units.iter().filter_map(|&u| self.units.get(u)).map(String::as_str).collect())
    }

    /// Units of category `c`, or every unit for `None` (the margin).
    pub(crate) fn units_of(&self, c: Option<usize>) -> Vec<usize> {
        match c.and_then(|c| self.categories.get(c)) {
            Some(cat) => cat.units.clone(),
            None => (0..self.units.len()).collect(),
        }
    }

    /// Index of the category holding unit `u`.
    pub(crate) fn category_of(&self, u: usize) -> Option<usize> {
        self.categories.iter().position(|c| c.units.contains(&u))
    }
}

/// The published shape of a dimension: its name and category labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DimensionLabels {
    pub name: String,
    pub categories: Vec<String>,
}

impl From<&Dimension> for DimensionLabels {
    fn from(d: &Dimension) -> Self {
        Self { name: d.name.clone(), categories: d.labels().into_iter().map(str::to_string).collect() }
    }
}

/// A table of counts with every margin. Built only by [`Table::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    name: String,
    dims: Vec<Dimension>,
    /// Every entry (inner cells and margins) in [`Table::keys`] order.
    values: Vec<u64>,
}

impl Table {
    /// Builds a table from its inner cells; cells not given are zero. Margins
    /// are computed here.
    pub fn new(
        name: impl Into<String>,
        dims: Vec<Dimension>,
        cells: impl IntoIterator<Item = (Vec<usize>, u64)>,
    ) -> Result<Self, TableError> {
        if dims.is_empty() || dims.len() > MAX_DIMENSIONS {
            return Err(TableError::Dimensions(dims.len()));
        }
        if let Some(d) = dims.iter().find(|d| d.is_empty()) {
            return Err(TableError::NoCategory(d.name.clone()));
        }
        let inner = dims.iter().try_fold(1usize, |acc, d| acc.checked_mul(d.len()));
        if inner.is_none_or(|n| n > MAX_CELLS) {
            return Err(TableError::TooLarge);
        }
        let keys = all_keys(&dims);
        let mut values = vec![0u64; keys.len()];
        let mut given: Vec<Vec<usize>> = Vec::new();
        for (at, count) in cells {
            if at.len() != dims.len() || at.iter().zip(&dims).any(|(&i, d)| i >= d.len()) {
                return Err(TableError::CellOutOfRange(at));
            }
            if given.contains(&at) {
                return Err(TableError::DuplicateCell(at));
            }
            // Add the count to every entry whose key covers this cell.
            for (k, key) in keys.iter().enumerate() {
                if key.iter().zip(&at).all(|(c, &i)| c.is_none_or(|c| c == i)) {
                    values[k] = values[k].checked_add(count).ok_or(TableError::Overflow)?;
                }
            }
            given.push(at);
        }
        Ok(Self { name: name.into(), dims, values })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn dimensions(&self) -> &[Dimension] {
        &self.dims
    }

    /// Every entry's key: inner cells and margins, row-major with the margin
    /// (`None`) after the categories of each dimension.
    pub fn keys(&self) -> Vec<Key> {
        all_keys(&self.dims)
    }

    /// The count at `key` (an inner cell or a margin).
    pub fn count(&self, key: &[Option<usize>]) -> Option<u64> {
        key_index(&self.dims, key).and_then(|i| self.values.get(i).copied())
    }

    /// The grand total.
    pub fn total(&self) -> u64 {
        self.values.last().copied().unwrap_or(0)
    }

    pub(crate) fn values(&self) -> &[u64] {
        &self.values
    }
}

/// Keys in row-major order, the margin last in each coordinate.
pub(crate) fn all_keys(dims: &[Dimension]) -> Vec<Key> {
    let mut keys: Vec<Key> = vec![Vec::new()];
    for d in dims {
        let mut next = Vec::with_capacity(keys.len() * (d.len() + 1));
        for k in &keys {
            for c in (0..d.len()).map(Some).chain(std::iter::once(None)) {
                let mut k2 = k.clone();
                k2.push(c);
                next.push(k2);
            }
        }
        keys = next;
    }
    keys
}

pub(crate) fn key_index(dims: &[Dimension], key: &[Option<usize>]) -> Option<usize> {
    if key.len() != dims.len() {
        return None;
    }
    let mut index = 0usize;
    for (d, c) in dims.iter().zip(key) {
        let pos = match c {
            Some(c) if *c < d.len() => *c,
            Some(_) => return None,
            None => d.len(),
        };
        index = index * (d.len() + 1) + pos;
    }
    Some(index)
}

pub(crate) fn is_margin(key: &[Option<usize>]) -> bool {
    key.iter().any(Option::is_none)
}
