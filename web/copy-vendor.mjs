// Copies the built files of the npm packages towngrid uses into
// internal/web/static/vendor, where go:embed picks them up. The folder is
// ignored by git: third-party code is fetched at build time, never committed.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "internal", "web", "static", "vendor");
const files = [
  ["echarts/dist/echarts.min.js", "echarts.min.js"],
  ["leaflet/dist/leaflet.js", "leaflet.js"],
  ["leaflet/dist/leaflet.css", "leaflet.css"],
  ["leaflet/dist/images", "images"],
];
mkdirSync(out, { recursive: true });
for (const [from, to] of files) {
  rmSync(join(out, to), { recursive: true, force: true });
  cpSync(join(here, "node_modules", from), join(out, to), { recursive: true });
  console.log("vendor:", to);
}
