//! The coordinator's report as one print-ready HTML page: semantic HTML and
//! inline CSS, no script (it is read on paper and by screen readers). Every
//! text value is escaped, the register's free text above all.

use super::charts;
use beacon_core::reference::codes::CodeList;
use beacon_core::stats::annual::{CoordinatorReport, ReportRecommendation};
use beacon_core::stats::query::{Measure, MeasureTable};
use beacon_core::stats::DutyStatus;
use std::fmt::Write;

pub(super) const STYLE: &str = "body{font-family:Georgia,'Times New Roman',serif;max-width:48rem;margin:2rem auto;padding:0 1rem;\
line-height:1.45;color:#111}h1{font-size:1.6rem}h2{border-bottom:1px solid #999;margin-top:2rem;break-after:avoid}\
table{border-collapse:collapse;width:100%;margin:1rem 0;break-inside:avoid}caption{text-align:left;font-weight:bold;\
padding:.25rem 0}th,td{border:1px solid #999;padding:.25rem .5rem;text-align:left;vertical-align:top}\
td.count,th.count{text-align:right;font-variant-numeric:tabular-nums}.note{font-style:italic}\
blockquote{margin:1rem 0;padding-left:1rem;border-left:3px solid #999}\
figure.chart{margin:1rem 0;break-inside:avoid}figure.chart svg{display:block;max-width:100%;height:auto}\
figcaption{font-size:.9rem;font-style:italic}\
@media print{body{margin:0;max-width:none}html{-webkit-print-color-adjust:exact;print-color-adjust:exact}\
figure.chart svg{width:100%;height:auto}@page{margin:1.5cm}}";

/// `s` with the five characters that matter in HTML text and attributes escaped.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub(super) fn long_date(d: chrono::NaiveDate) -> String {
    d.format("%B %-d, %Y").to_string()
}

