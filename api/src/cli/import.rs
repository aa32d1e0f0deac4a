//! `beacon import …`: the CSV imports of the API, run on a file.
//!
//! The checks and writes are the HTTP imports' own
//! (`import::workforce::import_roster`, `import::completions::import_completion_file`,
//! `import::providers::import_providers`), so a
//! file the command accepts is a file the API accepts. The command acts as
//! a coordinator (every agency), has no body-size limit, and shows progress
//! on stderr, since a state-wide roster can take a while.
//!
//! To add an import: a variant of [`ImportCommand`], an arm in [`run`] that
//! reads the file with [`read_file`], calls the shared import with a
//! [`Progress`], and hands the outcome to [`finish`].

use super::{connection, CliError};
use chrono::{DateTime, Utc};
use crate::db::training::AgencyScope;
use crate::import::providers::{import_providers, ProviderFormat};
use crate::import::completions::import_completion_file;
use crate::import::workforce::import_roster;
use crate::import::{ImportStage, Importer, RowError};
use clap::Subcommand;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};
use thiserror::Error;

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Add or update workforce members from a roster CSV: the columns of
    /// `POST /v1/workforce/import` (agency,population,employee_ref,start_date;
    /// optional name, role, active, town).
    Workforce {
        /// The CSV file (UTF-8).
        file: PathBuf,
        /// Check every row and report what would change, writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Record training completions from a CSV
    /// `employee_ref,agency,course_code,completed_on` (as
    /// `POST /v1/training/completions/import`).
    Completions {
        /// The CSV file (UTF-8).
        file: PathBuf,
        /// Check every row and report what would change, writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Add providers to the directory from a CSV (one service per row, the
    /// columns of `POST /v1/directory/import`) or HSDS 3.1 JSON (an array of
    /// services or an HSDS page).
    Providers {
        /// The file (UTF-8).
        file: PathBuf,
        /// `csv` or `hsds`; by default from the file's extension (`.json` is HSDS).
        #[arg(long)]
        format: Option<String>,
        /// Check every row and report what would change, writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Error)]
pub enum ImportError {
    /// The file cannot be read (missing, a directory, no permission): exit 2,
    /// like any other bad argument.
    #[error("cannot read {}: {source}", path.display())]
    Unreadable { path: PathBuf, source: std::io::Error },
    #[error("{} is not UTF-8 text (save it as CSV UTF-8)", path.display())]
    NotUtf8 { path: PathBuf },
    /// Some row is wrong; each error was printed; nothing was written.
    #[error("{errors} error(s) in {}; nothing was written", path.display())]
    Rejected { path: PathBuf, errors: usize },
}

impl ImportError {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            ImportError::Unreadable { .. } | ImportError::NotUtf8 { .. } => ExitCode::from(2),
            ImportError::Rejected { .. } => ExitCode::FAILURE,
        }
    }
}

pub async fn run(command: ImportCommand, now: DateTime<Utc>) -> Result<(), CliError> {
    match command {
        ImportCommand::Workforce { file, dry_run } => {
            let text = read_file(&file)?;
            let mut conn = connection().await?;
            let mut progress = Progress::stderr("rows");
            let outcome = import_roster(
                &mut conn,
                &text,
                &AgencyScope::All,
                dry_run,
                &Importer::cli(now),
                Some(&mut |stage: ImportStage, done, total| progress.update(stage.verb(), done, total)),
            )
            .await?;
            progress.finish();
            let report = finish(&file, outcome)?;
            let (rows, created, updated) = (thousands(report.rows), thousands(report.created), thousands(report.updated));
            if report.dry_run {
                println!("dry run: {rows} rows valid; {created} would be created, {updated} updated; nothing written");
            } else {
                println!("imported {rows} rows: {created} created, {updated} updated");
            }
        }
        ImportCommand::Completions { file, dry_run } => {
            let text = read_file(&file)?;
            let mut conn = connection().await?;
            let mut progress = Progress::stderr("rows");
            let outcome = import_completion_file(
                &mut conn,
                &text,
                &AgencyScope::All,
                beacon_core::reference::dates::date_in_state(now),
                dry_run,
                &Importer::cli(now),
                Some(&mut |stage: ImportStage, done, total| progress.update(stage.verb(), done, total)),
            )
            .await?;
            progress.finish();
            let report = finish(&file, outcome)?;
            let (rows, recorded, already) = (thousands(report.rows), thousands(report.recorded), thousands(report.already_recorded));
            if report.dry_run {
                println!("dry run: {rows} rows valid; {recorded} would be recorded, {already} already recorded; nothing written");
            } else {
                println!("imported {rows} rows: {recorded} recorded, {already} already recorded");
            }
        }
        ImportCommand::Providers { file, format, dry_run } => {
            let format = match format.as_deref() {
                Some("csv") => ProviderFormat::Csv,
                Some("hsds") | Some("json") => ProviderFormat::Hsds,
                Some(other) => return Err(CliError::Usage(format!("--format {other}: must be csv or hsds"))),
                None if file.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) => ProviderFormat::Hsds,
                None => ProviderFormat::Csv,
            };
            let text = read_file(&file)?;
            let mut conn = connection().await?;
            let mut progress = Progress::stderr(if format == ProviderFormat::Csv { "rows" } else { "services" });
            let outcome = import_providers(
                &mut conn,
                &text,
                format,
                dry_run,
                now,
                &Importer::cli(now),
                Some(&mut |stage: ImportStage, done, total| progress.update(stage.verb(), done, total)),
            )
            .await?;
            progress.finish();
            let report = finish(&file, outcome)?;
            let (rows, orgs, matched) =
                (thousands(report.rows), thousands(report.organizations_created), thousands(report.organizations_matched));
            if report.dry_run {
                println!("dry run: {rows} services valid; {rows} would be created with {orgs} new organizations ({matched} rows matched existing ones); nothing written");
            } else {
                println!("imported {rows} services: {orgs} new organizations, {matched} rows matched existing ones");
            }
        }
    }
    Ok(())
}

