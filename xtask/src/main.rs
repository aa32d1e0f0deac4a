//! `cargo xtask <command>`: see `cargo xtask --help`.

mod tasks;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "Beacon developer tasks: bootstrap the toolchain, build the wasm package, export the \
             OpenAPI document, run every test, serve locally"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check, and install when possible, what the other commands need: the wasm32 target,
    /// wasm-bindgen-cli (the exact version in Cargo.lock), node + npm, npm's binaryen (wasm-opt),
    /// PostgreSQL server binaries.
    #[command(alias = "bootstrap")]
    Doctor,
    /// Build `wasm/pkg/` (cargo build for wasm32, wasm-bindgen --target web, wasm-opt -Oz).
    Wasm,
    /// Write `openapi/openapi.json` from the API's code (`beacon openapi`).
    Openapi,
    /// Bootstrap, clippy (-D warnings), build wasm, start a test PostgreSQL unless DATABASE_URL is
    /// set, then `cargo test --workspace --all-targets [ARGS...]`.
    Test(tasks::test::TestArgs),
    /// Bootstrap, build wasm, start a local PostgreSQL under .beacon/pg unless DATABASE_URL is
    /// set, make a data key, mint a coordinator API key and serve the API in the foreground.
    Run,
    /// Fill database `beacon_bench` of the local cluster (.beacon/pg) with synthetic incidents
    /// and victims for benchmarks (deterministic; progress shown). Not part of `test`.
    Seed(tasks::seed::SeedArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = tasks::signals::install() {
        eprintln!("xtask: warning: could not install signal handlers: {e:#}");
    }
    let root = xtask::workspace_root();
    let result = match cli.command {
        Command::Doctor => tasks::bootstrap::doctor(&root),
        Command::Wasm => tasks::bootstrap::bootstrap(&root)
            .and_then(|tools| tasks::wasm::build(&root, &tools))
            .map(|()| 0),
        Command::Openapi => tasks::openapi::export(&root).map(|()| 0),
        Command::Test(args) => tasks::test::test(&root, &args),
        Command::Run => tasks::run::run(&root),
        Command::Seed(args) => tasks::seed::seed(&root, &args),
    };
    match result {
        Ok(0) => ExitCode::SUCCESS,
        Ok(code) => {
            eprintln!("xtask: failed (exit code {code})");
            ExitCode::from(u8::try_from(code).unwrap_or(1).max(1))
        }
        Err(e) => {
            eprintln!("xtask: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
