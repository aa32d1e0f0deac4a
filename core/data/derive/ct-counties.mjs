// Derives core/data/ct-counties.csv from us-atlas@3.0.1's counties-10m.json
// (ISC, Mike Bostock; U.S. Census Bureau cartographic boundaries, 2017).
// Run once, outside the repository, with no dependencies:
//   npm pack us-atlas@3.0.1 && tar xzf us-atlas-3.0.1.tgz
//   node core/data/derive/ct-counties.mjs package/counties-10m.json > core/data/ct-counties.csv
// The map is decoded from TopoJSON by hand (quantized arcs, delta-encoded),
// projected equirectangular with x scaled by cos(41.5°) (Connecticut's middle
// latitude, so shapes keep their proportions), fitted to a 600 × 400 box,
// rounded to 0.1 and thinned by dropping points closer than 1.5 units to the
// last point kept (shared borders are thinned identically, arc by arc, so
// neighbours still meet).
import { readFileSync } from "node:fs";

const W = 600, H = 400, PAD = 10, MIN_STEP = 1.5;
const topo = JSON.parse(readFileSync(process.argv[2], "utf8"));
const [sx, sy] = topo.transform.scale, [tx, ty] = topo.transform.translate;
const arcs = topo.arcs.map((arc) => {
  let x = 0, y = 0;
  return arc.map(([dx, dy]) => [(x += dx) * sx + tx, (y += dy) * sy + ty]);
});
const ring = (ids) => ids.flatMap((i, n) => {
  const a = i < 0 ? [...arcs[~i]].reverse() : arcs[i];
  return n === 0 ? a : a.slice(1);
});
const counties = topo.objects.counties.geometries
  .filter((g) => /^09\d{3}$/.test(g.id))
  .sort((a, b) => a.id.localeCompare(b.id))
  .map((g) => ({
    fips: g.id,
    name: g.properties.name,
    polygons: (g.type === "Polygon" ? [g.arcs] : g.arcs).map((p) => p.map(ring)),
  }));
if (counties.length !== 8) throw new Error(`expected 8 counties, got ${counties.length}`);

const k = Math.cos((41.5 * Math.PI) / 180);
const pts = counties.flatMap((c) => c.polygons.flat(2));
const xs = pts.map(([lon]) => lon * k), ys = pts.map(([, lat]) => lat);
const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
const scale = Math.min((W - 2 * PAD) / (x1 - x0), (H - 2 * PAD) / (y1 - y0));
const project = ([lon, lat]) => [PAD + (lon * k - x0) * scale, PAD + (y1 - lat) * scale];
const r = (v) => Math.round(v * 10) / 10;

const thin = (points) => {
  const kept = [points[0]];
  for (const p of points.slice(1, -1)) {
    const [lx, ly] = kept[kept.length - 1];
    if (Math.hypot(p[0] - lx, p[1] - ly) >= MIN_STEP) kept.push(p);
  }
  kept.push(points[points.length - 1]);
  return kept;
};

console.log("fips,name,label_x,label_y,path");
for (const c of counties) {
  let d = "", area = 0, cx = 0, cy = 0;
  for (const poly of c.polygons) {
    for (const rg of poly) {
      const p = thin(rg.map(project)).map(([x, y]) => [r(x), r(y)]);
      d += "M" + p.map(([x, y]) => `${x} ${y}`).join("L") + "Z";
      for (let i = 0; i < p.length - 1; i++) {
        const [ax, ay] = p[i], [bx, by] = p[i + 1], cr = ax * by - bx * ay;
        area += cr; cx += (ax + bx) * cr; cy += (ay + by) * cr;
      }
    }
  }
  console.log(`${c.fips},${c.name},${r(cx / (3 * area))},${r(cy / (3 * area))},${d}`);
}
