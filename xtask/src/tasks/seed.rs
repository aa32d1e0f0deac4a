//! `cargo xtask seed --incidents N`: a synthetic statewide database for benchmarks, in the local
//! cluster (`.beacon/pg`), database `beacon_bench` by default (dropped and made anew).
//!
//! The rows are made inside PostgreSQL (`generate_series`, a batch at a time, progress shown), so
//! a million incidents take a minute, not an hour of HTTP. They are deterministic: every random
//! choice is a hash of the incident's number, so two seeds of the same size are the same data and
//! two benchmark runs are comparable. Towns are drawn in proportion to their 2020 population, and
//! every code comes from `beacon_core`'s lists, so the seed cannot drift from the contract. No
//! victim identity is made: the sealed columns stay empty.

use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use beacon_core::reference::codes::{Agency, Citizenship, CodeList, Sex, TraffickingType, Venue};
use beacon_core::reference::geo;
use clap::Args;
use xtask::cmd::step;
use xtask::pg::{quote_literal, LocalPostgres};

use super::{cargo, signals};

#[derive(Debug, Args)]
pub struct SeedArgs {
    /// How many incidents (each with 1–3 victims).
    #[arg(long, default_value_t = 100_000)]
    pub incidents: u64,
    /// The database in the local cluster to (re)create and fill.
    #[arg(long, default_value = "beacon_bench")]
    pub database: String,
    /// The first year incidents fall in; they run to the end of November of the last.
    #[arg(long, default_value_t = 2024)]
    pub from_year: i32,
    /// The last year incidents fall in.
    #[arg(long, default_value_t = 2026)]
    pub to_year: i32,
}

/// Rows per statement: big enough to be fast, small enough to show progress.
const BATCH: u64 = 50_000;

pub fn seed(root: &Path, args: &SeedArgs) -> Result<i32> {
    if args.incidents == 0 || args.from_year > args.to_year || args.from_year < 2000 {
        bail!("--incidents must be at least 1 and --from-year ≤ --to-year (from 2000)");
    }
    let pg = LocalPostgres::start(&root.join(".beacon").join("pg"))?;
    step(format_args!("database {}: dropped and created anew", args.database));
    pg.drop_database(&args.database)?;
    pg.create_database(&args.database)?;
    let url = pg.url(&args.database);

    signals::run(cargo(root).args(["build", "-p", "beacon-api", "--bin", "beacon"]))?;
    let beacon = xtask::target_dir().join("debug").join("beacon");
    let mut migrate = std::process::Command::new(&beacon);
    migrate.current_dir(root).arg("migrate").env("DATABASE_URL", &url);
    signals::run(&mut migrate)?;

    let db = &args.database;
    pg.psql(db, &helpers_sql(args)?).context("could not create the seed's helper tables")?;
    let started = Instant::now();
    let mut done = 0;
    while done < args.incidents {
        signals::check_interrupted()?;
        let last = (done + BATCH).min(args.incidents);
        pg.psql(db, &batch_sql(done + 1, last))
            .with_context(|| format!("could not seed incidents {} to {last}", done + 1))?;
        done = last;
        let elapsed = started.elapsed().as_secs_f64();
        let left = elapsed / done as f64 * (args.incidents - done) as f64;
        step(format_args!(
            "incidents {done} / {} ({:.0}%) · {elapsed:.0} s · about {left:.0} s left",
            args.incidents,
            100.0 * done as f64 / args.incidents as f64
        ));
    }
    pg.psql(db, "DROP TABLE seed_slots, seed_towns, seed_codes; DROP FUNCTION seed_r, seed_age;")?;
    // The batches ran with the triggers off: the statistics rollups are made
    // once from the rows (the same function the migration fills them with).
    let rollups = Instant::now();
    pg.psql(db, "SELECT stats_rollups_rebuild()").context("could not rebuild the statistics rollups")?;
    step(format_args!("statistics rollups rebuilt in {:.0} s", rollups.elapsed().as_secs_f64()));
    pg.psql(db, "VACUUM ANALYZE")?;
    let counts = pg.psql(db, "SELECT (SELECT count(*) FROM incidents) || ' incidents, ' || (SELECT count(*) FROM victims) || ' victims'")?;
    step(format_args!("seeded {} in {:.0} s: {url}", counts.trim(), started.elapsed().as_secs_f64()));
    step(format_args!(
        "benchmark it: BEACON_BENCH_DATABASE={} cargo bench -p beacon-tests --bench stats",
        args.database
    ));
    Ok(0)
}

