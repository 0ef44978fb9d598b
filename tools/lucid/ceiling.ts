/**
 * What Emoji-CLIP itself can name, by the eval harness's naming measure: for each single-object
 * image of a split, the vocabulary words ranked by the cosine of the image's pooled embedding
 * (`image_embeds`) with the text embedding of the word's phrase ("a dog"),
 * minus the word's mean cosine over the split's images (the analogue of the product's specificity).
 * The first three words are scored as the harness scores a dictionary's first three concepts
 * (naming, its other-image control, distinct first): a reference for what the model itself names
 * with a word (docs/evaluation.md, "What the encoder allows"). Validation (or another atlas) only:
 * it never reads the test split.
 * The vocabulary: content words of the first --fit-pairs fit captions in at least 8 of them (fit only).
 * Usage: npx tsx tools/lucid/ceiling.ts --fit /tmp/lucid-data/fit.json [--reference <atlas prefix>]
 * [--patches] (--patches: the best projected patch embedding instead of the pooled one)
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { encodeTextFitting } from '../../src/clip/encoder';
import { labelPhrase } from '../../src/clip/prompts';
import { loadContext } from '../../src/cli/context';
import { TEST_SPLIT_PREFIX, loadEvalData } from '../../src/cli/evalCommand';
import { bootstrapMean } from '../../src/eval/bootstrap';
import { contentWords } from '../../src/eval/harness';

const { values: args } = parseArgs({
  options: {
    fit: { type: 'string', default: '/tmp/lucid-data/fit.json' },
    'fit-pairs': { type: 'string', default: '24000' },
    reference: { type: 'string', default: 'public/dictionaries/emoji-clip/reference' },
    patches: { type: 'boolean', default: false },
  },
});
const fit: { pairs: { caption: string }[] } = JSON.parse(await readFile(args.fit!, 'utf8'));
const counts = new Map<string, number>();
for (const p of fit.pairs.slice(0, Number(args['fit-pairs']))) {
  for (const w of new Set(contentWords(p.caption))) counts.set(w, (counts.get(w) ?? 0) + 1);
}
const vocab = [...counts].filter(([w, c]) => c >= 8 && w.length > 1).map(([w]) => w);
const context = await loadContext({});
if (path.resolve(args.reference!) === path.resolve(TEST_SPLIT_PREFIX)) throw new Error('the test split is read only by lucid eval');
const data = await loadEvalData(context, args.reference!);
const dim = data.labelTexts.values().next().value!.embedding.length;
const unit = (v: Float32Array) => {
  const n = Math.hypot(...v) || 1;
  return v.map((x) => x / n);
};
const words: Float32Array[] = [];
for (const w of vocab) words.push(unit((await encodeTextFitting(context.encoder, labelPhrase(w))).embedding));
const singles = data.pairs.flatMap((p, i) => (p.kind === 'single' ? [i] : []));
const cosines = singles.map((i) => {
  const e = args.patches ? data.patchEmbeds[i]! : data.imageEmbeds![i];
  const rows = Array.from({ length: e.length / dim }, (_, r) => r);
  return words.map((t) => {
    let best = -Infinity;
    for (const r of rows) {
      const v = unit(e.subarray(r * dim, (r + 1) * dim));
      let dot = 0;
      for (let k = 0; k < dim; k++) dot += v[k] * t[k];
      best = Math.max(best, dot);
    }
    return best;
  });
});
const mean = vocab.map((_, w) => cosines.reduce((s, c) => s + c[w], 0) / cosines.length);
const truth = (i: number) =>
  new Set(data.pairs[i].objects.flatMap((o) => [...contentWords(o.label), ...o.tags.flatMap(contentWords)]));
for (const [name, centred] of [
  ['specificity', true],
  ['raw', false],
] as const) {
  const naming: number[] = [];
  const control: number[] = [];
  const firsts = new Set<string>();
  singles.forEach((i, s) => {
    const top = vocab
      .map((w, j) => ({ w, score: cosines[s][j] - (centred ? mean[j] : 0) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 3)
      .map((t) => t.w);
    const own = truth(i);
    const other = truth(singles[(s + Math.floor(singles.length / 2)) % singles.length]);
    naming.push(top.some((w) => own.has(w)) ? 1 : 0);
    control.push(top.some((w) => other.has(w)) ? 1 : 0);
    firsts.add(top[0]);
  });
  const f = (e: { value: number; low: number; high: number }) =>
    `${e.value.toFixed(3)} [${e.low.toFixed(3)}, ${e.high.toFixed(3)}]`;
  console.log(
    `${args.patches ? 'patches' : 'pooled'} ${name}: naming ${f(bootstrapMean(naming))} control ${f(bootstrapMean(control))} ` +
      `gap ${f(bootstrapMean(naming, control))} distinct first ${(firsts.size / singles.length).toFixed(3)} (${vocab.length} words, ${singles.length} singles)`,
  );
}
{
  // Sanity: zero-shot among the split's own label phrases (pooled image vs label phrase).
  const labels = [...data.labelTexts.keys()];
  const emb = labels.map((l) => unit(data.labelTexts.get(l)!.embedding));
  let hit = 0;
  for (const i of singles) {
    const v = unit(data.imageEmbeds![i]);
    const scores = emb.map((t) => t.reduce((s, x, k) => s + x * v[k], 0));
    const best = scores.indexOf(Math.max(...scores));
    if (labels[best] === data.pairs[i].objects[0].label) hit++;
  }
  console.log(`zero-shot top-1 among the split's ${labels.length} label phrases: ${(hit / singles.length).toFixed(3)}`);
}
