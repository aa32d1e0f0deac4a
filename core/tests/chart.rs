#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

//! The SVG charts: withheld cells never show a number, text is escaped,
//! marks are proportional, and every chart is accessible and deterministic.

use beacon_core::chart::{county_shapes, escape, BarChart, CountyMap, HeatMap, LineChart, Meta, Orientation, Rendered, Series};
use beacon_core::stats::Cell;

fn meta(title: &str) -> Meta {
    Meta::new("t", title, "A test chart.").withheld_because("Withheld (*): counts from 1 to 10 are not shown")
}

fn bars(orientation: Orientation, series: Vec<Series>) -> Rendered {
    BarChart {
        meta: meta("Incidents by quarter"),
        orientation,
        category_name: "Quarter".into(),
        categories: vec!["Q1".into(), "Q2".into(), "Q3".into(), "Q4".into()],
        series,
    }
    .render()
}

/// Every `attr="…"` value of the elements of `class` in `svg`, as numbers.
fn attr_of_class(svg: &str, class: &str, attr: &str) -> Vec<f64> {
    let needle = format!("class=\"{class}\"");
    svg.match_indices(&needle)
        .map(|(i, _)| {
            let rest = &svg[i..];
            let end = rest.find('>').unwrap();
            let tag = &rest[..end];
            let a = format!(" {attr}=\"");
            let start = tag.find(&a).unwrap() + a.len();
            tag[start..].split('"').next().unwrap().parse().unwrap()
        })
        .collect()
}

/// The text content of every `<text>` element.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text").skip(1).map(|t| t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()].to_string()).collect()
}

/// A withheld value, whatever its true size, shows no number anywhere: not
/// in a label, a tooltip or the data table, and its mark does not vary with
/// it. The chart is drawn from published cells, so the secret (7) never
/// reaches it; the check is that the output holds only the shown numbers.
#[test]
fn withheld_cells_never_show_a_number() {
    let cells = [Cell::shown(40), Cell::withheld(), Cell::shown(0), Cell::shown(25)];
    let shown_numbers = ["40", "0", "25"];
    let rendered = [
        bars(Orientation::Vertical, vec![Series::from_cells("Incidents", &cells)]),
        bars(Orientation::Horizontal, vec![Series::from_cells("Incidents", &cells)]),
        LineChart {
            meta: meta("By month"),
            category_name: "Quarter".into(),
            categories: vec!["Q1".into(), "Q2".into(), "Q3".into(), "Q4".into()],
            series: vec![Series::from_cells("Incidents", &cells)],
        }
        .render(),
        HeatMap {
            meta: meta("Heat"),
            row_name: "Row".into(),
            rows: vec!["a".into()],
            columns: vec!["Q1".into(), "Q2".into(), "Q3".into(), "Q4".into()],
            values: vec![cells.iter().map(Cell::get).collect()],
        }
        .render(),
    ];
    for r in &rendered {
        assert!(r.svg.contains("withheld"), "a withheld mark is drawn");
        assert!(r.svg.contains("counts from 1 to 10 are not shown"), "the legend says why");
        let row = &r.table.rows.iter().find(|(l, _)| l == "Q2").map(|(_, c)| c.clone()).unwrap_or_else(|| r.table.rows[0].1.clone());
        assert!(row.contains(&"*".to_string()), "the data table shows * for the withheld cell: {row:?}");
        // Every label is a shown number, an axis number, a category or `*`.
        for t in texts(&r.svg) {
            if let Ok(v) = t.parse::<u64>() {
                let axis_tick = v % 5 == 0;
                assert!(shown_numbers.contains(&t.as_str()) || axis_tick, "unexpected number {t} in {}", r.svg);
            }
        }
    }
    // The withheld bar spans the whole axis: its size does not depend on the value.
    let v = &rendered[0].svg;
    let withheld_h = attr_of_class(v, "bar withheld", "height");
    let shown_h = attr_of_class(v, "bar", "height");
    assert_eq!(withheld_h.len(), 1);
    assert!(withheld_h[0] >= shown_h.iter().copied().fold(0.0, f64::max), "the hatched band is the full axis height");
}

#[test]
fn all_withheld_and_all_shown_differ_only_in_marks() {
    let withheld = bars(Orientation::Vertical, vec![Series::new("Incidents", vec![None, None, None, None])]);
    assert_eq!(attr_of_class(&withheld.svg, "bar withheld", "height").len(), 4);
    assert!(withheld.svg.contains("4 of the 4 values are withheld"));
    let shown = bars(Orientation::Vertical, vec![Series::new("Incidents", vec![Some(1), Some(2), Some(3), Some(4)])]);
    assert!(!shown.svg.contains("bar withheld"));
    assert!(!shown.svg.contains("are withheld"), "no withheld legend when nothing is withheld");
}