fn codes<T: CodeList>() -> Vec<&'static str> {
    T::ALL.iter().map(|c| c.code()).collect()
}

fn array(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| quote_literal(s)).collect();
    format!("ARRAY[{}]::text[]", quoted.join(", "))
}

/// The helper tables and functions every batch uses: the towns (with their regions, as the API
/// derives them) weighted by population into 10,000 slots, the code lists, and the hash "random".
fn helpers_sql(args: &SeedArgs) -> Result<String> {
    let towns: Vec<&geo::Town> = geo::towns().iter().collect();
    let total: u64 = towns.iter().map(|t| u64::from(t.population_2020.unwrap_or(0))).sum();
    if total == 0 {
        bail!("the town table has no population figures");
    }
    let opt = |v: Option<&str>| v.map_or("NULL".to_string(), quote_literal);
    // Slots [lo, hi) of 10,000 belong to the town whose cumulative population share covers them.
    let mut cumulative = 0u64;
    let rows: Vec<String> = towns
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let lo = (cumulative * 10_000).div_ceil(total);
            cumulative += u64::from(t.population_2020.unwrap_or(0));
            let hi = (cumulative * 10_000).div_ceil(total);
            format!(
                "({i}, {}, {}, {}, {}, {}, {lo}, {hi})",
                quote_literal(t.town),
                opt(t.county),
                opt(t.planning_region),
                opt(t.judicial_district),
                t.dcf_region.map_or("NULL".to_string(), |r| r.to_string())
            )
        })
        .collect();
    let first = format!("{}-01-01", args.from_year);
    let last = format!("{}-11-30", args.to_year);
    Ok(format!(
        "CREATE TABLE seed_towns (idx int PRIMARY KEY, town text, county text, planning_region text, judicial_district text, \
           dcf_region smallint, lo int, hi int);\n\
         INSERT INTO seed_towns VALUES {};\n\
         CREATE TABLE seed_slots (slot int PRIMARY KEY, idx int);\n\
         INSERT INTO seed_slots SELECT s, idx FROM generate_series(0, 9999) s JOIN seed_towns ON s >= lo AND s < hi;\n\
         CREATE TABLE seed_codes AS SELECT {} AS agencies, {} AS types, {} AS venues, {} AS sexes, {} AS citizenships, \
           DATE {} AS first_day, (DATE {} - DATE {}) AS days;\n\
         -- A number in [0, 1) from incident g and draw k: the same every run.\n\
         CREATE FUNCTION seed_r(g bigint, k int) RETURNS float8 IMMUTABLE LANGUAGE sql AS \
           $$ SELECT ('x' || substr(md5(g::text || ':' || k::text), 1, 8))::bit(32)::bigint / 4294967296.0 $$;\n\
         -- Victim o of incident g: 8% of ages unknown, a fifth minors.\n\
         CREATE FUNCTION seed_age(g bigint, o int) RETURNS smallint IMMUTABLE LANGUAGE sql AS \
           $$ SELECT CASE WHEN seed_r(g, 100 + o) < 0.08 THEN NULL \
                          WHEN seed_r(g, 200 + o) < 0.2 THEN (8 + floor(seed_r(g, 300 + o) * 10))::smallint \
                          ELSE (18 + floor(power(seed_r(g, 300 + o), 1.6) * 55))::smallint END $$;",
        rows.join(", "),
        array(&codes::<Agency>()),
        array(&codes::<TraffickingType>()),
        array(&codes::<Venue>()),
        array(&codes::<Sex>()),
        array(&codes::<Citizenship>()),
        quote_literal(&first),
        quote_literal(&last),
        quote_literal(&first),
    ))
}

