import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { RawImage } from '@huggingface/transformers';
import { type TextActivations, encodeTextFitting } from '../clip/encoder';
import { labelPhrase } from '../clip/prompts';
import { DICTIONARY_FILES, dictionaryFromFiles } from '../explain/dictionary';
import type { Interpretation } from '../explain/types';
import { BOOTSTRAP_RESAMPLES, type Estimate } from '../eval/bootstrap';
import {
  type DictionaryUnderTest,
  type EvalData,
  type EvalPair,
  type EvalResult,
  evaluate,
  evaluateRawClip,
  pointingChance,
} from '../eval/harness';
import { toPixelValues } from '../pipeline/pairsDataset';
import { type Context, CliError } from './context';

/** Where each split's atlas lives: test beside the code (never in the app's public folder), validation with the dictionary. */
export const TEST_SPLIT_PREFIX = 'eval/test';
export type EvalSplit = 'test' | 'validation';

/** A split's atlas (<prefix>.png tiles + <prefix>.json truth), through the CLIP towers. */
export async function loadEvalData(context: Context, prefix: string): Promise<EvalData> {
  let truth: { tile: number; columns: number; pairs: EvalPair[] };
  try {
    truth = JSON.parse(await readFile(`${prefix}.json`, 'utf8'));
  } catch {
    throw new CliError(`no evaluation set at ${prefix}.json (and ${prefix}.png)`);
  }
  const atlas = await RawImage.read(`${prefix}.png`);
  const rgb = atlas.rgb();
  const { encoder } = context;
  const preprocessor = { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };
  const { tile, columns } = truth;
  const patches: Float32Array[] = [];
  const patchEmbeds: (Float32Array | undefined)[] = [];
  const imageEmbeds: Float32Array[] = [];
  const captions: TextActivations[] = [];
  const labelTexts = new Map<string, TextActivations>();
  for (const [i, pair] of truth.pairs.entries()) {
    const [row, col] = [Math.floor(i / columns), i % columns];
    const pixels = new Uint8Array(tile * tile * 3);
    for (let y = 0; y < tile; y++) {
      const from = ((row * tile + y) * rgb.width + col * tile) * 3;
      pixels.set(rgb.data.subarray(from, from + tile * 3), y * tile * 3);
    }
    const image = await encoder.encodePixels(toPixelValues(pixels, tile, preprocessor.mean, preprocessor.std));
    patches.push(image.patches);
    patchEmbeds.push(image.patchEmbeds);
    imageEmbeds.push(image.embedding);
    captions.push(await encodeTextFitting(encoder, pair.caption));
    for (const o of pair.objects) {
      if (!labelTexts.has(o.label)) labelTexts.set(o.label, await encodeTextFitting(encoder, labelPhrase(o.label)));
    }
  }
  return {
    grid: encoder.info.grid,
    imageSize: tile,
    pairs: truth.pairs,
    patches,
    patchEmbeds,
    imageEmbeds,
    captions,
    labelTexts,
  };
}

export async function loadUnderTest(context: Context, name: string, dir: string): Promise<DictionaryUnderTest> {
  const read = (file: string) => readFile(path.join(dir, file), 'utf8').catch(() => null);
  const weights = await readFile(path.join(dir, DICTIONARY_FILES.weights)).catch(() => null);
  const config = await read(DICTIONARY_FILES.config);
  if (!weights || !config) throw new CliError(`no dictionary for ${name} in ${dir}`);
  const interpretationText = await read(DICTIONARY_FILES.interpretation);
  const dictionary = dictionaryFromFiles(
    dir,
    new Uint8Array(weights),
    config,
    interpretationText,
    context.encoder.info,
  );
  const { nShared, nImagePrivate, nTextPrivate } = dictionary.model.config;
  const matching = await read('matching.json');
  const base = { name, dictionary, interpretation: dictionary.interpretation as Interpretation | null };
  if (nShared > 0) return { ...base, imageLatents: [0, nShared], textLatents: [0, nShared] };
  if (!matching) throw new CliError(`${dir} holds two separate SAEs but no matching.json`);
  return {
    ...base,
    imageLatents: [0, nImagePrivate],
    textLatents: [nImagePrivate, nImagePrivate + nTextPrivate],
    textToImage: new Map(JSON.parse(matching) as [number, number][]),
  };
}

/** The dictionaries `lucid eval` compares: LUCID and the baselines shipped beside it (docs/results.md). */
const UNDER_TEST = [
  ['LUCID', '.'],
  ['shared Top-K, no GCMT', 'baselines/shared-topk'],
  ['random decoder (control)', 'baselines/random'],
] as const;

