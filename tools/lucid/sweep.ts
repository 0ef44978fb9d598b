/**
 * Compares naming and ranking choices on one split without retraining: every dictionary folder
 * (with its own interpretation.json) × every ranking variant, through the same harness as
 * `lucid eval` (src/eval/harness.ts), reading the split once. Fit measures (FVU, dead) are skipped:
 * names and ranking do not change them. Choices are made on validation (docs/dictionary.md).
 * Usage: npx tsx tools/lucid/sweep.ts --dict <folder>[,<folder>…] [--split validation|test]
 *        [--ranking "power=1,named=0;power=1,named=1"] [--thresholds 0.05,0.1] [--json out.json]
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadContext } from '../../src/cli/context';
import { TEST_SPLIT_PREFIX, loadEvalData, loadUnderTest } from '../../src/cli/evalCommand';
import type { RankingOptions } from '../../src/explain/conceptRanking';
import type { Estimate } from '../../src/eval/bootstrap';
import { evaluate } from '../../src/eval/harness';

const { values: args } = parseArgs({
  options: {
    dict: { type: 'string' },
    split: { type: 'string', default: 'validation' },
    reference: { type: 'string', default: 'public/dictionaries/emoji-clip/reference' },
    ranking: { type: 'string', default: 'power=1,named=0' },
    // Naming thresholds applied here to an interpretation made with threshold 0 (evidence rule):
    // a latent whose confidence is below t is unnamed, as interpret.ts --min-term-confidence t does.
    thresholds: { type: 'string' },
    json: { type: 'string' },
  },
});
if (!args.dict) {
  console.error('usage: sweep.ts --dict <folder>[,<folder>…] [--split validation|test] [--ranking "power=1,named=0;…"]');
  process.exit(2);
}

/** "power=1,named=1" → { power: 1, namedFirst: true }. */
function parseRanking(spec: string): RankingOptions {
  const options: RankingOptions = {};
  for (const part of spec.split(',').filter(Boolean)) {
    const [key, value] = part.split('=');
    if (key === 'power') options.power = Number(value);
    else if (key === 'named') options.namedFirst = value === '1';
    else if (key === 'bimodal') options.bimodalFirst = value === '1';
    else if (key === 'rate') options.sharedRate = value as RankingOptions['sharedRate'];
    else throw new Error(`unknown ranking option ${key}`);
  }
  return options;
}

const context = await loadContext({});
const prefix = args.split === 'test' ? TEST_SPLIT_PREFIX : args.reference;
const data = await loadEvalData(context, prefix);
console.log(`${args.split} split: ${data.pairs.length} pairs from ${prefix}.png`);
const value = (e: Estimate | null) => (e ? e.value.toFixed(3) : '—');
const rows: Record<string, unknown>[] = [];
console.log('| dictionary | threshold | ranking | naming | naming − control | distinct first | correspondence | retrieval P@5 | pointing − control |');
console.log('|' + ' --- |'.repeat(9));
const thresholds = args.thresholds ? args.thresholds.split(',').map(Number) : [null];
for (const dir of args.dict.split(',')) {
  for (const threshold of thresholds) {
    for (const spec of args.ranking.split(';')) {
      const base = await loadUnderTest(context, path.basename(dir), dir);
      if (threshold !== null) {
        for (const latent of base.dictionary.interpretation?.latents ?? []) {
          if (latent.confidence < threshold) latent.label = null;
        }
      }
      const r = await evaluate({ ...base, ranking: parseRanking(spec) }, data, 1, { fit: false });
      console.log(
        `| ${dir} | ${threshold ?? 'as named'} | ${spec} | ${value(r.naming)} | ${value(r.namingGap)} | ${value(r.distinctFirst)} | ${value(r.correspondence)} | ${value(r.retrieval)} | ${value(r.pointingGap)} |`,
      );
      rows.push({ dir, threshold, ranking: spec, ...r });
    }
  }
}
if (args.json) await writeFile(args.json, JSON.stringify({ split: args.split, rows }, null, 1));
await context.encoder.dispose();
