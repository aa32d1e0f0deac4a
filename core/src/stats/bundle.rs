//! An annual report as a bundle of CSV files: one per table of the report,
//! the registers it prints, its calendar and methodology, and a README that
//! lists them. The API writes the files into a zip.
//!
//! Built from the report's JSON, not its Rust type: a frozen report is filed
//! as JSON, so the bundle of a snapshot is cut from exactly what was filed,
//! and a live report's bundle from the same JSON the API answers. Nothing
//! is recounted or re-suppressed here: a withheld cell is `*` because the
//! JSON says `suppressed: true`, and a file whose counts were under
//! disclosure control says the rule in its first line.

use serde_json::Value;
use thiserror::Error;

/// Which annual report: the sections differ, and so do the file names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    /// Sec. 1(f).
    Coordinator,
    /// Sec. 8(d).
    TaskForce,
}

impl ReportKind {
    /// The kind as the API's paths spell it.
    pub fn code(self) -> &'static str {
        match self {
            ReportKind::Coordinator => "coordinator",
            ReportKind::TaskForce => "task_force",
        }
    }

    /// The report's sections in its own order; a file's number is its
    /// section's place here, so a table that is absent one year does not
    /// renumber the others.
    fn sections(self) -> &'static [&'static str] {
        match self {
            ReportKind::Coordinator => &[
                "activities",
                "incident_trends",
                "minors_and_dcf",
                "training",
                "directory_gaps",
                "referrals",
                "recommendations",
                "calendar",
                "methodology",
            ],
            ReportKind::TaskForce => {
                &["activities", "trends", "minors_and_dcf", "training", "referrals", "service_capacity", "governing_body", "methodology"]
            }
        }
    }
}

/// The header of a count under disclosure control: a count from 1 to k − 1
/// never appears under it.
pub const COUNT: &str = "count";

/// Written where a count is withheld, as in the statistics' CSV.
pub const WITHHELD: &str = "*";

/// One CSV file of the bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvFile {
    /// Stable: `NN-section-table.csv`, NN the section's place in the report.
    pub name: String,
    /// Lines written first, each as a `# ` comment: the rule that applied.
    pub comments: Vec<String>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// What the file holds, for the README.
    pub about: String,
}

/// The files and a README naming them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    pub files: Vec<CsvFile>,
    pub readme: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BundleError {
    #[error("not a report: {0}")]
    Shape(String),
}

/// The bundle of `report`, the JSON of a report of `kind`.
pub fn bundle(kind: ReportKind, report: &Value) -> Result<Bundle, BundleError> {
    let sections = report.get("sections").and_then(Value::as_object).ok_or_else(|| shape("no `sections`"))?;
    let mut files = Vec::new();
    let mut not_held = Vec::new();
    for (i, key) in kind.sections().iter().enumerate() {
        let Some(section) = sections.get(*key) else { continue };
        let prefix = format!("{:02}-{}", i + 1, slug(key));
        let before = files.len();
        section_files(key, section, &prefix, &mut files)?;
        if files.len() == before {
            if let Some(note) = section.get("note").and_then(Value::as_str) {
                not_held.push(format!("{}: {note}", text(section.get("title"))));
            }
        }
    }
    let readme = readme(report, &files, &not_held);
    Ok(Bundle { files, readme })
}

fn shape(what: &str) -> BundleError {
    BundleError::Shape(what.to_string())
}

