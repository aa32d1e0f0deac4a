//! The statutory calendar: every dated duty in Raised Bill 5476, with its
//! next due date as of a given day.
//!
//! Whether a duty was *met* is a fact this module does not have, so it never
//! says "overdue": a fixed date is `upcoming`, `due_soon` (0 to 30 days away)
//! or `past`; a recurring duty rolls to its next occurrence on or after today.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// How far ahead (in days, both ends included) a due date is "soon".
pub const DUE_SOON_DAYS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DutyStatus {
    Upcoming,
    DueSoon,
    Past,
}

/// How a duty repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Recurrence {
    Once,
    /// On the same month and day every `years` years from the first date.
    EveryYears { years: u32 },
    /// At least `times` times in each calendar year, on no fixed dates; due
    /// by the year's last day.
    TimesPerYear { times: u32 },
}

/// One dated duty as of a given day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Duty {
    /// Stable identifier.
    pub id: &'static str,
    /// Where the bill says so, e.g. `Sec. 1(f)`.
    pub section: &'static str,
    /// Who must do what.
    pub description: &'static str,
    pub recurrence: Recurrence,
    /// For a fixed date, that date; for a recurring duty, the next
    /// occurrence on or after today.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub due: NaiveDate,
    /// Days from today to `due` (negative once past).
    pub days_until: i64,
    pub status: DutyStatus,
}

struct Rule {
    id: &'static str,
    section: &'static str,
    description: &'static str,
    first: (i32, u32, u32),
    recurrence: Recurrence,
}

/// The bill's dated duties. Each quotes the bill's words.
const RULES: [Rule; 11] = [
    // Sec. 1(f): "Not later than January 1, 2027, and annually thereafter,
    // the coordinator shall submit a report … to the joint standing
    // committees of the General Assembly having cognizance of matters
    // relating to government oversight, the judiciary and appropriations and
    // the budgets of state agencies."
    Rule {
        id: "coordinator_annual_report",
        section: "Sec. 1(f)",
        description: "The Human Trafficking Prevention Coordinator submits the annual report (activities, \
                      recommendations, recommendations for legislation) to the Government Oversight, \
                      Judiciary and Appropriations committees.",
        first: (2027, 1, 1),
        recurrence: Recurrence::EveryYears { years: 1 },
    },
    // Sec. 8(d): "Not later than January 1, 2027, and annually thereafter
    // until three years after the effective date of this section or the
    // submission of a final report, whichever is later, the task force shall
    // submit a report … to the joint standing committees of the General
    // Assembly having cognizance of matters relating to government oversight
    // and the judiciary." Sec. 8 is effective from passage, a date the bill
    // text does not give, so the last report is not computed here.
    Rule {
        id: "task_force_annual_report",
        section: "Sec. 8(d)",
        description: "The Human Trafficking Prevention and Response Task Force submits its annual report \
                      to the Government Oversight and Judiciary committees, until three years after Sec. 8 \
                      takes effect or its final report, whichever is later.",
        first: (2027, 1, 1),
        recurrence: Recurrence::EveryYears { years: 1 },
    },
    // Sec. 3, amending 17a-3(b)(7): DCF shall "require each social worker
    // trainee to complete … on and after January 1, 2027, the training on
    // human trafficking developed under section 4 of this act, prior to being
    // assigned a case load".
    Rule {
        id: "dcf_caseload_training_rule",
        section: "Sec. 3 (17a-3(b)(7))",
        description: "From this date, a DCF social worker trainee must complete the human trafficking \
                      training before being assigned a caseload.",
        first: (2027, 1, 1),
        recurrence: Recurrence::Once,
    },
    // Sec. 4(b): "Each employee of the department or contracted-with provider
    // shall complete the initial educational training program not later than
    // July 1, 2027" (or six months after starting or contracting, whichever
    // is later — a per-person date, see `training`).
    Rule {
        id: "dcf_initial_training",
        section: "Sec. 4(b)",
        description: "DCF employees and employees of DCF-contracted providers complete the initial human \
                      trafficking training (later hires: within six months of starting).",
        first: (2027, 7, 1),
        recurrence: Recurrence::Once,
    },
    // Sec. 4(b): "… and shall complete the refresher training program every
    // three years thereafter". Per person it runs from their own training
    // (see `training`); for the cohort trained by July 1, 2027 the first
    // refreshers fall due by July 1, 2030.
    Rule {
        id: "dcf_refresher_training",
        section: "Sec. 4(b)",
        description: "DCF and contracted-provider employees trained by July 1, 2027 complete the refresher \
                      training, every three years.",
        first: (2030, 7, 1),
        recurrence: Recurrence::EveryYears { years: 3 },
    },
    // Sec. 5(b): "Each employee of the division shall complete the initial
    // educational training program not later than July 1, 2027".
    Rule {
        id: "cssd_initial_training",
        section: "Sec. 5(b)",
        description: "Court Support Services Division employees complete the initial human trafficking \
                      training (later hires: within six months of starting).",
        first: (2027, 7, 1),
        recurrence: Recurrence::Once,
    },
    // Sec. 5(b): "… and shall complete the refresher training program every
    // three years thereafter".
    Rule {
        id: "cssd_refresher_training",
        section: "Sec. 5(b)",
        description: "Court Support Services Division employees trained by July 1, 2027 complete the \
                      refresher training, every three years.",
        first: (2030, 7, 1),
        recurrence: Recurrence::EveryYears { years: 3 },
    },
    // Sec. 6: "Not later than July 1, 2027, the Commissioner of Children and
    // Families, in conjunction with the appropriate local law enforcement
    // agency, shall assess the security of the placement location … of any
    // child who is placed in out-of-home care".
    Rule {
        id: "placement_security_assessment",
        section: "Sec. 6",
        description: "DCF, with local law enforcement, assesses the security of the placement locations \
                      of children in out-of-home care under an emergency order, order of temporary \
                      custody or commitment.",
        first: (2027, 7, 1),
        recurrence: Recurrence::Once,
    },
    // Sec. 6: "Not later than August 1, 2027, the commissioner shall submit a
    // report … to the joint standing committees of the General Assembly
    // having cognizance of matters relating to children and government
    // oversight. Such report shall include the results of such assessment."
    Rule {
        id: "placement_security_report",
        section: "Sec. 6",
        description: "DCF reports the results of the placement security assessments to the Children and \
                      Government Oversight committees.",
        first: (2027, 8, 1),
        recurrence: Recurrence::Once,
    },
    // Sec. 7, amending 46a-13l(a)(14): the Child Advocate shall "Present to
    // the advisory committee, established pursuant to section 46a-13r at
    // least three times each year, a report on the goals of and projects
    // undertaken by the Office of the Child Advocate". No dates are given,
    // so the duty is due by each year's end. (Sec. 7 takes effect July 1, 2026.)
    Rule {
        id: "child_advocate_advisory_reports",
        section: "Sec. 7 (46a-13l(a)(14))",
        description: "The Child Advocate presents a report on the office's goals and projects to the \
                      advisory committee (46a-13r) at least three times each year.",
        first: (2026, 12, 31),
        recurrence: Recurrence::TimesPerYear { times: 3 },
    },
    // Sec. 7, 46a-13l(a)(12) (existing law, restated by the bill): the
    // conditions-of-confinement report is due to the children's committee
    // "not later than March 1, 2017, and every two years thereafter".
    Rule {
        id: "child_advocate_confinement_report",
        section: "Sec. 7 (46a-13l(a)(12))",
        description: "The Child Advocate submits the in-depth report on conditions of confinement of \
                      children in secure detention or correctional confinement to the Children committee \
                      (existing law, every two years).",
        first: (2017, 3, 1),
        recurrence: Recurrence::EveryYears { years: 2 },
    },
];

