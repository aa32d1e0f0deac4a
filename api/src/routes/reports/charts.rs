//! The report's charts, drawn by `beacon_core::chart` from the published
//! (already suppressed) trend tables: a chart reads only what its table
//! shows, so it can reveal nothing the table withholds.

use beacon_core::chart::{BarChart, CountyMap, Meta, Orientation, Series};
use beacon_core::stats::query::{Measure, MeasureTable};

fn measure_name(m: Measure) -> &'static str {
    match m {
        Measure::Incidents => "Incidents",
        Measure::Victims => "Victims",
    }
}

/// The inner cells of a one-dimension table: (category label, value), the
/// value `None` where withheld; the margin ("Total") is left out.
fn inner(t: &MeasureTable) -> Vec<(String, Option<u64>)> {
    let labels = t.table.dimensions().first().map(|d| d.labels()).unwrap_or_default();
    t.table
        .entries()
        .iter()
        .filter_map(|e| {
            let c = (*e.at.first()?)?;
            Some((labels.get(c)?.to_string(), e.cell.get()))
        })
        .collect()
}

fn withheld_note(k: Option<u64>) -> String {
    match k {
        Some(k) => format!("Withheld (*): a count from 1 to {}, or one that would reveal such a count", k.saturating_sub(1)),
        None => beacon_core::chart::DEFAULT_WITHHELD_NOTE.to_string(),
    }
}

/// The chart drawn before the tables grouped by `dimension`, as one
/// `<figure>`, or nothing for a dimension without a chart. Its data tables
/// are the section's tables that follow it.
pub fn trend_chart(dimension: &str, tables: &[&MeasureTable], k: Option<u64>) -> Option<String> {
    let (svg, title) = match dimension {
        "quarter" => {
            let first = tables.first()?;
            let categories = inner(first).into_iter().map(|(l, _)| l).collect();
            let series = tables
                .iter()
                .map(|t| Series::new(measure_name(t.measure), inner(t).into_iter().map(|(_, v)| v).collect()))
                .collect();
            let meta = Meta::new(
                "chart-quarter",
                "Incidents and victims by quarter",
                "Bar chart of the year's incidents and victims in each calendar quarter, as in the tables that follow.",
            )
            .withheld_because(&withheld_note(k));
            let title = meta.title.clone();
            (BarChart { meta, orientation: Orientation::Vertical, category_name: "Quarter".into(), categories, series }.render().svg, title)
        }
        "county" => {
            let incidents = tables.iter().find(|t| t.measure == Measure::Incidents)?;
            let meta = Meta::new(
                "chart-county",
                "Incidents per 100,000 residents by county",
                "Map of Connecticut's eight counties, each shaded by the year's incidents per 100,000 residents (2020 census), from the counts in the tables that follow; a county whose count is withheld has no rate.",
            )
            .withheld_because(&withheld_note(k));
            let title = meta.title.clone();
            (CountyMap::of_rates(meta, "Per 100,000", &inner(incidents), 100_000).render().svg, title)
        }
        "trafficking_type" => {
            // One bar per type: the records that have it (the "has" entry).
            let has = |t: &MeasureTable| t.table.entries().iter().find(|e| e.at.first() == Some(&Some(0))).and_then(|e| e.cell.get());
            let label = |t: &MeasureTable| t.table.dimensions().first().and_then(|d| d.name().split(": ").nth(1)).unwrap_or_default().to_string();
            let first = tables.first()?.measure;
            let categories: Vec<String> = tables.iter().filter(|t| t.measure == first).map(|t| label(t)).collect();
            let mut series = Vec::new();
            for m in [Measure::Incidents, Measure::Victims] {
                let values: Vec<Option<u64>> = tables.iter().filter(|t| t.measure == m).map(|t| has(t)).collect();
                if !values.is_empty() {
                    series.push(Series::new(measure_name(m), values));
                }
            }
            let meta = Meta::new(
                "chart-type",
                "Incidents and victims by trafficking type",
                "Bar chart of the year's incidents, and their victims, having each trafficking type; an incident may have several types, so the bars do not add up to the year's total.",
            )
            .withheld_because(&withheld_note(k));
            let title = meta.title.clone();
            (BarChart { meta, orientation: Orientation::Horizontal, category_name: "Trafficking type".into(), categories, series }.render().svg, title)
        }
        _ => return None,
    };
    // The caption repeats the title in print, where an SVG's `<title>` is not shown.
    Some(format!(
        "<figure class=\"chart\">\n{svg}<figcaption><b>{}</b>. The figures are in the table{} below.</figcaption>\n</figure>\n",
        beacon_core::chart::escape(&title),
        if tables.len() > 1 { "s" } else { "" }
    ))
}