/** `lucid eval`: every measure for LUCID, the baselines and the raw-CLIP baseline, on one split. */
export async function evalCommand(
  context: Context,
  dir: string,
  log: (line: string) => void,
  split: EvalSplit = 'test',
) {
  const prefix = split === 'test' ? TEST_SPLIT_PREFIX : path.join(dir, 'reference');
  const data = await loadEvalData(context, prefix);
  log(`${split} split: ${data.pairs.length} pairs from ${prefix}.png`);
  const results: EvalResult[] = [];
  for (const [name, sub] of UNDER_TEST) {
    const folder = path.join(dir, sub);
    const test = await loadUnderTest(context, name, folder).catch((error: unknown) => {
      log(`skipping ${name}: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    });
    if (!test) continue;
    log(`evaluating ${name}`);
    results.push(await evaluate(test, data));
  }
  const raw = evaluateRawClip(data);
  return {
    split,
    pairs: data.pairs.length,
    pointingChance: pointingChance(data),
    results,
    rawClip: raw,
    bootstrapResamples: BOOTSTRAP_RESAMPLES,
  };
}

type Report = Awaited<ReturnType<typeof evalCommand>>;

const cell = (e: Estimate | null | undefined) =>
  !e || Number.isNaN(e.value) ? '—' : `${e.value.toFixed(3)} [${e.low.toFixed(3)}, ${e.high.toFixed(3)}]`;

/** The results as the Markdown tables of docs/results.md. */
export function resultsMarkdown(report: Report): string {
  const meaning = [
    '| dictionary | naming | naming control | naming − control | distinct first concepts | correspondence | retrieval P@5 | pointing | wrong-label control | pointing − control | mIoU |',
    '|' + ' --- |'.repeat(11),
    ...report.results.map(
      (r) =>
        `| ${r.name} | ${cell(r.naming)} | ${cell(r.namingControl)} | ${cell(r.namingGap)} | ${cell(r.distinctFirst)} | ${cell(r.correspondence)} | ${cell(r.retrieval)} | ${cell(r.pointing)} | ${cell(r.pointingControl)} | ${cell(r.pointingGap)} | ${cell(r.mIoU)} |`,
    ),
  ];
  if (report.rawClip) {
    const r = report.rawClip;
    meaning.push(
      `| raw CLIP patch–text cosine | — | — | — | — | — | ${cell(r.retrieval)} | ${cell(r.pointing)} | ${cell(r.pointingControl)} | ${cell(r.pointingGap)} | ${cell(r.mIoU)} |`,
    );
  }
  const fit = [
    '| dictionary | FVU image | FVU text | L0 image | L0 text | dead (all) | dead shared | bimodal shared | tokens |',
    '|' + ' --- |'.repeat(9),
    ...report.results.map((r) =>
      r.metrics
        ? `| ${r.name} | ${r.metrics.fvuImage.toFixed(3)} | ${r.metrics.fvuText.toFixed(3)} | ${r.metrics.l0Image.toFixed(1)} | ${r.metrics.l0Text.toFixed(1)} | ${r.metrics.deadFraction.toFixed(3)} | ${r.deadShared?.toFixed(3) ?? '—'} | ${r.metrics.bimodalFraction.toFixed(3)} | ${r.tokens} |`
        : `| ${r.name} | — | — | — | — | — | — | — | — |`,
    ),
  ];
  return [...meaning, '', ...fit].join('\n');
}

/** docs/results.md: the tables, the chance level and the counts, with how they were produced. */
export function resultsDocument(report: Report): string {
  const counts = report.results[0]?.counts ?? { singles: 0, objects: 0 };
  return `# Results: LUCID against the baselines (${report.split} split)

Produced by \`npx lucid eval --write-docs\` (also \`docs/results.json\`) on the **${report.split} split**:
${report.pairs} pairs (\`${report.split === 'test' ? TEST_SPLIT_PREFIX : 'reference'}.png\`, OpenMoji style, never seen by Emoji-CLIP;
emoji that neither the dictionary's fit split nor its validation split contains; ${counts.singles} single-emoji
images, ${counts.objects} objects in scenes). No name, evidence tile, vocabulary entry, threshold or
choice of run reads this split (docs/evaluation.md). Every value is the mean over items with its
bootstrap 95 % interval [low, high] (${report.bootstrapResamples} resamples, percentile method).
Definitions: docs/evaluation.md, as implemented in \`src/eval/harness.ts\`; how the dictionaries were
trained: docs/dictionary.md.

${resultsMarkdown(report)}

Pointing chance (a random patch): **${report.pointingChance}**.
`;
}