pub fn render(report: &CoordinatorReport) -> String {
    let mut h = String::with_capacity(16 * 1024);
    let s = &report.sections;
    // `write!` into a String cannot fail; the results are ignored on purpose.
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header>\n<h1>{}</h1>\n",
        escape(&report.title),
        escape(&report.title)
    );
    let committees: Vec<String> = report.submitted_to.iter().map(|c| format!("the {}", c.label())).collect();
    let committees = match committees.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    };
    let _ = writeln!(
        h,
        "<p>To {} of the General Assembly. Due {}; prepared {}.</p>",
        escape(&committees),
        escape(&long_date(report.due)),
        escape(&long_date(report.as_of))
    );
    if !report.complete {
        let _ = writeln!(h, "<p class=\"note\">Draft: {} is not over, and the figures will change.</p>", report.year);
    }
    let _ = write!(h, "<blockquote>{}</blockquote>\n</header>\n<main>\n", escape(report.basis));

    // Activities
    let _ = write!(h, "<section id=\"activities\">\n<h2>{}</h2>\n", escape(s.activities.title));
    if s.activities.entries.is_empty() {
        let _ = writeln!(h, "<p>No activity is recorded for {}.</p>", report.year);
    } else {
        h.push_str("<table>\n<thead><tr><th scope=\"col\">Date</th><th scope=\"col\">Kind</th><th scope=\"col\">Agencies</th><th scope=\"col\">Description</th></tr></thead>\n<tbody>\n");
        for a in &s.activities.entries {
            let agencies: Vec<&str> = a.agencies.iter().map(|g| g.label()).collect();
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                a.date,
                escape(a.kind.label()),
                escape(&agencies.join(", ")),
                escape(&a.description)
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("</section>\n");

    // Incident trends
    let t = &s.incident_trends;
    let _ = write!(h, "<section id=\"incident-trends\">\n<h2>{}</h2>\n<p>{}</p>\n", escape(t.title), escape(&t.rule));
    // Each run of tables by one dimension is preceded by its chart.
    let mut start = 0;
    while start < t.tables.len() {
        // A has / has-not table is named for its category (`trafficking_type: labor`):
        // the categories of one dimension make one run.
        let dimension = |m: &MeasureTable| m.table.dimensions().first().map(|d| d.name().split(": ").next().unwrap_or_default().to_string());
        let name = dimension(&t.tables[start]);
        let run: Vec<&MeasureTable> = t.tables[start..].iter().take_while(|m| dimension(m) == name).collect();
        if let Some(figure) = name.and_then(|n| charts::trend_chart(&n, &run, t.k)) {
            h.push_str(&figure);
        }
        for table in &run {
            trend_table(&mut h, table);
        }
        start += run.len().max(1);
    }
    h.push_str("</section>\n");

    // Minors and DCF, training, directory gaps and funding, referrals.
    super::sections_html::render(&mut h, s);

    // Recommendations
    let r = &s.recommendations;
    let _ = write!(h, "<section id=\"recommendations\">\n<h2>{}</h2>\n", escape(r.title));
    recommendations(&mut h, "Administrative recommendations", &r.administrative, report.year);
    recommendations(&mut h, "Recommendations for legislation", &r.legislative, report.year);
    h.push_str("</section>\n");

    // Statutory calendar
    let _ = write!(
        h,
        "<section id=\"calendar\">\n<h2>{}</h2>\n<table>\n<caption>Every dated duty of Raised Bill 5476, as of {}</caption>\n\
         <thead><tr><th scope=\"col\">Due</th><th scope=\"col\">Section</th><th scope=\"col\">Duty</th><th scope=\"col\">Status</th></tr></thead>\n<tbody>\n",
        escape(s.calendar.title),
        escape(&long_date(report.as_of))
    );
    for d in &s.calendar.duties {
        let status = match d.status {
            DutyStatus::Upcoming => "Upcoming",
            DutyStatus::DueSoon => "Due within 30 days",
            DutyStatus::Past => "Date passed",
        };
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            d.due,
            escape(d.section),
            escape(d.description),
            status
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");

    super::sections_html::methodology(&mut h, &s.methodology);
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

/// A published table: one row per entry, its categories (or "Total") then
/// the count, `*` where withheld.
pub(super) fn trend_table(h: &mut String, t: &MeasureTable) {
    let table = &t.table;
    let dims = table.dimensions();
    let measure = match t.measure {
        Measure::Incidents => "Incidents",
        Measure::Victims => "Victims",
    };
    let _ = write!(h, "<table>\n<caption>{}</caption>\n<thead><tr>", escape(&capitalised(table.name())));
    for d in dims {
        let _ = write!(h, "<th scope=\"col\">{}</th>", escape(&capitalised(&d.name().replace('_', " "))));
    }
    let _ = write!(h, "<th scope=\"col\" class=\"count\">{measure}</th></tr></thead>\n<tbody>\n");
    for e in table.entries() {
        h.push_str("<tr>");
        for (i, d) in dims.iter().enumerate() {
            let label = e.at.get(i).copied().flatten().and_then(|c| d.labels().get(c).map(|l| l.to_string()));
            match label {
                Some(l) => {
                    let _ = write!(h, "<th scope=\"row\">{}</th>", escape(&l));
                }
                None => h.push_str("<th scope=\"row\">Total</th>"),
            }
        }
        let _ = writeln!(h, "<td class=\"count\">{}</td></tr>", escape(&e.cell.to_csv()));
    }
    h.push_str("</tbody>\n</table>\n");
}

fn recommendations(h: &mut String, title: &str, list: &[ReportRecommendation], year: i32) {
    let _ = writeln!(h, "<h3>{}</h3>", escape(title));
    if list.is_empty() {
        let _ = writeln!(h, "<p>None for {year}.</p>");
        return;
    }
    h.push_str("<ol>\n");
    for r in list {
        let _ = write!(h, "<li><p>{}</p>\n<p>Status: {}", escape(&r.text), escape(r.status.label()));
        if let Some(c) = r.committee {
            let _ = write!(h, ". For the {}", escape(c.label()));
        }
        h.push_str(".</p>\n");
        if let Some(f) = &r.finding {
            let _ = writeln!(h, "<p>Finding: {}</p>", escape(f));
        }
        h.push_str("</li>\n");
    }
    h.push_str("</ol>\n");
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected
    use super::{escape, render};
    use beacon_core::stats::annual::{coordinator_report, ReportInput};
    use beacon_core::stats::query::GroupCount;
    use beacon_core::stats::{check_activity, check_recommendation};
    use chrono::NaiveDate;

    /// The reviewed rendering of a fixed report. A change to the page shows
    /// up as a diff of this file: regenerate it with
    /// `BEACON_UPDATE_SNAPSHOTS=1 cargo test -p beacon-api --lib html`, read
    /// the diff, and commit it.
    const SNAPSHOT: &str = "src/routes/reports/snapshots/coordinator-2026.html";

    #[test]
    fn the_page_matches_its_reviewed_snapshot() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let activities = [check_activity(
            r#"{"date": "2026-09-15", "kind": "meeting", "agencies": ["dcf", "opm"], "description": "Agreed a referral protocol <with> DCF & OPM."}"#,
            today,
        )
        .unwrap()];
        let recommendations = [
            check_recommendation(r#"{"year": 2026, "kind": "administrative", "status": "adopted", "text": "Train every intake worker."}"#, today).unwrap(),
            check_recommendation(
                r#"{"year": 2026, "kind": "legislative", "status": "proposed", "text": "Fund survivor housing.", "finding": "No shelter east of the river.", "committee": "appropriations"}"#,
                today,
            )
            .unwrap(),
        ];
        let count = |q: &str, town: &str, n: u64| GroupCount { keys: vec![q.into()], town: Some(town.into()), incidents: n, victims: n, plan: 0 };
        let ty = |k: &str, n: u64| GroupCount { keys: vec![k.into()], town: None, incidents: n, victims: n, plan: 1 };
        let counts = [count("2026-Q1", "Hartford", 30), count("2026-Q2", "New Haven", 3), count("2026-Q4", "Stamford", 15), ty("*", 48), ty("sex", 40), ty("labor", 8)];
        let report = coordinator_report(ReportInput { year: 2026, today, activities: &activities, recommendations: &recommendations, counts: &counts, k: 11, facts: &super::super::sections_html::sample_facts() }).unwrap();
        let page = render(&report);
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(SNAPSHOT);
        if std::env::var_os("BEACON_UPDATE_SNAPSHOTS").is_some() {
            std::fs::write(&path, &page).unwrap();
        }
        let reviewed = std::fs::read_to_string(&path).expect("the snapshot; see SNAPSHOT's comment");
        assert_eq!(page, reviewed, "the report's HTML changed; see SNAPSHOT's comment");
    }

    #[test]
    fn markup_in_text_is_escaped() {
        assert_eq!(escape("<script>alert('x')</script> & \"y\""), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;");
    }
}