/// `date` moved by whole years; 29 February becomes 28 February in common years.
fn add_years(date: NaiveDate, years: i32) -> Option<NaiveDate> {
    let y = date.year() + years;
    NaiveDate::from_ymd_opt(y, date.month(), date.day()).or_else(|| NaiveDate::from_ymd_opt(y, date.month(), 28))
}

fn next_due(first: NaiveDate, recurrence: Recurrence, today: NaiveDate) -> Option<NaiveDate> {
    match recurrence {
        Recurrence::Once => Some(first),
        Recurrence::EveryYears { years } => {
            let step = i32::try_from(years).ok().filter(|&s| s > 0)?;
            if first >= today {
                return Some(first);
            }
            // Jump close, then step: the first occurrence on or after today.
            let mut k = (today.year() - first.year()) / step;
            loop {
                let d = add_years(first, k * step)?;
                if d >= today {
                    return Some(d);
                }
                k += 1;
            }
        }
        Recurrence::TimesPerYear { .. } => {
            let end = NaiveDate::from_ymd_opt(today.year(), 12, 31)?;
            Some(end.max(first))
        }
    }
}

/// Every dated duty of the bill as of `today`, in order of due date.
pub fn calendar(today: NaiveDate) -> Vec<Duty> {
    let mut duties: Vec<Duty> = RULES
        .iter()
        .filter_map(|r| {
            let first = NaiveDate::from_ymd_opt(r.first.0, r.first.1, r.first.2)?;
            let due = next_due(first, r.recurrence, today)?;
            let days_until = (due - today).num_days();
            let status = if days_until < 0 {
                DutyStatus::Past
            } else if days_until <= DUE_SOON_DAYS {
                DutyStatus::DueSoon
            } else {
                DutyStatus::Upcoming
            };
            Some(Duty {
                id: r.id,
                section: r.section,
                description: r.description,
                recurrence: r.recurrence,
                due,
                days_until,
                status,
            })
        })
        .collect();
    duties.sort_by(|a, b| a.due.cmp(&b.due).then(a.id.cmp(b.id)));
    duties
}