/// The files of one section, named after `prefix`.
fn section_files(key: &str, section: &Value, prefix: &str, files: &mut Vec<CsvFile>) -> Result<(), BundleError> {
    let title = text(section.get("title"));
    match key {
        "activities" => {
            if let Some(entries) = section.get("entries").and_then(Value::as_array) {
                let rows = entries.iter().map(|e| columns(e, &["date", "kind", "agencies", "description"])).collect();
                files.push(CsvFile {
                    name: format!("{prefix}.csv"),
                    comments: Vec::new(),
                    header: strings(&["date", "kind", "agencies", "description"]),
                    rows,
                    about: format!("{title}: the activity register's entries of the year"),
                });
            }
        }
        "incident_trends" | "trends" | "training" => {
            for table in section.get("tables").and_then(Value::as_array).into_iter().flatten() {
                files.push(counts(prefix, &title, table)?);
            }
        }
        "minors_and_dcf" => {
            for part in ["incidents", "intake", "responses"] {
                if let Some(table) = section.get(part) {
                    files.push(counts(prefix, &title, table)?);
                }
            }
        }
        "referrals" => {
            if let Some(table) = section.get("table") {
                files.push(counts(prefix, &title, table)?);
            }
            if let Some(medians) = section.get("median_days").and_then(Value::as_array) {
                files.push(CsvFile {
                    name: format!("{prefix}-median-days-to-outcome.csv"),
                    comments: vec!["A median is given only where its outcome's count is shown; empty otherwise.".into()],
                    header: strings(&["outcome", "median_days"]),
                    rows: medians.iter().map(|m| columns(m, &["outcome", "days"])).collect(),
                    about: format!("{title}: median days from referral to outcome"),
                });
            }
        }
        "directory_gaps" | "service_capacity" => gaps(prefix, &title, section, files),
        "recommendations" => {
            let mut rows = Vec::new();
            for kind in ["administrative", "legislative"] {
                for r in section.get(kind).and_then(Value::as_array).into_iter().flatten() {
                    let mut row = vec![kind.to_string()];
                    row.extend(columns(r, &["status", "text", "finding", "committee"]));
                    rows.push(row);
                }
            }
            files.push(CsvFile {
                name: format!("{prefix}.csv"),
                comments: Vec::new(),
                header: strings(&["kind", "status", "text", "finding", "committee"]),
                rows,
                about: format!("{title}: the recommendation register's entries carried by the report"),
            });
        }
        "calendar" => {
            let rows = section
                .get("duties")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|d| {
                    let mut row = columns(d, &["id", "section", "description"]);
                    row.push(recurrence(d.get("recurrence")));
                    row.extend(columns(d, &["due", "days_until", "status"]));
                    row
                })
                .collect();
            files.push(CsvFile {
                name: format!("{prefix}.csv"),
                comments: Vec::new(),
                header: strings(&["id", "section", "description", "recurrence", "due", "days_until", "status"]),
                rows,
                about: format!("{title}: every dated duty of the bill, as of the report's day"),
            });
        }
        "methodology" => files.push(methodology(prefix, &title, section)),
        _ => {}
    }
    Ok(())
}

/// A table under disclosure control, long format: one column per dimension
/// (`Total` for a margin), then [`COUNT`], `*` where withheld. Rows follow
/// the JSON's `entries`.
fn counts(prefix: &str, section_title: &str, table: &Value) -> Result<CsvFile, BundleError> {
    let name = table.get("name").and_then(Value::as_str).ok_or_else(|| shape("a table without a name"))?;
    let dimensions = table.get("dimensions").and_then(Value::as_array).ok_or_else(|| shape("a table without dimensions"))?;
    let entries = table.get("entries").and_then(Value::as_array).ok_or_else(|| shape("a table without entries"))?;
    let labels: Vec<Vec<String>> = dimensions
        .iter()
        .map(|d| d.get("categories").and_then(Value::as_array).into_iter().flatten().map(|c| text(Some(c))).collect())
        .collect();
    let mut header: Vec<String> = dimensions.iter().map(|d| text(d.get("name"))).collect();
    header.push(COUNT.to_string());
    let mut rows = Vec::with_capacity(entries.len());
    for e in entries {
        let at = e.get("at").and_then(Value::as_array).ok_or_else(|| shape("an entry without `at`"))?;
        if at.len() != labels.len() {
            return Err(shape("an entry's `at` does not fit its table"));
        }
        let mut row: Vec<String> = at
            .iter()
            .zip(&labels)
            .map(|(c, l)| match c.as_u64().and_then(|i| usize::try_from(i).ok()) {
                Some(i) => l.get(i).cloned().unwrap_or_default(),
                None => "Total".to_string(),
            })
            .collect();
        row.push(count_cell(e));
        rows.push(row);
    }
    let rule = table.get("rule").and_then(Value::as_str).unwrap_or_default();
    Ok(CsvFile {
        name: format!("{prefix}-{}.csv", slug(name)),
        comments: vec![format!("{name}. {rule}")],
        header,
        rows,
        about: format!("{section_title}: {name}"),
    })
}

/// `*` unless the entry is shown with a value: a shape we do not expect
/// withholds rather than reveals.
fn count_cell(entry: &Value) -> String {
    let suppressed = entry.get("suppressed").and_then(Value::as_bool).unwrap_or(true);
    match entry.get("value").and_then(Value::as_u64) {
        Some(v) if !suppressed => v.to_string(),
        _ => WITHHELD.to_string(),
    }
}

