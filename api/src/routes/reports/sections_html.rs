//! The report's sections on minors and DCF, training compliance, directory
//! gaps and funding, and referral outcomes, as HTML. Kept apart from
//! `html.rs` (the page, its head and the trends) so each can change alone.
//! Every table of people is the suppressed one: `*` where a count is
//! withheld, in cells of class `count`. Provider counts and amounts (not
//! people, shown exactly) are `exact`, and a median is a `figure`, so a
//! reader — or a test — can tell the kinds apart.

use super::html::escape;
use beacon_core::reference::codes::CodeList;
use beacon_core::stats::annual::{MethodologySection, Sections};
use beacon_core::stats::sections::{GapsSection, MinorsSection, ReferralsSection, TrainingSection};
use beacon_core::stats::SuppressedTable;
use std::fmt::Write;

/// The four sections, in the report's order, each a `<section>` with its `<h2>`.
pub fn render(h: &mut String, s: &Sections) {
    minors(h, &s.minors_and_dcf);
    training(h, &s.training);
    gaps(h, &s.directory_gaps);
    referrals(h, &s.referrals);
}

fn open(h: &mut String, id: &str, title: &str, basis: &str) {
    let _ = write!(h, "<section id=\"{id}\">\n<h2>{}</h2>\n<blockquote>{}</blockquote>\n", escape(title), escape(basis));
}

pub(super) fn minors(h: &mut String, m: &MinorsSection) {
    open(h, "minors-dcf", m.title, m.basis);
    let _ = writeln!(h, "<p>{}</p>", escape(&m.rule));
    cross_table(h, &m.incidents, "Incidents");
    cross_table(h, &m.intake, "Intake submissions");
    cross_table(h, &m.responses, "Minors made known to DCF");
    let _ = writeln!(h, "<p class=\"note\">{}</p>", escape(m.responses_note));
    h.push_str("</section>\n");
}

pub(super) fn training(h: &mut String, t: &TrainingSection) {
    open(h, "training", t.title, t.basis);
    let _ = writeln!(h, "<p>Active staff as of {}. {}</p>", t.as_of, escape(&t.rule));
    if t.tables.is_empty() {
        h.push_str("<p>No workforce is recorded.</p>\n");
    }
    for table in &t.tables {
        cross_table(h, table, "Staff");
    }
    h.push_str("</section>\n");
}

