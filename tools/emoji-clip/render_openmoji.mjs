// Rasterise OpenMoji colour SVGs to 128x128 RGBA PNGs with @resvg/resvg-js.
// Usage: node tools/emoji-clip/render_openmoji.mjs [/tmp/emoji-build]
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = process.argv[2] || '/tmp/emoji-build';
const require = createRequire(path.join(root, 'package.json'));
const { Resvg } = require('@resvg/resvg-js');
const srcDir = path.join(root, 'node_modules/openmoji/color/svg');
const outDir = path.join(root, 'openmoji128');
mkdirSync(outDir, { recursive: true });
let n = 0;
for (const f of readdirSync(srcDir)) {
  if (!f.endsWith('.svg')) continue;
  const svg = readFileSync(path.join(srcDir, f));
  try {
    const png = new Resvg(svg, { fitTo: { mode: 'width', value: 128 } }).render().asPng();
    writeFileSync(path.join(outDir, f.replace(/\.svg$/, '.png')), png);
    n++;
  } catch (e) {
    console.warn('skip', f, e.message);
  }
}
console.log(`rendered ${n} OpenMoji SVGs to ${outDir}`);