/// The heat map (vetted providers are organisations, counted exactly; demand
/// is never a number) and the known funding by source.
fn gaps(prefix: &str, title: &str, section: &Value, files: &mut Vec<CsvFile>) {
    let region = text(section.get("region_type"));
    let region = if region.is_empty() { "region".to_string() } else { region };
    let category_label = |code: &str| {
        section
            .get("categories")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|c| c.get("code").and_then(Value::as_str) == Some(code))
            .map_or_else(|| code.to_string(), |c| text(c.get("label")))
    };
    let rows = section
        .get("cells")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|c| {
            let code = text(c.get("category"));
            let mut row = vec![text(c.get("region")), code.clone(), category_label(&code)];
            row.extend(columns(c, &["vetted_providers", "severity", "flags", "reasons"]));
            row
        })
        .collect();
    files.push(CsvFile {
        name: format!("{prefix}-by-{}-and-category.csv", slug(&region)),
        comments: vec!["Vetted providers are organisations, not people: counted exactly. Demand is never given as a number.".into()],
        header: vec![region, "category".into(), "category_label".into(), "vetted_providers".into(), "severity".into(), "flags".into(), "reasons".into()],
        rows,
        about: format!("{title}: the gap analysis as a heat-map table"),
    });
    if let Some(funding) = section.get("funding") {
        let mut rows: Vec<Vec<String>> =
            funding.get("by_source").and_then(Value::as_array).into_iter().flatten().map(|f| columns(f, &["source", "services", "amount_cents"])).collect();
        rows.push(vec!["Total".into(), text(funding.get("services_with_known_funding")), text(funding.get("total_cents"))]);
        files.push(CsvFile {
            name: format!("{prefix}-funding-by-source.csv"),
            comments: vec![format!(
                "Known funding of the year in cents, exact; {} of {} active services have a known amount.",
                text(funding.get("services_with_known_funding")),
                text(funding.get("active_services"))
            )],
            header: strings(&["source", "services", "amount_cents"]),
            rows,
            about: format!("{title}: known funding by source"),
        });
    }
}

fn methodology(prefix: &str, title: &str, section: &Value) -> CsvFile {
    let mut rows: Vec<Vec<String>> = section
        .get("definitions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|d| {
            let mut row = vec!["definition".to_string()];
            row.extend(columns(d, &["term", "meaning"]));
            row
        })
        .collect();
    rows.push(vec!["suppression_rule".into(), String::new(), text(section.get("suppression_rule"))]);
    rows.push(vec!["k".into(), String::new(), text(section.get("k"))]);
    for (topic, member) in [("unknown", "unknowns"), ("source", "sources")] {
        for item in section.get(member).and_then(Value::as_array).into_iter().flatten() {
            rows.push(vec![topic.into(), String::new(), text(Some(item))]);
        }
    }
    CsvFile {
        name: format!("{prefix}.csv"),
        comments: Vec::new(),
        header: strings(&["topic", "term", "text"]),
        rows,
        about: format!("{title}: definitions, the suppression rule and k, what the counts do not know, sources"),
    }
}

fn readme(report: &Value, files: &[CsvFile], not_held: &[String]) -> String {
    let methodology = report.pointer("/sections/methodology");
    let rule = methodology.map(|m| text(m.get("suppression_rule"))).unwrap_or_default();
    let mut out = format!(
        "{}\nAs of {}{}.\n\n",
        text(report.get("title")),
        text(report.get("as_of")),
        if report.get("complete").and_then(Value::as_bool) == Some(false) { " (draft: the year is not over)" } else { "" }
    );
    out.push_str(&format!(
        "Disclosure control: {rule}\nEvery column named `{COUNT}` is under it: `{WITHHELD}` marks a withheld count, and the \
         file's first line (a `#` comment) states the rule that applied. Other numbers (providers, funding, days) are \
         not counts of people and are exact.\nCodes are those of the report's JSON.\n\nFiles:\n"
    ));
    for f in files {
        out.push_str(&format!("  {}  {}\n", f.name, f.about));
    }
    if !not_held.is_empty() {
        out.push_str("\nNot in this bundle:\n");
        for n in not_held {
            out.push_str(&format!("  {n}\n"));
        }
    }
    out
}

/// The members `names` of `object` as cells.
fn columns(object: &Value, names: &[&str]) -> Vec<String> {
    names.iter().map(|n| text(object.get(*n))).collect()
}

/// A JSON value as one CSV cell: lists joined with `; `, nothing for null.
fn text(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items.iter().map(|v| text(Some(v))).collect::<Vec<_>>().join("; "),
        Some(other) => other.to_string(),
    }
}

fn recurrence(value: Option<&Value>) -> String {
    let Some(r) = value else { return String::new() };
    match r.get("kind").and_then(Value::as_str) {
        Some("every_years") => format!("every {} years", text(r.get("years"))),
        Some("times_per_year") => format!("{} times per year", text(r.get("times"))),
        Some(kind) => kind.to_string(),
        None => text(Some(r)),
    }
}

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| (*s).to_string()).collect()
}

