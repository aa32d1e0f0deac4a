//! The task force's report as one print-ready HTML page, in the same style
//! as the coordinator's and with the same tables (`html.rs`,
//! `sections_html.rs`); no script, every text value escaped.

use super::html::{escape, long_date, trend_table, STYLE};
use super::sections_html;
use beacon_core::reference::codes::CodeList;
use beacon_core::stats::task_force::{NotRecordedSection, TaskForceReport};
use std::fmt::Write;

pub fn render(r: &TaskForceReport) -> String {
    let mut h = String::with_capacity(16 * 1024);
    let s = &r.sections;
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{0}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header>\n<h1>{0}</h1>\n",
        escape(&r.title)
    );
    let committees: Vec<String> = r.submitted_to.iter().map(|c| format!("the {}", c.label())).collect();
    let _ = writeln!(
        h,
        "<p>To {} of the General Assembly. Due {}; prepared {}.</p>",
        escape(&committees.join(" and ")),
        escape(&long_date(r.due)),
        escape(&long_date(r.as_of))
    );
    if !r.complete {
        let _ = writeln!(h, "<p class=\"note\">Draft: {} is not over, and the figures will change.</p>", r.year);
    }
    let _ = write!(h, "<blockquote>{}</blockquote>\n</header>\n<main>\n", escape(r.basis));

    not_recorded(&mut h, "activities", &s.activities, false);
    let t = &s.trends;
    let _ = write!(
        h,
        "<section id=\"trends\">\n<h2>{}</h2>\n<blockquote>{}</blockquote>\n<p>{}</p>\n",
        escape(t.title),
        escape(t.basis),
        escape(&t.rule)
    );
    for table in &t.tables {
        trend_table(&mut h, table);
    }
    h.push_str("</section>\n");
    sections_html::minors(&mut h, &s.minors_and_dcf);
    sections_html::training(&mut h, &s.training);
    sections_html::referrals(&mut h, &s.referrals);
    sections_html::gaps(&mut h, &s.service_capacity);
    not_recorded(&mut h, "governing-body", &s.governing_body, true);
    sections_html::methodology(&mut h, &s.methodology);
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

fn not_recorded(h: &mut String, id: &str, s: &NotRecordedSection, quote: bool) {
    let _ = write!(h, "<section id=\"{id}\">\n<h2>{}</h2>\n", escape(s.title));
    if quote {
        let _ = writeln!(h, "<blockquote>{}</blockquote>", escape(s.basis));
    }
    let _ = writeln!(h, "<p class=\"note\">{}</p>\n</section>", escape(s.note));
}