pub(super) fn gaps(h: &mut String, g: &GapsSection) {
    open(h, "directory-gaps", g.title, g.basis);
    if g.cells.is_empty() {
        h.push_str("<p>The gap analysis has no rows.</p>\n");
    } else {
        h.push_str(
            "<p>Vetted providers by county and service category; each cell is shaded by its worst gap \
             (missing, gap, watch, none). Providers are organisations, not people: their counts are exact.</p>\n",
        );
        h.push_str(&gap_chart(g));
        h.push_str("<table class=\"heatmap\" data-chart=\"gap-heatmap\">\n<caption>Vetted providers by county and service category</caption>\n<thead><tr><th scope=\"col\">County</th>");
        for c in &g.categories {
            let _ = write!(h, "<th scope=\"col\" data-category=\"{}\">{}</th>", escape(&c.code), escape(&c.label));
        }
        h.push_str("</tr></thead>\n<tbody>\n");
        for region in &g.regions {
            let _ = write!(h, "<tr><th scope=\"row\">{}</th>", escape(region));
            for c in &g.categories {
                match g.cells.iter().find(|x| x.region == *region && x.category == c.code) {
                    Some(cell) => {
                        let _ = write!(
                            h,
                            "<td class=\"exact severity-{0}\" data-severity=\"{0}\" style=\"text-align:right;background:{3}\" title=\"{1}\">{2}</td>",
                            cell.severity,
                            escape(&cell.reasons.join(" ")),
                            cell.vetted_providers,
                            shade(cell.severity)
                        );
                    }
                    None => h.push_str("<td class=\"exact\">–</td>"),
                }
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</tbody>\n</table>\n");
        // "Missing" cells speak for themselves in the table; the reasons of
        // the others say what a number cannot.
        let missing = g.cells.iter().filter(|c| c.severity == "missing").count();
        let _ = writeln!(h, "<p>{missing} of {} county and category cells have no vetted provider.</p>", g.cells.len());
        let flagged: Vec<&str> = g.cells.iter().filter(|c| c.severity == "gap" || c.severity == "watch").flat_map(|c| c.reasons.iter().map(String::as_str)).collect();
        if !flagged.is_empty() {
            h.push_str("<h3>Gaps</h3>\n<ul>\n");
            for r in flagged {
                let _ = writeln!(h, "<li>{}</li>", escape(r));
            }
            h.push_str("</ul>\n");
        }
    }
    let f = &g.funding;
    h.push_str("<h3>Funding</h3>\n");
    if f.by_source.is_empty() {
        let _ = writeln!(h, "<p>The directory holds no funding amounts for the year ({} active services listed): funding is unknown.</p>", f.active_services);
    } else {
        let _ = writeln!(
            h,
            "<p>Known funding of {} of the {} active services listed, by source.</p>",
            f.services_with_known_funding, f.active_services
        );
        h.push_str("<table class=\"funding\">\n<caption>Known funding by source</caption>\n<thead><tr><th scope=\"col\">Source</th><th scope=\"col\" class=\"count\">Services</th><th scope=\"col\" class=\"count\">Amount</th></tr></thead>\n<tbody>\n");
        for s in &f.by_source {
            let _ = writeln!(
                h,
                "<tr><th scope=\"row\">{}</th><td class=\"exact\" style=\"text-align:right\">{}</td><td class=\"exact\" style=\"text-align:right\">{}</td></tr>",
                escape(&s.source),
                s.services,
                dollars(s.amount_cents)
            );
        }
        let _ = writeln!(h, "<tr><th scope=\"row\">Total</th><td class=\"exact\" style=\"text-align:right\">{}</td><td class=\"exact\" style=\"text-align:right\">{}</td></tr>", f.services_with_known_funding, dollars(f.total_cents));
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("</section>\n");
}

pub(super) fn referrals(h: &mut String, r: &ReferralsSection) {
    open(h, "referrals", r.title, r.basis);
    let _ = writeln!(h, "<p>{}</p>", escape(&r.rule));
    let t = &r.table;
    let labels = t.dimensions().first().map(|d| d.labels()).unwrap_or_default();
    h.push_str("<table class=\"referrals\">\n<caption>Referrals made in the year, by outcome</caption>\n<thead><tr><th scope=\"col\">Outcome</th><th scope=\"col\" class=\"count\">Referrals</th><th scope=\"col\" class=\"count\">Median days to outcome</th></tr></thead>\n<tbody>\n");
    for e in t.entries() {
        let label = e.at.first().copied().flatten().and_then(|i| labels.get(i).copied());
        let median = label
            .and_then(|l| r.median_days.iter().find(|m| m.outcome.label() == l))
            .map(|m| m.days.map_or_else(|| "–".to_string(), |d| format!("{d:.1}")))
            .unwrap_or_default();
        let _ = writeln!(
            h,
            "<tr><th scope=\"row\">{}</th><td class=\"count\">{}</td><td class=\"figure\" style=\"text-align:right\">{}</td></tr>",
            escape(label.unwrap_or("Total")),
            escape(&e.cell.to_csv()),
            median
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

/// The methodology, as both reports' pages show it.
pub(super) fn methodology(h: &mut String, m: &MethodologySection) {
    let _ = write!(h, "<section id=\"methodology\">\n<h2>{}</h2>\n<h3>Definitions</h3>\n<dl>\n", escape(m.title));
    for d in &m.definitions {
        let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", escape(d.term), escape(d.meaning));
    }
    h.push_str("</dl>\n<h3>Disclosure control</h3>\n");
    if let Some(k) = m.k {
        let _ = writeln!(h, "<p>Threshold k = {k}. {}</p>", escape(&m.suppression_rule));
    }
    h.push_str("<h3>What is unknown</h3>\n<ul>\n");
    for u in &m.unknowns {
        let _ = writeln!(h, "<li>{}</li>", escape(u));
    }
    h.push_str("</ul>\n<h3>Sources</h3>\n<ul>\n");
    for src in &m.sources {
        let _ = writeln!(h, "<li>{}</li>", escape(src));
    }
    h.push_str("</ul>\n</section>\n");
}

/// A suppressed table of one or two dimensions: the first down, the second
/// across, with the margins as a last row and column.
fn cross_table(h: &mut String, t: &SuppressedTable, what: &str) {
    let dims = t.dimensions();
    let rows = dims.first().map(|d| d.labels()).unwrap_or_default();
    let cols = dims.get(1).map(|d| d.labels()).unwrap_or_default();
    let _ = write!(h, "<table class=\"cross\">\n<caption>{} {}</caption>\n<thead><tr><th scope=\"col\">{}</th>", escape(what), escape(&by(t.name())), escape(&heading(dims.first().map(|d| d.name()).unwrap_or_default())));
    for c in &cols {
        let _ = write!(h, "<th scope=\"col\" class=\"count\">{}</th>", escape(c));
    }
    h.push_str("<th scope=\"col\" class=\"count\">Total</th></tr></thead>\n<tbody>\n");
    let row_keys = (0..rows.len()).map(Some).chain(std::iter::once(None));
    for r in row_keys {
        let label = r.and_then(|i| rows.get(i).copied()).unwrap_or("Total");
        let _ = write!(h, "<tr><th scope=\"row\">{}</th>", escape(label));
        let col_keys = (0..cols.len()).map(Some).chain(std::iter::once(None));
        for c in col_keys {
            let key = if dims.len() > 1 { vec![r, c] } else { vec![r] };
            if dims.len() == 1 && c.is_some() {
                continue;
            }
            let cell = t.get(&key).map_or_else(|| "*".to_string(), |c| c.to_csv());
            let _ = write!(h, "<td class=\"count\">{}</td>", escape(&cell));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
}

/// "incidents by minor involved, dcf notified" → "by minor involved and DCF notified".
fn by(name: &str) -> String {
    let rest = name.split_once(" by ").map_or(name, |(_, r)| r);
    format!("by {}", rest.replace(", ", " and ").replace('_', " ").replace("dcf", "DCF"))
}

fn heading(name: &str) -> String {
    let text = name.replace('_', " ").replace("dcf", "DCF");
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn dollars(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let whole = (cents.unsigned_abs() / 100).to_string();
    let mut out = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{sign}${out}")
}

/// The heat map of vetted providers (organisations, not people: exact, never
/// withheld) by county and category, drawn by the core's chart module; the
/// table after it carries each cell's gap severity and reasons.
fn gap_chart(g: &GapsSection) -> String {
    use beacon_core::chart::{HeatMap, Meta};
    let values = g
        .regions
        .iter()
        .map(|r| {
            g.categories
                .iter()
                .map(|c| g.cells.iter().find(|x| x.region == *r && x.category == c.code).map(|x| u64::try_from(x.vetted_providers).unwrap_or(0)))
                .collect()
        })
        .collect();
    let meta = Meta::new(
        "chart-gaps",
        "Vetted providers by county and service category",
        "Heat map of the vetted providers serving each county in each service category; darker cells have more. The table that follows marks each cell's gap.",
    );
    let title = escape(&meta.title);
    let heat = HeatMap { meta, row_name: "County".into(), rows: g.regions.clone(), columns: g.categories.iter().map(|c| c.label.clone()).collect(), values };
    format!("<figure class=\"chart\">\n{}<figcaption><b>{title}</b>. The figures and each cell's gap are in the table below.</figcaption>\n</figure>\n", heat.render().svg)
}

/// A cell's shade, inline so the page's style sheet (shared with the charts)
/// need not know the heat map; light enough to print in grey and keep the
/// number readable.
fn shade(severity: &str) -> &'static str {
    match severity {
        "missing" => "#f4a6a6",
        "gap" => "#f9d49b",
        "watch" => "#fbf0b5",
        _ => "#ffffff",
    }
}

/// Facts for the page's snapshot: a few of each, some small enough to be withheld.
#[cfg(test)]
pub(super) fn sample_facts() -> beacon_core::stats::sections::SectionFacts {
    use beacon_core::directory::codes::ReferralStatus;
    use beacon_core::directory::gaps::{analyse, GapFacts, GapService};
    use beacon_core::reference::regions::RegionType;
    use beacon_core::stats::sections::{DcfResponseCounts, FundingLine, MinorCounts, OutcomeCount, SectionFacts, StaffMember};
    use beacon_core::training::{Completion, Person, Population, TrainingTopic};
    use chrono::NaiveDate;
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap_or_default();
    let all = vec![
        TrainingTopic::LawsProtocols,
        TrainingTopic::IdentificationServices,
        TrainingTopic::DeescalationHarmReduction,
        TrainingTopic::TraumaDisclosures,
    ];
    let member = |agency: &str, trained: bool| StaffMember {
        agency: agency.into(),
        person: Person { population: Population::DcfEmployee, start_date: day(1, 5), social_worker_trainee: false, contract_start: None },
        completions: if trained { vec![Completion::new(day(10, 1), all.clone())] } else { vec![] },
    };
    let mut staff: Vec<StaffMember> = (0..14).map(|i| member("dcf", i % 2 == 0)).collect();
    staff.extend((0..3).map(|_| member("cssd", true)));
    let service = uuid::Uuid::from_u128(7);
    let gaps = analyse(&GapFacts {
        region_type: RegionType::County,
        from: day(1, 1),
        to: day(12, 3),
        services: vec![GapService {
            id: service,
            categories: vec!["housing".into()],
            vetted: true,
            towns: vec!["Hartford".into()],
            ..GapService::default()
        }],
        victims: vec![],
        intake: vec![],
        referrals: vec![],
        funding: vec![],
    });
    SectionFacts {
        incidents: MinorCounts { minor_notified: 12, minor_not_notified: 2, adult_notified: 9, adult_not_notified: 25 },
        intake: MinorCounts { minor_notified: 4, minor_not_notified: 1, adult_notified: 0, adult_not_notified: 30 },
        dcf_responses: DcfResponseCounts { accepted_for_services: 14, assessed_not_accepted: 3, already_open_case: 0, none: 12 },
        staff,
        gaps: Some(gaps),
        active_services: 1,
        funding: vec![FundingLine { service_id: service, source: "State budget".into(), amount_cents: 12_500_000 }],
        referrals: vec![
            OutcomeCount { outcome: ReferralStatus::Accepted, n: 15, median_days: Some(6.0) },
            OutcomeCount { outcome: ReferralStatus::Declined, n: 2, median_days: Some(3.0) },
        ],
    }
}
