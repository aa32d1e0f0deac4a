#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

//! A key files only as its account's agency; the coordinator files for any, on its behalf.

use beacon_core::incident::filing::{check_filer, Filer, Filing};
use beacon_core::reference::codes::Agency;

#[test]
fn who_may_file_as_which_agency() {
    let cases = [
        (Filer::Reporter(Some("dcf")), Agency::Dcf, Ok(Filing::Own)),
        (Filer::Reporter(Some("local_police")), Agency::LocalPolice, Ok(Filing::Own)),
        (Filer::Reporter(Some("dcf")), Agency::Desp, Err("not_allowed")),
        (Filer::Reporter(None), Agency::Dcf, Err("not_allowed")),
        (Filer::Coordinator, Agency::Dol, Ok(Filing::OnBehalf)),
        (Filer::Coordinator, Agency::Dcf, Ok(Filing::OnBehalf)),
    ];
    for (filer, agency, want) in cases {
        let got = check_filer(filer, agency).map_err(|e| {
            assert_eq!(e.path, "/reporting_agency");
            e.code.as_str()
        });
        assert_eq!(got, want, "{filer:?} filing as {agency:?}");
    }
}

#[test]
fn the_refusal_names_the_agency_the_key_reports_for() {
    let e = check_filer(Filer::Reporter(Some("dcf")), Agency::Desp).unwrap_err();
    assert!(e.message.contains("`dcf`"), "{}", e.message);
}
