//! Disclosure control: which published counts are withheld.
//!
//! Trafficking counts are small, and a count of 3 in one town is close to
//! naming the people in it. The coordinator's database must "protect the
//! personal information of any victims of human trafficking" (Raised Bill
//! 5476, Sec. 1(d)), and the statistics built on it go into the annual report
//! (Sec. 1(f)) and to the public, so every published number passes here.
//!
//! # The rules
//!
//! * **Primary suppression.** A count from 1 to k−1 is withheld; k is at least
//!   11 for public outputs (the CMS cell-size rule: counts 1–10 are withheld).
//!   Zero is shown: it identifies nobody, and hiding zeros would make every
//!   withheld cell look small.
//! * **Complementary suppression.** A withheld count must not be recoverable
//!   from what is shown. An attacker knows every shown count, inner or margin,
//!   as a linear equation over the unknown counts; a withheld count is
//!   recoverable exactly when its indicator vector lies in the span of the
//!   shown entries' vectors. [`recoverable_cells`] decides that by exact
//!   Gaussian elimination (no floating point), and suppression withholds more
//!   entries until it finds nothing.
//! * **All tables of one period are suppressed together.** The equations of
//!   every table in one call go into one system: a county table and a
//!   planning-region table of the same period are two groupings of the same
//!   towns, and their difference can expose a cell that each table alone
//!   protects.
//!
//! Not covered: bounds. An attacker also knows that counts are whole and not
//! negative, and that a withheld count is not zero (zeros are shown), so a
//! withheld pair summing to 2 is two ones. [`suppress`] closes that case too
//! (see `pinned_by_bounds`); wider intervals are not audited.
//!
//! # How complements are chosen
//!
//! For the first recoverable withheld entry (inner cells before margins), the
//! candidates are the shown, non-zero entries that sit beside it under a shown
//! total (same row, column, subtotal or grand total) — inner cells first, the
//! smallest first; totals that contain it come last. Each of the first few is
//! tried, and the one that leaves the fewest recoverable entries is withheld
//! (ties: inner before margin, then the smallest count). Repeat until nothing
//! is recoverable. This is a greedy heuristic: it does not promise the fewest
//! withheld cells, only that nothing withheld can be worked out.

use super::derived::Figure;
use super::exact::{Echelon, Overflow};
use super::table::{all_keys, is_margin, key_index, Dimension, DimensionLabels, Key, Table};
use serde::Serialize;
use std::collections::BTreeMap;
use thiserror::Error;

/// The smallest count a public output may show (besides zero): CMS withholds 1–10.
pub const MIN_PUBLIC_K: u64 = 11;

/// How many candidates are tried per step; more only costs time.
const MAX_TRIALS: usize = 8;

/// Most atoms (finest cells of the joint model) one component may have.
const MAX_ATOMS: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PolicyError {
    #[error("public outputs withhold counts below at least {MIN_PUBLIC_K}; k = {0} is too small")]
    ThresholdTooSmall(u64),
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DisclosureError {
    #[error("tables suppressed together must count the same records, but their grand totals differ")]
    TotalsDiffer,
    #[error("dimensions classifying `{0}` list different units")]
    UnitsDiffer(String),
    #[error("the tables are too large to audit together")]
    TooLarge,
}

/// Who an output is for, and so what it may show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Policy {
    /// Counts from 1 to `k - 1` are withheld; `None` shows exact counts.
    k: Option<u64>,
}

impl Policy {
    /// A policy for public outputs. Refuses k below 11.
    pub fn public(k: u64) -> Result<Self, PolicyError> {
        if k < MIN_PUBLIC_K {
            return Err(PolicyError::ThresholdTooSmall(k));
        }
        Ok(Self { k: Some(k) })
    }

    /// Exact counts, for the coordinator's own work; never for publication.
    pub fn internal() -> Self {
        Self { k: None }
    }

    pub fn k(&self) -> Option<u64> {
        self.k
    }

    pub fn is_public(&self) -> bool {
        self.k.is_some()
    }

