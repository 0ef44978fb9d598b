import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { RawImage } from '@huggingface/transformers';
import type { TextActivations } from '../clip/encoder';
import { labelPhrase } from '../clip/prompts';
import { DICTIONARY_FILES, dictionaryFromFiles } from '../explain/dictionary';
import type { Interpretation } from '../explain/types';
import { type DictionaryUnderTest, type EvalData, type EvalPair, evaluate, pointingChance } from '../eval/harness';
import { toPixelValues } from '../pipeline/pairsDataset';
import { type Context, CliError } from './context';

/** The held-out evaluation set shipped with a dictionary: reference.png tiles + reference.json truth. */
export async function loadEvalData(context: Context, dir: string): Promise<EvalData> {
  let truth: { tile: number; columns: number; pairs: EvalPair[] };
  try {
    truth = JSON.parse(await readFile(path.join(dir, 'reference.json'), 'utf8'));
  } catch {
    throw new CliError(`no held-out set in ${dir} (reference.json and reference.png)`);
  }
  const atlas = await RawImage.read(path.join(dir, 'reference.png'));
  const rgb = atlas.rgb();
  const { encoder } = context;
  const preprocessor = { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };
  const { tile, columns } = truth;
  const patches: Float32Array[] = [];
  const captions: TextActivations[] = [];
  const labelTexts = new Map<string, TextActivations>();
  for (const [i, pair] of truth.pairs.entries()) {
    const [row, col] = [Math.floor(i / columns), i % columns];
    const pixels = new Uint8Array(tile * tile * 3);
    for (let y = 0; y < tile; y++) {
      const from = ((row * tile + y) * rgb.width + col * tile) * 3;
      pixels.set(rgb.data.subarray(from, from + tile * 3), y * tile * 3);
    }
    patches.push(
      (await encoder.encodePixels(toPixelValues(pixels, tile, preprocessor.mean, preprocessor.std))).patches,
    );
    captions.push(await encoder.encodeText(pair.caption));
    for (const o of pair.objects) {
      if (!labelTexts.has(o.label)) labelTexts.set(o.label, await encoder.encodeText(labelPhrase(o.label)));
    }
  }
  return { grid: encoder.info.grid, imageSize: tile, pairs: truth.pairs, patches, captions, labelTexts };
}

async function loadUnderTest(context: Context, name: string, dir: string): Promise<DictionaryUnderTest> {
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

/** `lucid eval`: every measure for LUCID and the baselines shipped beside it. */
export async function evalCommand(context: Context, dir: string, log: (line: string) => void) {
  const data = await loadEvalData(context, dir);
  log(`held-out set: ${data.pairs.length} pairs`);
  const tests = [
    await loadUnderTest(context, 'LUCID', dir),
    await loadUnderTest(context, 'shared Top-K, no GCMT', path.join(dir, 'baselines/shared-topk')),
    await loadUnderTest(context, 'per-modality SAEs, Hungarian-matched', path.join(dir, 'baselines/per-modality')),
  ];
  const results = [];
  for (const test of tests) {
    log(`evaluating ${test.name}`);
    results.push(await evaluate(test, data));
  }
  return { heldOutPairs: data.pairs.length, pointingChance: pointingChance(data), results };
}

/** The results as the Markdown table in docs/results.md. */
export function resultsMarkdown(report: Awaited<ReturnType<typeof evalCommand>>): string {
  const header =
    '| dictionary | correspondence | pointing | mIoU | label precision | distinct labels (top 100) | FVU image | FVU text | L0 image | L0 text | dead | bimodal |';
  const rows = report.results.map((r) =>
    [
      r.name,
      r.correspondence,
      r.pointing,
      r.mIoU,
      r.labelPrecision,
      r.labelDistinctShare,
      r.metrics.fvuImage.toFixed(3),
      r.metrics.fvuText.toFixed(3),
      r.metrics.l0Image.toFixed(1),
      r.metrics.l0Text.toFixed(1),
      r.metrics.deadFraction.toFixed(3),
      r.metrics.bimodalFraction.toFixed(3),
    ].join(' | '),
  );
  return [header, '|' + ' --- |'.repeat(12), ...rows.map((r) => `| ${r} |`)].join('\n');
}

/** docs/results.md: the table, the chance level and the counts, with how they were produced. */
export function resultsDocument(report: Awaited<ReturnType<typeof evalCommand>>): string {
  const counts = report.results[0].counts;
  const categories = report.results
    .map(
      (r) =>
        `| ${r.name} | ${['object', 'scene', 'action', 'attribute', 'abstract'].map((c) => r.categories[c] ?? 0).join(' | ')} |`,
    )
    .join('\n');
  return `# Results: LUCID against the baselines

Produced by \`npx lucid eval --write-docs\` (also \`docs/results.json\`) on the ${report.heldOutPairs} held-out pairs
shipped with the dictionary (\`public/dictionaries/emoji-clip/reference.*\`: OpenMoji style, never seen by
Emoji-CLIP; ${counts.singles} single-emoji images, ${counts.objects} objects in scenes). Definitions: METHOD.md
"Measures" as implemented in \`src/eval/harness.ts\`; how the dictionaries were trained: docs/dictionary.md.

${resultsMarkdown(report)}

- **correspondence**: single-emoji images whose strongest concept latent (max pre-activation over patches)
  is the strongest concept latent of their label's phrase ("a dog face"); for the per-modality SAEs the
  text latent is mapped to its Hungarian-matched image latent.
- **pointing / mIoU**: for each object of a scene, the heatmap of its label's phrase (its five strongest
  concept latents, weighted) peaks inside the object's box / IoU of the map thresholded at half its
  maximum with the box's patches. Chance (a random patch): **${report.pointingChance}**.
- **label precision**: share of a labelled concept latent's top reference images (up to 6) whose emoji
  labels or keywords contain a word of its automatic label, averaged over latents; **distinct labels**:
  share of distinct labels among the 100 most frequently firing labelled latents (1 = no collapse).
- **dead**: latents that never fire on these pairs; **bimodal**: shared latents that fire on both modalities.
- The raw-CLIP patch–text cosine baseline is not in the table: Emoji-CLIP's ONNX export gives patch
  hidden states but not the vision projection, so patch and text vectors are not in one space here.
  \`tools/emoji-clip/pointing.py\` measured it on the PyTorch checkpoint (different scenes): about chance.

Labelled concept latents per category (the categories of their labels, from WordNet):

| dictionary | object | scene | action | attribute | abstract |
| --- | --- | --- | --- | --- | --- |
${categories}
`;
}
