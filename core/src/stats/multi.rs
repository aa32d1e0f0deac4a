//! Multi-valued dimensions: trafficking types, services needed, concern types,
//! control methods. One record counts under several categories, so the
//! categories do not add up to the number of records, and a column of them
//! with a total would invite subtracting things that do not subtract.
//!
//! Each category is published on its own as *has* / *has not*. No total is
//! published with them; but the number of records is published elsewhere (it
//! is the grand total of the period's other tables), so each pair is protected
//! as if its total were shown: when *has* is withheld, *has not* is too.

use super::disclosure::{suppress_together, Cell, DisclosureError, Policy};
use super::table::{Dimension, Table, TableError};
use serde::Serialize;

/// Counts of a multi-valued variable: how many of `records` have each category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultiValued {
    name: String,
    records: u64,
    categories: Vec<(String, u64)>,
}

impl MultiValued {
    /// `counts` gives, per category label, how many records have it; each is
    /// at most `records`.
    pub fn new<S: Into<String>>(
        name: impl Into<String>,
        records: u64,
        counts: impl IntoIterator<Item = (S, u64)>,
    ) -> Result<Self, TableError> {
        let name = name.into();
        let mut categories: Vec<(String, u64)> = Vec::new();
        for (label, has) in counts {
            let label = label.into();
            if has > records {
                return Err(TableError::MoreThanRecords { name, category: label });
            }
            if categories.iter().any(|(l, _)| *l == label) {
                return Err(TableError::DuplicateCategory { dimension: name, category: label });
            }
            categories.push((label, has));
        }
        if categories.is_empty() {
            return Err(TableError::NoCategory(name));
        }
        Ok(Self { name, records, categories })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// One has / has-not table per category, for suppressing together with
    /// the period's other tables. Each classifies its own variable
    /// (`name: label`), so they are linked to each other and to the other
    /// tables only through the number of records.
    pub fn tables(&self) -> Result<Vec<Table>, TableError> {
        self.categories
            .iter()
            .map(|(label, has)| {
                let dim = Dimension::new(format!("{}: {}", self.name, label), ["has", "has_not"])?;
                Table::new(label.clone(), vec![dim], [(vec![0], *has), (vec![1], self.records - has)])
            })
            .collect()
    }
}

/// One category as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HasHasNot {
    pub category: String,
    pub has: Cell,
    pub has_not: Cell,
}

/// A multi-valued variable as published: no total, no sum across categories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MultiValuedTable {
    pub name: String,
    pub categories: Vec<HasHasNot>,
    pub rule: String,
}

impl MultiValuedTable {
    /// CSV with columns `category,has,has_not`, `*` for a withheld count.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("category,has,has_not\n");
        for c in &self.categories {
            let label = if c.category.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", c.category.replace('"', "\"\""))
            } else {
                c.category.clone()
            };
            out.push_str(&format!("{label},{},{}\n", c.has.to_csv(), c.has_not.to_csv()));
        }
        out
    }
}

/// Applies `policy` to a multi-valued variable.
pub fn suppress_multi(m: &MultiValued, policy: &Policy) -> Result<MultiValuedTable, DisclosureError> {
    let tables = m.tables().map_err(|_| DisclosureError::TooLarge)?;
    let done = suppress_together(&tables, policy)?;
    let categories = m
        .categories
        .iter()
        .zip(&done)
        .map(|((label, _), t)| HasHasNot {
            category: label.clone(),
            has: t.cell(&[0]).unwrap_or_else(Cell::withheld),
            has_not: t.cell(&[1]).unwrap_or_else(Cell::withheld),
        })
        .collect();
    Ok(MultiValuedTable { name: m.name.clone(), categories, rule: policy.rule() })
}