/// `incidents by quarter, county` → `incidents-by-quarter-county`.
fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn table(name: &str) -> Value {
        json!({
            "measure": "incidents", "name": name, "rule": "Counts from 1 to 10 are withheld (k = 11).",
            "dimensions": [{"name": "quarter", "categories": ["2026-Q1", "2026-Q2"]}],
            "entries": [
                {"at": [0], "value": 30, "suppressed": false},
                {"at": [1], "value": null, "suppressed": true},
                {"at": [null], "value": null, "suppressed": true}
            ]
        })
    }

    fn report() -> Value {
        json!({
            "title": "Annual Report on 2026", "as_of": "2026-12-03", "complete": false,
            "sections": {
                "activities": {"title": "Activities", "entries": [
                    {"date": "2026-09-15", "kind": "meeting", "agencies": ["dcf", "opm"], "description": "Met, and agreed."}
                ]},
                "incident_trends": {"title": "Incident trends", "tables": [table("incidents by quarter")]},
                "recommendations": {"title": "Recommendations", "administrative": [], "legislative": [
                    {"status": "proposed", "text": "Fund housing.", "finding": null, "committee": "appropriations"}
                ]},
                "methodology": {"title": "Methodology", "definitions": [{"term": "Incident", "meaning": "A report."}],
                    "suppression_rule": "Counts from 1 to 10 are withheld.", "k": 11, "unknowns": [], "sources": ["Beacon"]}
            }
        })
    }

    #[test]
    fn file_names_number_the_section_not_the_file() {
        let b = bundle(ReportKind::Coordinator, &report()).unwrap();
        let names: Vec<&str> = b.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["01-activities.csv", "02-incident-trends-incidents-by-quarter.csv", "07-recommendations.csv", "09-methodology.csv"]);
    }

    #[test]
    fn a_withheld_cell_is_a_star_and_a_margin_is_total() {
        let b = bundle(ReportKind::Coordinator, &report()).unwrap();
        let f = &b.files[1];
        assert_eq!(f.header, ["quarter", COUNT]);
        assert_eq!(f.rows, [vec!["2026-Q1", "30"], vec!["2026-Q2", "*"], vec!["Total", "*"]]);
        assert_eq!(f.comments, ["incidents by quarter. Counts from 1 to 10 are withheld (k = 11)."]);
    }

    #[test]
    fn a_value_not_marked_shown_is_withheld() {
        assert_eq!(count_cell(&json!({"value": 4})), WITHHELD);
        assert_eq!(count_cell(&json!({"value": 4, "suppressed": true})), WITHHELD);
        assert_eq!(count_cell(&json!({"value": 0, "suppressed": false})), "0");
    }

    #[test]
    fn registers_keep_their_text_and_join_lists() {
        let b = bundle(ReportKind::Coordinator, &report()).unwrap();
        assert_eq!(b.files[0].rows, [vec!["2026-09-15", "meeting", "dcf; opm", "Met, and agreed."]]);
        assert_eq!(b.files[2].rows, [vec!["legislative", "proposed", "Fund housing.", "", "appropriations"]]);
    }

    #[test]
    fn the_readme_lists_every_file_and_the_rule() {
        let b = bundle(ReportKind::Coordinator, &report()).unwrap();
        for f in &b.files {
            assert!(b.readme.contains(&f.name), "{}", f.name);
        }
        assert!(b.readme.contains("Counts from 1 to 10 are withheld."));
        assert!(b.readme.contains("draft"));
    }

    #[test]
    fn a_section_beacon_does_not_hold_is_named_in_the_readme() {
        let r = json!({"title": "Task force", "sections": {
            "activities": {"title": "Activities of the task force", "basis": "Sec. 8(d)", "note": "Beacon keeps no register."}}});
        let b = bundle(ReportKind::TaskForce, &r).unwrap();
        assert!(b.files.is_empty());
        assert!(b.readme.contains("Activities of the task force: Beacon keeps no register."));
    }

    #[test]
    fn json_that_is_not_a_report_is_an_error() {
        assert!(bundle(ReportKind::Coordinator, &json!({"year": 2026})).is_err());
        let bad = json!({"sections": {"incident_trends": {"tables": [{"name": "x", "dimensions": [], "entries": [{"at": [0]}]}]}}});
        assert!(bundle(ReportKind::Coordinator, &bad).is_err());
    }

    #[test]
    fn slugs_are_lowercase_words_joined_by_hyphens() {
        assert_eq!(slug("staff by agency, status"), "staff-by-agency-status");
        assert_eq!(slug("incident_trends"), "incident-trends");
    }
}