    /// Whether primary suppression withholds `count`.
    pub fn withholds(&self, count: u64) -> bool {
        self.k.is_some_and(|k| count >= 1 && count < k)
    }

    /// The rule, in plain English, for the output's `rule` member.
    pub fn rule(&self) -> String {
        match self.k {
            Some(k) => format!(
                "Counts from 1 to {} are withheld (shown as * or null), and further cells \
                 are withheld where a withheld count could otherwise be worked out from totals.",
                k - 1
            ),
            None => "Exact counts for internal use: nothing is withheld. Not for publication.".into(),
        }
    }
}

impl Default for Policy {
    /// The public policy with k = 11.
    fn default() -> Self {
        Self { k: Some(MIN_PUBLIC_K) }
    }
}

/// One published number: `{"value": 12, "suppressed": false}` or
/// `{"value": null, "suppressed": true}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cell {
    pub value: Option<u64>,
    pub suppressed: bool,
}

impl Cell {
    pub fn shown(value: u64) -> Self {
        Self { value: Some(value), suppressed: false }
    }

    pub fn withheld() -> Self {
        Self { value: None, suppressed: true }
    }

    /// The value, unless withheld.
    pub fn get(&self) -> Option<u64> {
        if self.suppressed {
            None
        } else {
            self.value
        }
    }

    /// `*` for a withheld count, the number otherwise.
    pub fn to_csv(&self) -> String {
        self.get().map_or_else(|| "*".to_string(), |v| v.to_string())
    }
}

/// One entry of a published table: where it is (`null` for "all") and its
/// cell; for a subject that has one, the median beside the count.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Entry {
    pub at: Key,
    #[serde(flatten)]
    pub cell: Cell,
    /// Referrals only: the median days from sending to the provider's answer
    /// over the entry's answered referrals; withheld with the count, or when
    /// fewer than k of them were answered (`derived::median_beside`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub median_days_to_outcome: Option<Figure>,
}

/// A table after disclosure control: what may be published.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuppressedTable {
    name: String,
    dimensions: Vec<DimensionLabels>,
    /// Inner cells and margins, in [`Table::keys`] order.
    entries: Vec<Entry>,
    rule: String,
    #[serde(skip)]
    structure: Vec<Dimension>,
}