#[test]
fn bar_lengths_are_proportional_to_values() {
    let values = vec![Some(10), Some(20), Some(40), Some(5)];
    for (orientation, attr) in [(Orientation::Vertical, "height"), (Orientation::Horizontal, "width")] {
        let r = bars(orientation, vec![Series::new("Incidents", values.clone())]);
        let lengths = attr_of_class(&r.svg, "bar", attr);
        assert_eq!(lengths.len(), 4);
        for (l, v) in lengths.iter().zip(&values) {
            let ratio = l / lengths[0];
            let expected = v.unwrap() as f64 / 10.0;
            assert!((ratio - expected).abs() < 0.02, "{orientation:?}: {l} for {v:?} against {}", lengths[0]);
        }
    }
}

#[test]
fn grouped_bars_have_one_bar_per_series_and_a_legend() {
    let r = bars(Orientation::Vertical, vec![Series::new("Incidents", vec![Some(12); 4]), Series::new("Victims", vec![Some(30); 4])]);
    assert_eq!(attr_of_class(&r.svg, "bar", "height").len(), 8);
    assert!(texts(&r.svg).contains(&"Victims".to_string()));
    assert_eq!(r.table.columns, vec!["Incidents", "Victims"]);
    assert_eq!(r.table.rows[0], ("Q1".to_string(), vec!["12".to_string(), "30".to_string()]));
}

#[test]
fn titles_and_labels_are_escaped() {
    let r = BarChart {
        meta: Meta::new("x\"><script>", "<b>Tom & Jerry's</b>", "a \"quoted\" <desc>"),
        orientation: Orientation::Vertical,
        category_name: "<c>".into(),
        categories: vec!["<i>".into()],
        series: vec![Series::new("S&P", vec![Some(1)])],
    }
    .render();
    assert!(r.svg.contains("<title id=\"xscript-title\">&lt;b&gt;Tom &amp; Jerry&#39;s&lt;/b&gt;</title>"), "{}", r.svg);
    assert!(r.svg.contains("a &quot;quoted&quot; &lt;desc&gt;"));
    assert!(!r.svg.contains("<script>") && !r.svg.contains("<i>") && !r.svg.contains("<b>"));
    let html = r.table.to_html();
    assert!(html.contains("&lt;c&gt;") && html.contains("S&amp;P") && !html.contains("<i>"));
    assert_eq!(escape("<&>\"'"), "&lt;&amp;&gt;&quot;&#39;");
}

#[test]
fn every_chart_is_an_accessible_image() {
    let b = bars(Orientation::Vertical, vec![Series::new("Incidents", vec![Some(1); 4])]);
    let m = CountyMap::of_counts(meta("Map"), "Incidents", &[("Hartford".into(), Some(12))]).render();
    for r in [b, m] {
        assert!(r.svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" aria-labelledby=\"t-title t-desc\""));
        assert!(r.svg.contains("<title id=\"t-title\">") && r.svg.contains("<desc id=\"t-desc\">"));
        assert!(r.svg.trim_end().ends_with("</svg>"));
    }
}

#[test]
fn output_is_deterministic() {
    let make = || bars(Orientation::Vertical, vec![Series::new("Incidents", vec![Some(3), None, Some(17), Some(0)])]);
    assert_eq!(make(), make());
    let map = || CountyMap::of_counts(meta("Map"), "Incidents", &[("Fairfield".into(), Some(40)), ("Tolland".into(), None)]).render();
    assert_eq!(map(), map());
}

#[test]
fn the_map_has_the_eight_counties() {
    let shapes = county_shapes();
    let fips: Vec<&str> = shapes.iter().map(|c| c.fips).collect();
    assert_eq!(fips, ["09001", "09003", "09005", "09007", "09009", "09011", "09013", "09015"]);
    let names: Vec<&str> = shapes.iter().map(|c| c.name).collect();
    assert_eq!(names, ["Fairfield", "Hartford", "Litchfield", "Middlesex", "New Haven", "New London", "Tolland", "Windham"]);
    for c in &shapes {
        assert!(c.path.starts_with('M') && c.path.ends_with('Z'), "{}", c.name);
        assert!((0.0..=600.0).contains(&c.label.0) && (0.0..=400.0).contains(&c.label.1));
    }
    let r = CountyMap::of_counts(meta("Map"), "Incidents", &[]).render();
    assert_eq!(r.svg.matches("<path class=\"county\"").count(), 8);
}

