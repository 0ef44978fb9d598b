import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeImageActivations, analyzeTextActivations } from '../explain/analyze';
import { rankNeurons } from '../ui/ranking';
import { encodeCommand, neuronsCommand } from './commands';
import { type Context, loadContext, readImage } from './context';

/**
 * `lucid encode` / `lucid neurons` list concepts in exactly the order the Images and Text views
 * show them: the worker's analysis order (src/explain/conceptRanking.ts), which the Text view's
 * NeuronList re-sorts with rankNeurons without changing it.
 */
let context: Context;
beforeAll(async () => {
  context = await loadContext({});
}, 120_000);
afterAll(async () => {
  await context.encoder.dispose();
});

const IMAGES = JSON.parse(await readFile('e2e/fixtures/test-split/fixtures.json', 'utf8')) as {
  images: { file: string }[];
};

describe('one ranking for the command line and the app', () => {
  it('lists an image’s concepts in the Images view’s order, marked by kind, shared first', async () => {
    for (const { file } of IMAGES.images) {
      const image = `e2e/fixtures/test-split/${file}`;
      const cli = await encodeCommand(context, image, 20);
      const { analysis } = await analyzeImageActivations(
        context.dictionary,
        await context.encoder.encodeImage(await readImage(image)),
      );
      expect(cli.latents.map((l) => l.id)).toEqual(analysis.top.slice(0, 20).map((l) => l.id));
      const kinds = cli.latents.map((l) => l.kind);
      const firstImageOnly = kinds.indexOf('image');
      if (firstImageOnly >= 0) expect(kinds.slice(firstImageOnly).every((k) => k === 'image')).toBe(true);
      expect(kinds.every((k) => k === 'shared' || k === 'image')).toBe(true);
    }
  }, 60_000);

  it('lists a text’s neurons in the Text view’s order', async () => {
    for (const text of ['dog face', 'a red apple and a car', 'running']) {
      const cli = await neuronsCommand(context, text, 30);
      const { analysis } = await analyzeTextActivations(context.dictionary, await context.encoder.encodeText(text));
      const { nShared } = context.dictionary.model.config;
      const view = rankNeurons(analysis.neurons, (id) => (id < nShared ? 'shared' : 'text')).slice(0, 30);
      expect(cli.neurons.map((n) => n.id)).toEqual(view.map((n) => n.id));
    }
  }, 60_000);
});