impl SuppressedTable {
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn dimensions(&self) -> &[Dimension] {
        &self.structure
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn rule(&self) -> &str {
        &self.rule
    }

    /// The cell at `key` (inner or margin).
    pub fn get(&self, key: &[Option<usize>]) -> Option<Cell> {
        key_index(&self.structure, key).and_then(|i| self.entries.get(i)).map(|e| e.cell)
    }

    /// The inner cell at `at`.
    pub fn cell(&self, at: &[usize]) -> Option<Cell> {
        let key: Key = at.iter().copied().map(Some).collect();
        self.get(&key)
    }

    /// Puts a median beside each entry's count, as `figure` gives it (see
    /// [`super::derived::median_beside`] for what may be shown).
    pub fn set_medians(&mut self, mut figure: impl FnMut(&Entry) -> Figure) {
        for e in &mut self.entries {
            e.median_days_to_outcome = Some(figure(e));
        }
    }

    /// Keys of the withheld entries.
    pub fn withheld(&self) -> Vec<Key> {
        self.entries.iter().filter(|e| e.cell.suppressed).map(|e| e.at.clone()).collect()
    }

    /// Long-format CSV: one column per dimension (`Total` for a margin), then
    /// `count`, with `*` for a withheld count.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let header: Vec<String> = self
            .dimensions
            .iter()
            .map(|d| csv_field(&d.name))
            .chain(std::iter::once("count".to_string()))
            .collect();
        out.push_str(&header.join(","));
        out.push('\n');
        for e in &self.entries {
            let mut row: Vec<String> = e
                .at
                .iter()
                .zip(&self.dimensions)
                .map(|(c, d)| match c.and_then(|c| d.categories.get(c)) {
                    Some(label) => csv_field(label),
                    None => "Total".to_string(),
                })
                .collect();
            row.push(e.cell.to_csv());
            out.push_str(&row.join(","));
            out.push('\n');
        }
        out
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Applies `policy` to one table.
pub fn suppress(table: &Table, policy: &Policy) -> SuppressedTable {
    match suppress_together(std::slice::from_ref(table), policy) {
        Ok(mut v) if v.len() == 1 => v.remove(0),
        // A single table always agrees with itself, so this is unreachable;
        // should it ever happen, withhold everything that is not zero.
        _ => {
            let withheld: Vec<bool> = table.values().iter().map(|&v| policy.is_public() && v > 0).collect();
            publish(table, &withheld, policy)
        }
    }
}

/// Applies `policy` to several tables of one period as one model: the
/// equations of all of them are audited jointly. The tables must count the
/// same records (equal grand totals).
pub fn suppress_together(tables: &[Table], policy: &Policy) -> Result<Vec<SuppressedTable>, DisclosureError> {
    if tables.windows(2).any(|w| w[0].total() != w[1].total()) {
        return Err(DisclosureError::TotalsDiffer);
    }
    let model = Model::build(&tables.iter().map(Table::dimensions).collect::<Vec<_>>())?;
    let values: Vec<u64> = tables.iter().flat_map(|t| t.values().iter().copied()).collect();
    let withheld = if policy.is_public() {
        complete(&model, &values, policy)
    } else {
        vec![false; values.len()]
    };
    let mut out = Vec::with_capacity(tables.len());
    let mut offset = 0;
    for t in tables {
        let n = t.values().len();
        out.push(publish(t, &withheld[offset..offset + n], policy));
        offset += n;
    }
    Ok(out)
}

pub(crate) fn publish(table: &Table, withheld: &[bool], policy: &Policy) -> SuppressedTable {
    let entries = all_keys(table.dimensions())
        .into_iter()
        .zip(table.values())
        .zip(withheld)
        .map(|((at, &v), &w)| Entry { at, cell: if w { Cell::withheld() } else { Cell::shown(v) }, median_days_to_outcome: None })
        .collect();
    SuppressedTable {
        name: table.name().to_string(),
        dimensions: table.dimensions().iter().map(DimensionLabels::from).collect(),
        entries,
        rule: policy.rule(),
        structure: table.dimensions().to_vec(),
    }
}

/// `table` with the entries chosen by `withhold` withheld, and nothing else:
/// a publication proposed by hand, to audit with [`recoverable_cells`]
/// (what would it give away?). Not a substitute for [`suppress`].
pub fn proposed(table: &Table, withhold: impl Fn(&[Option<usize>]) -> bool) -> SuppressedTable {
    let flags: Vec<bool> = all_keys(table.dimensions()).iter().map(|k| withhold(k)).collect();
    let mut out = publish(table, &flags, &Policy::internal());
    out.rule = "Cells chosen by hand are withheld; not checked against the disclosure rules.".into();
    out
}

/// Withheld entries that could be worked out from what `table` shows.
pub fn recoverable_cells(table: &SuppressedTable) -> Vec<Key> {
    recoverable_together(std::slice::from_ref(table))
        .unwrap_or_default()
        .into_iter()
        .map(|(_, key)| key)
        .collect()
}

/// Withheld entries (table index, key) that could be worked out from what
/// `tables`, published together, show.
pub fn recoverable_together(tables: &[SuppressedTable]) -> Result<Vec<(usize, Key)>, DisclosureError> {
    let model = Model::build(&tables.iter().map(|t| t.structure.as_slice()).collect::<Vec<_>>())?;
    let withheld: Vec<bool> = tables.iter().flat_map(|t| t.entries.iter().map(|e| e.cell.suppressed)).collect();
    let found = model.audit(&withheld);
    Ok(model
        .entries
        .iter()
        .zip(found)
        .filter(|(_, r)| *r)
        .filter_map(|(e, _)| {
            let t = tables.get(e.table)?;
            Some((e.table, t.entries.get(e.index)?.at.clone()))
        })
        .collect())
}

/// Primary suppression, then complements until the audit finds nothing.
///
/// Most recoveries are a total minus its other cells, possibly in a chain;
/// peeling finds those cheaply, so the exact audit runs only once peeling is
/// satisfied, and candidates are compared by what peeling still finds.
fn complete(model: &Model, values: &[u64], policy: &Policy) -> Vec<bool> {
    let mut withheld: Vec<bool> = values.iter().map(|&v| policy.withholds(v)).collect();
    // Each pass withholds one more non-zero entry, so this ends.
    loop {
        let cheap = model.exposed_cheaply(&withheld, values);
        let tangled = !cheap.iter().any(|&x| x);
        let exposed = if tangled { model.exposed(&withheld, values) } else { cheap };
        let Some(target) = model.first_target(&exposed) else {
            return withheld;
        };
        let candidates = model.candidates(target, &withheld, values);
        let mut best: Option<((usize, usize), usize)> = None;
        for (order, &c) in candidates.iter().enumerate() {
            let mut trial = withheld.clone();
            trial[c] = true;
            let left = model.exposed_cheaply(&trial, values).iter().filter(|&&r| r).count();
            if best.is_none_or(|(score, _)| (left, order) < score) {
                best = Some(((left, order), c));
            }
            if left == 0 {
                break;
            }
        }
        match best {
            Some((_, c)) => withheld[c] = true,
            None => {
                // No shown non-zero entry left beside it: nothing shown can
                // be withheld to help, so withhold every non-zero entry.
                for (w, &v) in withheld.iter_mut().zip(values) {
                    *w = *w || v > 0;
                }
                return withheld;
            }
        }
    }
}

/// One published entry as the audit sees it.
#[derive(Debug, Clone)]
struct ModelEntry {
    table: usize,
    /// Index in its table's entries.
    index: usize,
    margin: bool,
    component: usize,
    /// Atoms (finest cells) it sums, sorted.
    support: Vec<usize>,
}

/// Tables that share a classified variable (directly or through another
/// table) form a component with its own atoms: the product of the finest
/// distinctions the tables make on each of their variables. Components are
/// linked only through the grand total (functions of disjoint variables have
/// only the constants in common), which [`Model::audit`] accounts for.
#[derive(Debug, Clone)]
struct Component {
    atoms: usize,
    entries: Vec<usize>,
}

#[derive(Debug, Clone)]
struct Model {
    entries: Vec<ModelEntry>,
    components: Vec<Component>,
    /// Per entry: the inner entries of its table that it sums (margins only).
    inside: Vec<Vec<usize>>,
}

impl Model {
    fn build(tables: &[&[Dimension]]) -> Result<Self, DisclosureError> {
        // The same variable must mean the same units everywhere.
        let mut units: BTreeMap<&str, &[String]> = BTreeMap::new();
        for d in tables.iter().flat_map(|t| t.iter()) {
            match units.get(d.variable()) {
                Some(u) if *u != d.units() => return Err(DisclosureError::UnitsDiffer(d.variable().to_string())),
                Some(_) => {}
                None => {
                    units.insert(d.variable(), d.units());
                }
            }
        }
        // Union tables that share a variable.
        let mut parent: Vec<usize> = (0..tables.len()).collect();
        fn root(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        for a in 0..tables.len() {
            for b in 0..a {
                let shared = tables[a].iter().any(|x| tables[b].iter().any(|y| x.variable() == y.variable()));
                if shared {
                    let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
                    parent[ra] = rb;
                }
            }
        }
        let mut roots: Vec<usize> = Vec::new();
        let mut component_of = Vec::with_capacity(tables.len());
        for t in 0..tables.len() {
            let r = root(&mut parent, t);
            component_of.push(match roots.iter().position(|&x| x == r) {
                Some(c) => c,
                None => {
                    roots.push(r);
                    roots.len() - 1
                }
            });
        }

        let mut entries = Vec::new();
        let mut components = Vec::new();
        for c in 0..roots.len() {
            let members: Vec<usize> = (0..tables.len()).filter(|&t| component_of[t] == c).collect();
            let mut variables: Vec<&str> =
                members.iter().flat_map(|&t| tables[t].iter().map(Dimension::variable)).collect();
            variables.sort_unstable();
            variables.dedup();
            // Per variable: units that every dimension keeps together are one class.
            let mut class_of: Vec<Vec<usize>> = Vec::new();
            let mut classes: Vec<usize> = Vec::new();
            for v in &variables {
                let dims: Vec<&Dimension> = members
                    .iter()
                    .flat_map(|&t| tables[t].iter())
                    .filter(|d| d.variable() == *v)
                    .collect();
                let n = units.get(v).map_or(0, |u| u.len());
                let mut signatures: Vec<Vec<Option<usize>>> = Vec::new();
                let mut of = Vec::with_capacity(n);
                for u in 0..n {
                    let sig: Vec<Option<usize>> = dims.iter().map(|d| d.category_of(u)).collect();
                    let idx = match signatures.iter().position(|s| *s == sig) {
                        Some(i) => i,
                        None => {
                            signatures.push(sig);
                            signatures.len() - 1
                        }
                    };
                    of.push(idx);
                }
                classes.push(signatures.len());
                class_of.push(of);
            }
            let atoms = classes
                .iter()
                .try_fold(1usize, |a, &n| a.checked_mul(n))
                .filter(|&a| a <= MAX_ATOMS)
                .ok_or(DisclosureError::TooLarge)?;
            let mut component = Component { atoms, entries: Vec::new() };
            for &t in &members {
                for (index, key) in all_keys(tables[t]).into_iter().enumerate() {
                    // Classes selected on each variable: the intersection over
                    // the table's dimensions on it (all, if it has none).
                    let selected: Vec<Vec<usize>> = variables
                        .iter()
                        .enumerate()
                        .map(|(vi, v)| {
                            let mut keep = vec![true; classes[vi]];
                            for (d, c) in tables[t].iter().zip(&key) {
                                if d.variable() == *v && c.is_some() {
                                    let mut inside = vec![false; classes[vi]];
                                    for u in d.units_of(*c) {
                                        inside[class_of[vi][u]] = true;
                                    }
                                    keep.iter_mut().zip(inside).for_each(|(k, i)| *k = *k && i);
                                }
                            }
                            (0..classes[vi]).filter(|&i| keep[i]).collect()
                        })
                        .collect();
                    let mut support = vec![0usize];
                    for (vi, sel) in selected.iter().enumerate() {
                        let width = classes[vi];
                        support = support.iter().flat_map(|&s| sel.iter().map(move |&x| s * width + x)).collect();
                    }
                    component.entries.push(entries.len());
                    entries.push(ModelEntry { table: t, index, margin: is_margin(&key), component: c, support });
                }
            }
            components.push(component);
        }
        let inside = entries
            .iter()
            .enumerate()
            .map(|(m, me)| {
                if !me.margin {
                    return Vec::new();
                }
                (0..entries.len())
                    .filter(|&e| {
                        let x: &ModelEntry = &entries[e];
                        x.table == me.table && !x.margin && e != m && is_subset(&x.support, &me.support)
                    })
                    .collect()
            })
            .collect();
        Ok(Self { entries, components, inside })
    }

    /// For each entry: withheld and recoverable from the shown entries.
    fn audit(&self, withheld: &[bool]) -> Vec<bool> {
        // The grand total links components; with one there is nothing to link.
        let ones: Vec<bool> = if self.components.len() > 1 {
            self.components.iter().map(|c| self.ones_known(c, withheld)).collect()
        } else {
            vec![false]
        };
        let mut found = vec![false; self.entries.len()];
        for (ci, c) in self.components.iter().enumerate() {
            let outside_total = ones.iter().enumerate().any(|(cj, &o)| cj != ci && o);
            let targets: Vec<usize> = c.entries.iter().copied().filter(|&e| withheld[e]).collect();
            if targets.is_empty() {
                continue;
            }
            let rows = self.shown_rows(c, withheld, outside_total);
            let vectors: Vec<&[usize]> = targets.iter().map(|&e| self.entries[e].support.as_slice()).collect();
            // On overflow, assume the worst: every withheld entry is exposed.
            let spanned = in_span(c.atoms, &rows, &vectors).unwrap_or_else(|Overflow| vec![true; targets.len()]);
            for (e, s) in targets.into_iter().zip(spanned) {
                found[e] = s;
            }
        }
        found
    }

    /// As [`Model::audit`], plus withheld entries pinned by bounds.
    fn exposed(&self, withheld: &[bool], values: &[u64]) -> Vec<bool> {
        let mut found = self.audit(withheld);
        for e in pinned_by_bounds(self, withheld, values) {
            found[e] = true;
        }
        found
    }

    /// Withheld entries recoverable by peeling alone (a total minus its other
    /// known parts, repeatedly), plus those pinned by bounds. A subset of
    /// [`Model::exposed`].
    fn exposed_cheaply(&self, withheld: &[bool], values: &[u64]) -> Vec<bool> {
        let totals_shown: Vec<bool> = self
            .components
            .iter()
            .map(|c| c.entries.iter().any(|&e| !withheld[e] && self.entries[e].support.len() == c.atoms))
            .collect();
        let mut found = vec![false; self.entries.len()];
        for (ci, c) in self.components.iter().enumerate() {
            if !c.entries.iter().any(|&e| withheld[e]) {
                continue;
            }
            let outside_total = totals_shown.iter().enumerate().any(|(cj, &t)| cj != ci && t);
            let known = peel(c.atoms, &self.shown_rows(c, withheld, outside_total));
            for &e in &c.entries {
                found[e] = withheld[e] && self.entries[e].support.iter().all(|&a| known[a]);
            }
        }
        for e in pinned_by_bounds(self, withheld, values) {
            found[e] = true;
        }
        found
    }

    /// Whether the component's grand total is known from its shown entries.
    fn ones_known(&self, c: &Component, withheld: &[bool]) -> bool {
        let rows = self.shown_rows(c, withheld, false);
        let all: Vec<usize> = (0..c.atoms).collect();
        in_span(c.atoms, &rows, &[all.as_slice()]).map_or(true, |v| v.first().copied().unwrap_or(true))
    }

    fn shown_rows(&self, c: &Component, withheld: &[bool], with_total: bool) -> Vec<Vec<usize>> {
        let mut rows: Vec<Vec<usize>> = c
            .entries
            .iter()
            .filter(|&&e| !withheld[e])
            .map(|&e| self.entries[e].support.clone())
            .collect();
        if with_total {
            rows.push((0..c.atoms).collect());
        }
        rows
    }

    /// The first exposed entry, inner cells before margins.
    fn first_target(&self, exposed: &[bool]) -> Option<usize> {
        let pick = |margin: bool| (0..self.entries.len()).find(|&e| exposed[e] && self.entries[e].margin == margin);
        pick(false).or_else(|| pick(true))
    }

    /// Shown non-zero entries worth withholding to protect `target`, best first.
    fn candidates(&self, target: usize, withheld: &[bool], values: &[u64]) -> Vec<usize> {
        let t = &self.entries[target];
        let c = &self.components[t.component];
        let shown_nonzero = |e: usize| !withheld[e] && values[e] > 0;
        // Shown totals that contain the target.
        let lines: Vec<usize> = c
            .entries
            .iter()
            .copied()
            .filter(|&m| m != target && !withheld[m] && is_subset(&t.support, &self.entries[m].support))
            .collect();
        let mut beside: Vec<usize> = c
            .entries
            .iter()
            .copied()
            .filter(|&s| s != target && shown_nonzero(s))
            .filter(|&s| is_disjoint(&self.entries[s].support, &t.support))
            .filter(|&s| lines.iter().any(|&m| m != s && is_subset(&self.entries[s].support, &self.entries[m].support)))
            .collect();
        let order = |e: &usize| (self.entries[*e].margin, values[*e], *e);
        beside.sort_by_key(order);
        let mut containing: Vec<usize> = lines.into_iter().filter(|&m| values[m] > 0).collect();
        containing.sort_by_key(order);
        // Totals of other components, when the target leans on the shared total.
        let mut others: Vec<usize> = (0..self.entries.len())
            .filter(|&e| self.entries[e].component != t.component && shown_nonzero(e))
            .filter(|&e| {
                let comp = &self.components[self.entries[e].component];
                self.entries[e].support.len() == comp.atoms
            })
            .collect();
        others.sort_by_key(order);
        let (inner, margins): (Vec<usize>, Vec<usize>) = beside.into_iter().partition(|&e| !self.entries[e].margin);
        let mut out: Vec<usize> = inner.into_iter().take(MAX_TRIALS).collect();
        out.extend(margins.into_iter().take(MAX_TRIALS / 2));
        out.extend(containing.into_iter().take(MAX_TRIALS / 2));
        out.extend(others.into_iter().take(MAX_TRIALS / 2));
        out.dedup();
        out
    }
}

/// Withheld entries an attacker pins from bounds: withheld counts are at
/// least 1 (zeros are shown), so when a shown total leaves exactly as much as
/// there are withheld atoms under it, each of those is 1.
///
/// Only checks shown entries whose unknown part is made of withheld inner
/// entries of one table with disjoint supports (a row or column of that table).
fn pinned_by_bounds(model: &Model, withheld: &[bool], values: &[u64]) -> Vec<usize> {
    let mut pinned = Vec::new();
    for m in 0..model.entries.len() {
        if withheld[m] {
            continue;
        }
        let inside = &model.inside[m];
        if inside.is_empty() {
            continue;
        }
        let shown_sum: u64 = inside.iter().filter(|&&e| !withheld[e]).map(|&e| values[e]).sum();
        let hidden: Vec<usize> = inside.iter().copied().filter(|&e| withheld[e]).collect();
        let rest = values[m].saturating_sub(shown_sum);
        if hidden.len() >= 2 && rest == hidden.len() as u64 {
            pinned.extend(hidden);
        }
    }
    pinned.sort_unstable();
    pinned.dedup();
    pinned
}

fn is_subset(a: &[usize], b: &[usize]) -> bool {
    a.iter().all(|x| b.binary_search(x).is_ok())
}

fn is_disjoint(a: &[usize], b: &[usize]) -> bool {
    a.iter().all(|x| b.binary_search(x).is_err())
}

/// Which `targets` lie in the span of `rows` (each a set of atoms, i.e. a 0/1
/// vector over `atoms` columns).
fn in_span(atoms: usize, rows: &[Vec<usize>], targets: &[&[usize]]) -> Result<Vec<bool>, Overflow> {
    // Peel first: a row with one unknown atom makes that atom known. This is
    // the "row total minus the other cells" step, and it leaves elimination
    // only the genuinely tangled part.
    let known = peel(atoms, rows);
    let columns: Vec<usize> = (0..atoms).filter(|&a| !known[a]).collect();
    let mut column_of = vec![usize::MAX; atoms];
    for (i, &a) in columns.iter().enumerate() {
        column_of[a] = i;
    }
    let dense = |set: &[usize]| {
        let mut v = vec![0i128; columns.len()];
        for &a in set {
            if !known[a] {
                v[column_of[a]] = 1;
            }
        }
        v
    };
    let tangled: Vec<Vec<i128>> = rows
        .iter()
        .filter(|r| r.iter().filter(|&&a| !known[a]).count() >= 2)
        .map(|r| dense(r))
        .collect();
    let echelon = Echelon::new(tangled, columns.len())?;
    targets.iter().map(|t| echelon.spans(&dense(t))).collect()
}

/// Atoms whose count follows from `rows` by repeatedly taking a row with one
/// unknown atom left.
fn peel(atoms: usize, rows: &[Vec<usize>]) -> Vec<bool> {
    let mut known = vec![false; atoms];
    loop {
        let mut changed = false;
        for row in rows {
            let mut unknown = row.iter().filter(|&&a| !known[a]);
            if let (Some(&a), None) = (unknown.next(), unknown.next()) {
                known[a] = true;
                changed = true;
            }
        }
        if !changed {
            return known;
        }
    }
}