/// The whole file as text (the shared imports drop a leading byte-order mark).
pub fn read_file(path: &Path) -> Result<String, ImportError> {
    let bytes = std::fs::read(path).map_err(|source| ImportError::Unreadable { path: path.to_path_buf(), source })?;
    String::from_utf8(bytes).map_err(|_| ImportError::NotUtf8 { path: path.to_path_buf() })
}

/// The report of an import that passed; for one that did not, every row
/// error on stderr (`row N: /path code: message`) and [`ImportError::Rejected`].
pub fn finish<R>(path: &Path, outcome: Result<R, Vec<RowError>>) -> Result<R, ImportError> {
    match outcome {
        Ok(report) => Ok(report),
        Err(errors) => {
            let mut stderr = std::io::stderr().lock();
            for e in &errors {
                // A closed stderr has no one to tell; the exit code still says it failed.
                let _ = writeln!(stderr, "{}", row_line(e));
            }
            Err(ImportError::Rejected { path: path.to_path_buf(), errors: errors.len() })
        }
    }
}

/// `row 3: /agency unknown_code: Is not an agency code …`; a whole-row error has no path.
fn row_line(e: &RowError) -> String {
    if e.path.is_empty() {
        format!("row {}: {}: {}", e.row, e.code, e.message)
    } else {
        format!("row {}: {} {}: {}", e.row, e.path, e.code, e.message)
    }
}

/// `12345` → `12,345`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// On a terminal, at most this often (the line is redrawn in place).
const REDRAW_EVERY: Duration = Duration::from_millis(500);

/// Progress of a long job on stderr: `checked 5,000 / 10,000 rows (50%)`.
///
/// On a terminal the line is redrawn in place at most every half second; when
/// stderr is a file or a pipe (a log, CI) a line is written only at each 10%
/// step, so a log gets at most ten lines per stage. Each stage (`checked`,
/// `wrote`) ends with a line giving its rate: `wrote 10,000 rows in 1.2 s
/// (8,333 rows/s)`. Nothing is shown for a stage that never reports.
pub struct Progress<W: Write = std::io::Stderr> {
    out: W,
    terminal: bool,
    noun: &'static str,
    stage: Option<Stage>,
}

struct Stage {
    verb: String,
    done: usize,
    total: usize,
    started: Instant,
    last_drawn: Option<Instant>,
    /// The next 10% step to write a line at, when not on a terminal.
    next_tenth: usize,
}

impl Progress {
    /// Progress on this process's stderr; `noun` names what is counted (`rows`).
    pub fn stderr(noun: &'static str) -> Self {
        let out = std::io::stderr();
        let terminal = out.is_terminal();
        Progress::new(out, terminal, noun)
    }
}

impl<W: Write> Progress<W> {
    /// Progress on `out`, drawn for a terminal or not.
    pub fn new(out: W, terminal: bool, noun: &'static str) -> Self {
        Self { out, terminal, noun, stage: None }
    }

