/**
 * Where naming fails, on one split: for each single-object image, whether any latent of the
 * dictionary has a name sharing a content word with the image's label or tags (the vocabulary's
 * ceiling), whether such a latent fires on the image at all (the dictionary's ceiling), and at
 * which rank the product lists the first one (the ranking's share).
 * Usage: npx tsx tools/lucid/diagnose.ts --dict <folder> [--split validation|test] [--show N]
 * (--show: the first three image and label-phrase concepts of the first N images)
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadContext } from '../../src/cli/context';
import { TEST_SPLIT_PREFIX, loadEvalData, loadUnderTest } from '../../src/cli/evalCommand';
import { encodeRows, rankForDictionary } from '../../src/explain/analyze';
import { contentWords } from '../../src/eval/harness';

const { values: args } = parseArgs({
  options: {
    dict: { type: 'string', default: 'public/dictionaries/emoji-clip' },
    split: { type: 'string', default: 'validation' },
    reference: { type: 'string', default: 'public/dictionaries/emoji-clip/reference' },
    show: { type: 'string', default: '0' },
  },
});
const context = await loadContext({});
const data = await loadEvalData(context, args.split === 'test' ? TEST_SPLIT_PREFIX : args.reference!);
const test = await loadUnderTest(context, path.basename(args.dict!), args.dict!);
const latents = test.interpretation?.latents ?? [];
const nameWords = latents.map((l) => new Set(contentWords(l.label ?? '')));
let singles = 0;
let vocab = 0;
let fires = 0;
let firesShared = 0;
const rankHist = new Map<string, number>();
let listed = 0;
for (const [i, pair] of data.pairs.entries()) {
  if (pair.kind !== 'single') continue;
  singles++;
  const truth = new Set(pair.objects.flatMap((o) => [...contentWords(o.label), ...o.tags.flatMap(contentWords)]));
  const match = (id: number) => [...(nameWords[id] ?? [])].some((w) => truth.has(w));
  if (latents.some((_, id) => match(id))) vocab++;
  const codes = await encodeRows(test.dictionary, 'image', data.patches[i]);
  const ranked = rankForDictionary(test.dictionary, codes, 'image', undefined, test.ranking);
  listed += ranked.length;
  const r = ranked.findIndex((n) => match(n.id));
  if (r >= 0) fires++;
  if (ranked.some((n) => match(n.id) && latents[n.id]?.kind === 'shared')) firesShared++;
  if (singles <= Number(args.show)) {
    const label = pair.objects[0].label;
    const text = data.labelTexts.get(label)!;
    const tCodes = await encodeRows(test.dictionary, 'text', text.hidden);
    const tRanked = rankForDictionary(test.dictionary, tCodes, 'text', text.contentMask, test.ranking);
    const show = (list: { id: number }[]) =>
      list.slice(0, 3).map((n) => `${latents[n.id]?.label ?? '?'}#${n.id}${latents[n.id]?.kind === 'shared' ? '' : '(' + latents[n.id]?.kind + ')'}`).join(', ');
    console.log(`${label}: image [${show(ranked)}] text [${show(tRanked)}]`);
  }
  const bucket = r < 0 ? 'none' : r < 3 ? 'top3' : r < 10 ? '4-10' : '>10';
  rankHist.set(bucket, (rankHist.get(bucket) ?? 0) + 1);
}
const share = (n: number) => (n / singles).toFixed(3);
console.log(`${singles} singles; mean listed ${(listed / singles).toFixed(1)} latents`);
console.log(`some latent's name matches: ${share(vocab)}; a matching latent fires: ${share(fires)} (shared ${share(firesShared)})`);
console.log('first matching rank:', Object.fromEntries([...rankHist].map(([k, v]) => [k, share(v)])));
await context.encoder.dispose();
