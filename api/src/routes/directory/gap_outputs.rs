//! The gap analysis as CSV and as an SVG heat map (regions × categories).
//!
//! The SVG is written by hand: it is a grid of rectangles and text, and a
//! drawing crate would add weight without removing any of the logic (the
//! colours, labels and escaping are ours either way). The annual report and
//! the coordinator dashboard embed this same picture.

use beacon_core::directory::gaps::{GapReport, Severity};
use crate::error::ApiError;
use beacon_core::reference::codes::{CodeList, Service};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::str::FromStr;

/// A cell a spreadsheet will not run as a formula: free text (a funding
/// source, a provider's name) starting with `= + - @` or a control character
/// gets a leading `'` (OWASP's advice for CSV injection).
pub fn safe_cell(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    }
}

const CSV_HEADER: [&str; 18] = [
    "region",
    "category",
    "vetted_providers",
    "capacity_available",
    "capacity_total",
    "population",
    "population_unknown",
    "providers_per_100k",
    "demand_victims",
    "demand_intake",
    "demand_referrals",
    "unmet_demand",
    "funding_total_cents",
    "funding_cents_by_source",
    "stale_providers",
    "flags",
    "reasons",
    "period",
];

/// One line per region × category; `funding_cents_by_source` is
/// `source=cents` pairs joined by `; `, `flags` codes joined by `;`.
pub fn csv(report: &GapReport) -> Result<String, ApiError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_HEADER).map_err(ApiError::internal)?;
    let period = format!("{}..{}", report.from, report.to);
    for r in &report.rows {
        let funding: Vec<String> = r.funding_cents_by_source.iter().map(|(s, c)| format!("{s}={c}")).collect();
        let flags: Vec<&str> = r.flags.iter().map(|f| f.flag.code()).collect();
        let reasons: Vec<&str> = r.flags.iter().map(|f| f.reason.as_str()).collect();
        w.write_record([
            safe_cell(&r.region),
            r.category.clone(),
            r.vetted_providers.to_string(),
            r.capacity_available.to_string(),
            r.capacity_total.to_string(),
            r.population.map(|p| p.to_string()).unwrap_or_default(),
            r.population_unknown.to_string(),
            r.providers_per_100k.map(|v| format!("{v:.2}")).unwrap_or_default(),
            r.demand_victims.to_string(),
            r.demand_intake.to_string(),
            r.demand_referrals.to_string(),
            r.unmet_demand.to_string(),
            r.funding_total_cents.to_string(),
            safe_cell(&funding.join("; ")),
            r.stale_providers.to_string(),
            flags.join(";"),
            safe_cell(&reasons.join(" | ")),
            period.clone(),
        ])
        .map_err(ApiError::internal)?;
    }
    let bytes = w.into_inner().map_err(ApiError::internal)?;
    String::from_utf8(bytes).map_err(ApiError::internal)
}

/// XML text / attribute escaping.
fn esc(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// The colour and legend of each severity (`beacon_core::directory::gaps::Severity` decides
/// which a row has).
trait Paint {
    /// Colour-blind-safe (ColorBrewer RdYlBu), dark text stays readable on each.
    fn fill(self) -> &'static str;
    fn label(self) -> &'static str;
}

impl Paint for Severity {
    fn fill(self) -> &'static str {
        match self {
            Severity::Missing => "#d73027",
            Severity::Gap => "#fc8d59",
            Severity::Watch => "#fee090",
            Severity::None => "#91bfdb",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Severity::Missing => "No vetted provider",
            Severity::Gap => "Below half the state rate, or referrals declined for capacity",
            Severity::Watch => "Funding concentrated or verification stale",
            Severity::None => "No flag",
        }
    }
}

const CELL_W: usize = 64;
const CELL_H: usize = 28;
const LEFT: usize = 190;
const TOP: usize = 150;

/// Regions down, categories across; each cell shows the number of vetted
/// providers, is coloured by its worst flag and carries the reasons as a
/// tooltip (`<title>`), so the picture is readable without colour too.
pub fn svg(report: &GapReport) -> String {
    let regions: Vec<&str> = report.rows.iter().map(|r| r.region.as_str()).collect::<BTreeSet<_>>().into_iter().collect();
    let categories: Vec<&str> = Service::ALL.iter().map(|s| s.code()).collect();
    // The column labels lean right, past the last column: room for the longest.
    let width = LEFT + CELL_W * categories.len() + 170;
    let legend_top = TOP + CELL_H * regions.len() + 20;
    let height = legend_top + 4 * 22 + 20;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-labelledby="gaps-title" font-family="sans-serif" font-size="12">"#
    );
    let title = format!(
        "Service gaps by {} and service category, {} to {}",
        report.region_type.replace('_', " "),
        report.from,
        report.to
    );
    let _ = write!(out, r#"<title id="gaps-title">{}</title>"#, esc(&title));
    let _ = write!(out, r#"<text x="10" y="20" font-size="15" font-weight="bold">{}</text>"#, esc(&title));
    for (j, c) in categories.iter().enumerate() {
        let x = LEFT + CELL_W * j + CELL_W / 2;
        let label = Service::from_str(c).map(|s| s.label()).unwrap_or(c);
        let _ = write!(
            out,
            r#"<text x="{x}" y="{}" transform="rotate(-50 {x} {})" text-anchor="start">{}</text>"#,
            TOP - 8,
            TOP - 8,
            esc(label)
        );
    }
    for (i, region) in regions.iter().enumerate() {
        let y = TOP + CELL_H * i;
        let _ = write!(out, r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#, LEFT - 8, y + CELL_H / 2 + 4, esc(region));
        for (j, c) in categories.iter().enumerate() {
            let Some(row) = report.rows.iter().find(|r| r.region == *region && r.category == *c) else { continue };
            let severity = row.severity();
            let x = LEFT + CELL_W * j;
            let mut tip = format!("{region} · {c}: {} vetted provider(s)", row.vetted_providers);
            for f in &row.flags {
                tip.push_str(&format!("\n{}: {}", f.flag.code(), f.reason));
            }
            let _ = write!(
                out,
                r#"<g class="cell" data-region="{}" data-category="{}" data-flags="{}"><title>{}</title><rect x="{x}" y="{y}" width="{CELL_W}" height="{CELL_H}" fill="{}" stroke="white"/><text x="{}" y="{}" text-anchor="middle">{}</text></g>"#,
                esc(region),
                esc(c),
                esc(&row.flags.iter().map(|f| f.flag.code()).collect::<Vec<_>>().join(" ")),
                esc(&tip),
                severity.fill(),
                x + CELL_W / 2,
                y + CELL_H / 2 + 4,
                row.vetted_providers
            );
        }
    }
    for (k, s) in [Severity::Missing, Severity::Gap, Severity::Watch, Severity::None].iter().enumerate() {
        let y = legend_top + 22 * k;
        let _ = write!(
            out,
            r#"<rect x="10" y="{y}" width="16" height="16" fill="{}"/><text x="32" y="{}">{}</text>"#,
            s.fill(),
            y + 12,
            esc(s.label())
        );
    }
    out.push_str("</svg>");
    out
}
