import { readFile } from 'node:fs/promises';
import { analyzeImageActivations, analyzeTextActivations, groundText } from '../explain/analyze';
import { type Modality, hasModality } from '../lucid/config';
import { type Context, CliError, describeLatent, readImage } from './context';

/**
 * Refuses a command the dictionary cannot answer: a single imported SAE has latents for one tower
 * only, and would give empty results for the other (docs/interop.md).
 */
function requireTower(context: Context, modality: Modality, command: string): void {
  if (hasModality(context.dictionary.model.config, modality)) return;
  throw new CliError(
    `lucid ${command}: ${context.dictionary.source} has no ${modality} latents (it is a single ` +
      `${modality === 'image' ? 'text' : 'image'} SAE), so it cannot encode ${modality === 'image' ? 'images' : 'text'}`,
  );
}

/** `lucid encode <image>`: the image's top latents. */
export async function encodeCommand(context: Context, image: string, top = 10) {
  requireTower(context, 'image', 'encode');
  const activations = await context.encoder.encodeImage(await readImage(image));
  const { analysis } = await analyzeImageActivations(context.dictionary, activations);
  return {
    image,
    grid: analysis.grid,
    latents: analysis.top.slice(0, top).map((l) => describeLatent(context.dictionary, l.id, l.score)),
  };
}

/**
 * `lucid encode <image> <image>…`: each image on its own, in order; a bad file yields
 * `{ image, error }` (the message names the file and the problem) and the others go on.
 */
export async function* encodeMany(context: Context, images: readonly string[], top = 10) {
  for (const image of images) {
    try {
      yield await encodeCommand(context, image, top);
    } catch (error) {
      yield { image, error: error instanceof Error ? error.message : String(error) };
    }
  }
}

/** `lucid ground <image> <text>`: the text's heatmap over the image's patch grid. */
export async function groundCommand(context: Context, image: string, text: string) {
  requireTower(context, 'image', 'ground');
  requireTower(context, 'text', 'ground');
  if (context.dictionary.model.config.nShared === 0) {
    throw new CliError(
      `lucid ground: ${context.dictionary.source} has no shared latents (an image SAE and a text SAE side by side), ` +
        'so no text latent is also an image latent to map; lucid neurons and lucid encode list each side with its matched latent',
    );
  }
  const activations = await context.encoder.encodeImage(await readImage(image));
  const { codes } = await analyzeImageActivations(context.dictionary, activations);
  const { analysis } = await analyzeTextActivations(context.dictionary, await context.encoder.encodeText(text));
  const grounded = groundText(context.dictionary, codes, analysis);
  return {
    grid: activations.grid,
    heat: Array.from(grounded.heat, (v) => Number(v.toFixed(5))),
    latents: grounded.latents.map((l) => describeLatent(context.dictionary, l.id, l.score)),
  };
}

/** `lucid neurons <text>`: the tokens and the ranked latents the text fires. */
export async function neuronsCommand(context: Context, text: string, top = 10) {
  requireTower(context, 'text', 'neurons');
  const { analysis } = await analyzeTextActivations(context.dictionary, await context.encoder.encodeText(text));
  return {
    tokens: analysis.tokens,
    neurons: analysis.neurons.slice(0, top).map((n) => describeLatent(context.dictionary, n.id, n.score)),
  };
}

/**
 * `lucid ground --batch <file.jsonl>`: one `{"image", "text"}` per line; yields one result per line
 * in input order (an error for a line is reported as `{"error": …}` on its line, others continue).
 */
export async function* groundBatch(context: Context, file: string) {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new CliError(`cannot read ${file}: no such file`);
  }
  const lines = text.split('\n').filter((l) => l.trim());
  for (const [n, line] of lines.entries()) {
    try {
      const query = JSON.parse(line) as { image?: unknown; text?: unknown };
      if (typeof query.image !== 'string' || typeof query.text !== 'string') {
        throw new CliError('each line needs "image" and "text" strings');
      }
      yield await groundCommand(context, query.image, query.text);
    } catch (error) {
      yield { line: n + 1, error: error instanceof Error ? error.message : String(error) };
    }
  }
}