/// Incidents `from..=to` and their victims, in one transaction. The
/// session's triggers are off (`replica`): the statistics rollups would
/// otherwise be updated a row at a time; they are rebuilt once at the end.
fn batch_sql(from: u64, to: u64) -> String {
    format!(
        "SET session_replication_role = replica;\n\
         BEGIN;\n\
         INSERT INTO accounts (id, name) VALUES ('00000000-0000-4000-8000-000000005eed'::text::uuid, 'Seeded agencies') ON CONFLICT DO NOTHING;\n\
         WITH g AS (\n\
           SELECT g, 1 + (seed_r(g, 1) < 0.2)::int + (seed_r(g, 2) < 0.05)::int AS victims, \
             c.first_day + floor(seed_r(g, 3) * c.days)::int AS day, floor(seed_r(g, 7) * cardinality(c.types))::int AS t1, c.* \
           FROM generate_series({from}::bigint, {to}::bigint) g, seed_codes c\n\
         )\n\
         INSERT INTO incidents (id, account_id, schema_version, reporting_agency, status, incident_date, reported_date, \
           town, county, planning_region, judicial_district, dcf_region, trafficking_types, nibrs_offenses, venue, \
           control_methods, dcf_notified, minor_involved, victim_count, key_id, wrapped_data_key)\n\
         SELECT md5('incident:' || g)::uuid, '00000000-0000-4000-8000-000000005eed'::text::uuid, 'v1', \
           agencies[1 + floor(seed_r(g, 4) * cardinality(agencies))::int], \
           CASE WHEN seed_r(g, 5) < 0.35 THEN 'confirmed' ELSE 'suspected' END, day, day + floor(seed_r(g, 6) * 20)::int, \
           t.town, t.county, t.planning_region, t.judicial_district, t.dcf_region, \
           CASE WHEN seed_r(g, 8) < 0.15 \
             THEN ARRAY[types[1 + t1], types[1 + (t1 + 1 + floor(seed_r(g, 9) * (cardinality(types) - 1))::int) % cardinality(types)]] \
             ELSE ARRAY[types[1 + t1]] END, \
           ARRAY[]::text[], \
           CASE WHEN seed_r(g, 10) < 0.1 THEN NULL ELSE venues[1 + floor(seed_r(g, 11) * cardinality(venues))::int] END, \
           ARRAY[]::text[], m.minor, m.minor, victims, 'seed', '\\x00'::bytea\n\
         FROM g JOIN seed_slots s ON s.slot = floor(seed_r(g, 12) * 10000)::int JOIN seed_towns t ON t.idx = s.idx, \
           LATERAL (SELECT coalesce(bool_or(seed_age(g, o) < 18), false) AS minor FROM generate_series(1, victims) o) m;\n\
         INSERT INTO victims (id, incident_id, ordinal, age, sex, citizenship, services_needed, minor, age_band)\n\
         SELECT md5('victim:' || i.g || ':' || o)::uuid, md5('incident:' || i.g)::uuid, o, seed_age(i.g, o), \
           sexes[1 + floor(seed_r(i.g, 400 + o) * cardinality(sexes))::int], \
           CASE WHEN seed_r(i.g, 500 + o) < 0.15 THEN NULL ELSE citizenships[1 + floor(seed_r(i.g, 600 + o) * cardinality(citizenships))::int] END, \
           ARRAY[]::text[], coalesce(seed_age(i.g, o) < 18, false), NULL\n\
         FROM (SELECT g, 1 + (seed_r(g, 1) < 0.2)::int + (seed_r(g, 2) < 0.05)::int AS victims \
               FROM generate_series({from}::bigint, {to}::bigint) g) i, generate_series(1, i.victims) o, seed_codes;\n\
         COMMIT;"
    )
}