    /// `done` of `total` are `verb` (`checked`, `wrote`). A new verb ends the
    /// previous stage with its summary line.
    pub fn update(&mut self, verb: &str, done: usize, total: usize) {
        if self.stage.as_ref().is_some_and(|s| s.verb != verb) {
            self.finish();
        }
        let stage = self.stage.get_or_insert_with(|| Stage {
            verb: verb.to_string(),
            done: 0,
            total,
            started: Instant::now(),
            last_drawn: None,
            next_tenth: 1,
        });
        stage.done = done;
        stage.total = total.max(done);
        let line = if self.terminal {
            let now = Instant::now();
            if stage.last_drawn.is_some_and(|t| now.duration_since(t) < REDRAW_EVERY) {
                return;
            }
            stage.last_drawn = Some(now);
            // Redraw in place: carriage return, then erase the rest of the line.
            format!("\r{}\x1b[K", stage.line(self.noun))
        } else {
            let tenths = (stage.done * 10).checked_div(stage.total).unwrap_or(10);
            if tenths < stage.next_tenth {
                return;
            }
            stage.next_tenth = tenths + 1;
            format!("{}\n", stage.line(self.noun))
        };
        // Progress is a courtesy: a closed stderr must not stop the import.
        let _ = self.out.write_all(line.as_bytes());
        let _ = self.out.flush();
    }

    /// Ends the current stage with its summary line.
    pub fn finish(&mut self) {
        let Some(stage) = self.stage.take() else {
            return;
        };
        let elapsed = stage.started.elapsed().as_secs_f64();
        let rate = if elapsed > 0.0 { (stage.done as f64 / elapsed).round() as usize } else { stage.done };
        let summary = format!(
            "{} {} {} in {elapsed:.1} s ({} {}/s)",
            stage.verb,
            thousands(stage.done),
            self.noun,
            thousands(rate),
            self.noun
        );
        let line = if self.terminal { format!("\r{summary}\x1b[K\n") } else { format!("{summary}\n") };
        let _ = self.out.write_all(line.as_bytes());
        let _ = self.out.flush();
    }

    pub fn into_inner(mut self) -> W {
        self.finish();
        self.out
    }
}

impl Stage {
    fn line(&self, noun: &str) -> String {
        let percent = (self.done * 100).checked_div(self.total).unwrap_or(100);
        let elapsed = self.started.elapsed().as_secs_f64();
        let rate = if elapsed > 0.5 { format!(", {} {noun}/s", thousands((self.done as f64 / elapsed).round() as usize)) } else { String::new() };
        format!("{} {} / {} {noun} ({percent}%{rate})", self.verb, thousands(self.done), thousands(self.total))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated_by_commas() {
        let cases = [(0, "0"), (999, "999"), (1000, "1,000"), (10_000, "10,000"), (1_234_567, "1,234,567")];
        for (n, text) in cases {
            assert_eq!(thousands(n), text);
        }
    }

    #[test]
    fn off_a_terminal_progress_writes_a_line_per_ten_percent_and_a_summary_per_stage() {
        let mut progress = Progress::new(Vec::new(), false, "rows");
        for done in 1..=10_000 {
            progress.update("checked", done, 10_000);
        }
        for done in (1000..=10_000).step_by(1000) {
            progress.update("wrote", done, 10_000);
        }
        let text = String::from_utf8(progress.into_inner()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 22, "{text}");
        assert!(lines[0].starts_with("checked 1,000 / 10,000 rows (10%"), "{text}");
        assert!(lines[4].starts_with("checked 5,000 / 10,000 rows (50%"), "{text}");
        assert!(lines[10].starts_with("checked 10,000 rows in "), "{text}");
        assert!(lines[10].ends_with(" rows/s)"), "{text}");
        assert!(lines[11].starts_with("wrote 1,000 / 10,000 rows (10%"), "{text}");
        assert!(lines[21].starts_with("wrote 10,000 rows in "), "{text}");
        assert!(!text.contains('\r'), "no terminal control off a terminal: {text:?}");
    }

    #[test]
    fn on_a_terminal_progress_redraws_one_line_at_most_twice_a_second() {
        let started = Instant::now();
        let mut progress = Progress::new(Vec::new(), true, "rows");
        for done in 1..=50_000 {
            progress.update("checked", done, 50_000);
        }
        let text = String::from_utf8(progress.into_inner()).unwrap();
        // One draw at once, one per half second after, and the summary.
        let most = 2 + (started.elapsed().as_millis() / 500) as usize;
        assert!(text.matches('\r').count() <= most, "{text:?}");
        assert_eq!(text.matches('\n').count(), 1, "{text:?}");
        assert!(text.contains("checked 50,000 rows in "), "{text:?}");
    }

    #[test]
    fn a_row_error_reads_row_path_code_message() {
        let e = RowError { row: 3, path: "/agency".into(), code: beacon_core::ErrorCode::UnknownCode, message: "Is not an agency code.".into() };
        assert_eq!(row_line(&e), "row 3: /agency unknown_code: Is not an agency code.");
        let whole = RowError { path: String::new(), code: beacon_core::ErrorCode::Duplicate, ..e };
        assert_eq!(row_line(&whole), "row 3: duplicate: Is not an agency code.");
    }
}
