// Load public/models/emoji-clip with transformers.js in Node and sanity-check it.
// Needs a scratch install outside the repo:
//   mkdir -p /tmp/tjs-check && cd /tmp/tjs-check && npm init -y && \
//     ONNXRUNTIME_NODE_INSTALL=skip npm install @huggingface/transformers
// Usage: TJS_DIR=/tmp/tjs-check node tools/emoji-clip/check_transformers.mjs [--json out.json]
import { createRequire } from 'node:module';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const TJS = process.env.TJS_DIR || '/tmp/tjs-check';
const req = createRequire(path.join(TJS, 'package.json'));
const tjs = await import(pathToFileURL(req.resolve('@huggingface/transformers')).href);
const { env, AutoProcessor, AutoTokenizer, CLIPVisionModelWithProjection, CLIPTextModelWithProjection, RawImage } = tjs;

env.allowLocalModels = true;
env.allowRemoteModels = false;
env.localModelPath = path.join(repo, 'public', 'models') + '/';
const ID = 'emoji-clip';

const config = JSON.parse(readFileSync(path.join(repo, 'public/models', ID, 'config.json'), 'utf8'));
const labels = JSON.parse(readFileSync(path.join(repo, 'public/models', ID, 'labels.json'), 'utf8'));
const fixtures = JSON.parse(readFileSync(path.join(repo, 'e2e/fixtures/images/fixtures.json'), 'utf8'));
const S = config.vision_config.image_size, P = config.vision_config.patch_size;
const nTok = 1 + (S / P) ** 2, D = config.vision_config.hidden_size, Dt = config.text_config.hidden_size;
const E = config.projection_dim;

const processor = await AutoProcessor.from_pretrained(ID);
const tokenizer = await AutoTokenizer.from_pretrained(ID);
const vision = await CLIPVisionModelWithProjection.from_pretrained(ID, { dtype: 'fp32' });
const text = await CLIPTextModelWithProjection.from_pretrained(ID, { dtype: 'fp32' });

const norm = (v) => { let s = 0; for (const x of v) s += x * x; s = Math.sqrt(s); return v.map((x) => x / s); };
const rows = (t) => { const [n, d] = t.dims; return Array.from({ length: n }, (_, i) => norm(Array.from(t.data.slice(i * d, (i + 1) * d)))); };
const dot = (a, b) => a.reduce((s, x, i) => s + x * b[i], 0);

// --- tokenizer: padded batch of two texts
const texts = ['a dog face', 'a slice of pizza and an automobile on the right'];
const tin = tokenizer(texts, { padding: true, truncation: true });
console.log('tokenizer model_max_length', tokenizer.model_max_length, 'pad', tokenizer.pad_token_id,
  'ids', JSON.stringify(tin.input_ids.tolist().map((r) => r.map(Number))));
console.log('unknown word ->', tokenizer.tokenize('a xylophonical zorblax'));
const tout = await text(tin);
assert.deepEqual(tout.text_embeds.dims, [2, E]);
assert.deepEqual(tout.last_hidden_state.dims, [2, tin.input_ids.dims[1], Dt]);
// padding must not change the embedding of the shorter text
const single = await text(tokenizer([texts[0]], { padding: true, truncation: true }));
const a = rows(single.text_embeds)[0], b = rows(tout.text_embeds)[0];
console.log('padded vs unpadded cosine', dot(a, b).toFixed(6));
assert.ok(dot(a, b) > 0.9999);

// truncation: transformers.js cuts the EOS off over-long texts; the graph re-inserts it at the
// last position, matching training-time truncation (first 31 tokens + EOS)
const long = Array(12).fill('a dog face and a pizza').join(' and ');
const tl = tokenizer([long], { padding: true, truncation: true });
assert.equal(tl.input_ids.dims[1], tokenizer.model_max_length);
const manual = tl.input_ids.tolist()[0].map(Number).slice(0, tokenizer.model_max_length - 1).concat([Number(tokenizer.eos_token_id ?? 3)]);
const outA = await text(tl);
const outB = await text({ input_ids: new tjs.Tensor('int64', BigInt64Array.from(manual.map(BigInt)), [1, manual.length]) });
const cosT = dot(rows(outA.text_embeds)[0], rows(outB.text_embeds)[0]);
console.log('truncated (no EOS) vs manual EOS cosine', cosT.toFixed(6));
assert.ok(cosT > 0.9999);

// --- vision: fixture images
const imgs = [];
for (const f of fixtures.singles) imgs.push(await RawImage.read(path.join(repo, 'e2e/fixtures/images', f.file)));
const vin = await processor(imgs);
console.log('pixel_values', vin.pixel_values.dims);
const vout = await vision(vin);
assert.deepEqual(vout.image_embeds.dims, [imgs.length, E]);
assert.deepEqual(vout.last_hidden_state.dims, [imgs.length, nTok, D]);
console.log('vision last_hidden_state', vout.last_hidden_state.dims, `(CLS + ${S / P}x${S / P} patches)`);

// --- zero-shot over ALL labels
const art = (l) => (/^(flag|keycap):/i.test(l) ? 'a ' : /^[aeiou]/i.test(l) ? 'an ' : 'a ') + l;
const allT = [];
for (let i = 0; i < labels.length; i += 256) {
  const batch = labels.slice(i, i + 256).map((e) => art(e.label));
  const o = await text(tokenizer(batch, { padding: true, truncation: true }));
  allT.push(...rows(o.text_embeds));
}
const I = rows(vout.image_embeds);
const results = [];
let ok = 0;
fixtures.singles.forEach((f, k) => {
  const sims = allT.map((t, j) => [dot(I[k], t), j]).sort((x, y) => y[0] - x[0]).slice(0, 5);
  const top = sims.map(([s, j]) => labels[j].label);
  if (top[0] === f.label) ok++;
  results.push({ file: f.file, label: f.label, top5: top, scores: sims.map(([s]) => +s.toFixed(4)) });
  console.log(f.file, `(${f.style})`, 'expected', JSON.stringify(f.label), 'top5', JSON.stringify(top));
});
// caption ranking among the fixture captions
const cap = await text(tokenizer(fixtures.singles.map((f) => f.caption), { padding: true }));
const C = rows(cap.text_embeds);
let capOk = 0;
I.forEach((v, k) => {
  const s = C.map((c) => dot(v, c));
  if (fixtures.singles[s.indexOf(Math.max(...s))].label === fixtures.singles[k].label) capOk++;
});
console.log(`fixture caption ranking: ${capOk}/${I.length} correct; top-1 among all ${labels.length} labels: ${ok}/${I.length}`);
const jsonOut = process.argv.indexOf('--json');
if (jsonOut > 0) writeFileSync(process.argv[jsonOut + 1], JSON.stringify({ results, image_embeds: I, text_ids: tin.input_ids.tolist().map((r) => r.map(Number)), text_embeds: rows(tout.text_embeds) }));
console.log('OK');