#[test]
fn the_map_shades_by_class_and_hatches_withheld_counties() {
    let counts: Vec<(String, Option<u64>)> = vec![
        ("Fairfield".into(), Some(0)),
        ("Hartford".into(), Some(100)),
        ("Litchfield".into(), None),
        ("Middlesex".into(), Some(50)),
    ];
    let r = CountyMap::of_counts(meta("Map"), "Incidents", &counts).render();
    let fill = |fips: &str| {
        let i = r.svg.find(&format!("data-fips=\"{fips}\"")).unwrap();
        let tag = &r.svg[i..i + r.svg[i..].find('>').unwrap()];
        tag.split("fill=\"").nth(1).unwrap().split('"').next().unwrap().to_string()
    };
    assert_eq!(fill("09001"), "#f0f0f0", "0 is the lightest class");
    assert_eq!(fill("09003"), "#252525", "the largest is the darkest");
    assert_eq!(fill("09005"), "url(#t-withheld)");
    assert_eq!(fill("09009"), "#ffffff", "a county left out is blank");
    let litchfield = r.table.rows.iter().find(|(c, _)| c == "Litchfield").unwrap();
    assert_eq!(litchfield.1, vec!["*"]);
    assert!(r.svg.contains("Litchfield County: withheld"));
    assert!(r.svg.contains("1 of the 8 values is withheld"));
}

#[test]
fn rates_keep_their_decimals() {
    let r = CountyMap {
        meta: meta("Rate"),
        value_name: "Incidents per 100,000 people".into(),
        decimals: 1,
        values: vec![("Windham".into(), Some(3.25)), ("Tolland".into(), None)],
    }
    .render();
    assert!(texts(&r.svg).contains(&"3.3".to_string()) || texts(&r.svg).contains(&"3.2".to_string()));
    assert!(r.svg.contains("Incidents per 100,000 people"));
}

#[test]
fn a_withheld_point_breaks_the_line() {
    let r = LineChart {
        meta: meta("By month"),
        category_name: "Month".into(),
        categories: ["Jan", "Feb", "Mar", "Apr", "May"].iter().map(|s| s.to_string()).collect(),
        series: vec![Series::new("Incidents", vec![Some(12), Some(14), None, Some(20), Some(22)]), Series::new("Victims", vec![Some(30); 5])],
    }
    .render();
    assert_eq!(r.svg.matches("<polyline").count(), 3, "two runs for the broken line, one for the whole");
    assert!(r.svg.contains("stroke-dasharray"), "the second series is dashed");
    assert_eq!(r.table.rows[2].1, vec!["*", "30"]);
}

#[test]
fn the_heat_map_prints_every_value() {
    let r = HeatMap {
        meta: meta("Gaps"),
        row_name: "Service".into(),
        rows: vec!["Shelter".into(), "Legal <aid>".into()],
        columns: vec!["Fairfield".into(), "Hartford".into()],
        values: vec![vec![Some(0), Some(12)], vec![None, Some(40)]],
    }
    .render();
    let t = texts(&r.svg);
    for v in ["0", "12", "40", "*"] {
        assert!(t.contains(&v.to_string()), "{v} printed");
    }
    assert!(r.svg.contains("Legal &lt;aid&gt;"));
    assert_eq!(attr_of_class(&r.svg, "cell withheld", "width").len(), 1);
}

#[test]
fn a_county_map_of_rates_has_no_rate_for_a_withheld_count() {
    use beacon_core::reference::geo::county_population;
    let tolland = county_population("Tolland").unwrap();
    assert_eq!(county_population("Nowhere"), None);
    // Every town's population is known: the counties add up to the state's 2020 count.
    let state: u64 = ["Fairfield", "Hartford", "Litchfield", "Middlesex", "New Haven", "New London", "Tolland", "Windham"].iter().map(|c| county_population(c).unwrap()).sum();
    assert_eq!(state, 3_605_944);
    let m = CountyMap::of_rates(meta("Map"), "Per 100,000", &[("Tolland".into(), Some(30)), ("Windham".into(), None)], 100_000);
    let tolland_rate = m.values.iter().find(|(c, _)| c == "Tolland").unwrap().1.unwrap();
    assert!((tolland_rate - 30.0 * 100_000.0 / tolland as f64).abs() < 1e-9);
    assert_eq!(m.values.iter().find(|(c, _)| c == "Windham").unwrap().1, None);
    let svg = m.render().svg;
    assert!(svg.contains(&format!("Tolland County: {tolland_rate:.1}")), "{svg}");
    assert!(svg.contains("Windham County: withheld"));
}
