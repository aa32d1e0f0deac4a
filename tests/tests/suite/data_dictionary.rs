//! `docs/data-dictionary.md` is generated from the core's code lists and town
//! table; this test fails when it drifts (rerun with BEACON_BLESS=1 to rewrite).

use beacon_core::reference::codes::all_lists;

fn render() -> String {
    let mut out = String::from(
        "# Data dictionary (contract v1)\n\n\
Generated from `beacon-core` by `BEACON_BLESS=1 cargo test -p beacon-tests data_dictionary`; \
do not edit by hand. The same lists are served at `GET /v1/codes` and by the wasm `codes()`.\n",
    );
    for (name, entries) in all_lists() {
        out.push_str(&format!("\n## `{name}`\n\n| code | label |\n|---|---|\n"));
        for e in entries {
            out.push_str(&format!("| `{}` | {} |\n", e.code, e.label));
        }
    }
    out.push_str(
        "\n## Towns\n\nFrom `core/data/ct-towns.csv` (sources: `core/data/ct-towns.SOURCES.md`). \
An empty cell is unknown and is reported as `null`, never guessed.\n\n\
| town | county | planning region | judicial district | DCF region | population 2020 |\n|---|---|---|---|---|---|\n",
    );
    for t in beacon_core::reference::geo::towns() {
        let opt = |v: Option<&str>| v.unwrap_or("").to_string();
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            t.town,
            opt(t.county),
            opt(t.planning_region),
            opt(t.judicial_district),
            t.dcf_region.map(|r| r.to_string()).unwrap_or_default(),
            t.population_2020.map(|p| p.to_string()).unwrap_or_default(),
        ));
    }
    out
}

#[test]
fn the_data_dictionary_is_generated_from_the_code_lists() {
    let path = xtask::workspace_root().join("docs").join("data-dictionary.md");
    let rendered = render();
    if std::env::var_os("BEACON_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &rendered).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(on_disk == rendered, "docs/data-dictionary.md is stale: rerun with BEACON_BLESS=1");
}
