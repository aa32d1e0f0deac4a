#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

//! Selecting towns by region: `region_type` + `region`, a region kind named directly
//! (`county=…`, `dcf_region=…`), and several selections at once.

use beacon_core::reference::regions::{region_towns, towns_in_all, towns_of, RegionType};

#[test]
fn a_region_named_by_its_kind_selects_its_towns_or_an_error_at_its_own_path() {
    let cases: [(RegionType, &str, Result<usize, &str>); 8] = [
        (RegionType::County, "New London", Ok(21)),
        (RegionType::County, "new london", Ok(21)),
        (RegionType::DcfRegion, "04", Ok(0)),
        (RegionType::PlanningRegion, "Southeastern Connecticut", Ok(0)),
        (RegionType::JudicialDistrict, " New London ", Ok(0)),
        (RegionType::County, "Atlantis", Err("/county")),
        (RegionType::DcfRegion, "9", Err("/dcf_region")),
        (RegionType::PlanningRegion, "Hartford", Err("/planning_region")),
    ];
    for (kind, value, want) in cases {
        let mut errors = Vec::new();
        let got = towns_of(kind, value, &mut errors);
        match want {
            Ok(n) => {
                let towns = got.unwrap_or_else(|| panic!("{kind:?} {value}: {errors:?}"));
                assert!(errors.is_empty());
                // The same towns as `region_type` + `region` select.
                let mut again = Vec::new();
                assert_eq!(Some(towns.clone()), region_towns(Some(kind.code()), Some(value.trim()), &mut again));
                if n > 0 {
                    assert_eq!(towns.len(), n, "{kind:?} {value}");
                } else {
                    assert!(!towns.is_empty());
                }
            }
            Err(path) => {
                assert_eq!(got, None);
                assert_eq!(errors.len(), 1);
                assert_eq!((errors[0].path.as_str(), errors[0].code.as_str()), (path, "unknown_code"));
            }
        }
    }
}

#[test]
fn several_selections_keep_the_towns_in_all_of_them() {
    let s = |towns: &[&str]| towns.iter().map(|t| t.to_string()).collect::<Vec<_>>();
    assert_eq!(towns_in_all(Vec::<Vec<String>>::new()), None, "nothing selects: every town");
    assert_eq!(towns_in_all([s(&["A", "B"])]), Some(s(&["A", "B"])));
    assert_eq!(towns_in_all([s(&["A", "B", "C"]), s(&["C", "B"]), s(&["B"])]), Some(s(&["B"])));
    assert_eq!(towns_in_all([s(&["A"]), s(&["B"])]), Some(vec![]), "disjoint: nothing");
}
