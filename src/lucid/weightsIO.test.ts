import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeConfig } from './config';
import { LucidFormatError } from './errors';
import { createLucid, disposeLucid, trainableVariables } from './model';
import { makePlantedWorld } from './planted';
import { decodeSafetensors, encodeSafetensors } from './safetensors';
import { createTrainer } from './trainer';
import { loadLucid, saveLucid } from './weightsIO';
import { useBackend } from './testing/backend';
import { computeNormStats } from './normalization';

const config = makeConfig({ dImage: 12, dText: 10 }, { nShared: 10, nImagePrivate: 3, nTextPrivate: 2, k: 3 });
const world = makePlantedWorld({
  dImage: 12,
  dText: 10,
  concepts: 5,
  imageOnly: 2,
  textOnly: 4,
  grid: [2, 2],
  captionLength: 8,
  noise: 0.1,
  seed: 8,
});
const norm = {
  image: computeNormStats(world.sample(4).batch.patches, 12),
  text: computeNormStats(world.sample(4).batch.captions!.tokens, 10),
};

async function trainedFiles() {
  const model = createLucid(config, 6);
  const trainer = createTrainer(model);
  for (let i = 0; i < 3; i++) trainer.step(world.sample(4).batch);
  const saved = await saveLucid(model, norm, { steps: 3 });
  trainer.dispose();
  return { model, saved };
}

beforeAll(() => useBackend());

describe('weights I/O', () => {
  it('round-trips every tensor bit for bit', async () => {
    const { model, saved } = await trainedFiles();
    const loaded = loadLucid(saved.weights, JSON.stringify(saved.config));
    const original = trainableVariables(model);
    const restored = trainableVariables(loaded.model);
    for (let i = 0; i < original.length; i++) {
      const [a, b] = [await original[i].data(), await restored[i].data()];
      expect(new Uint8Array(b.buffer)).toEqual(new Uint8Array(a.buffer));
    }
    expect(loaded.norm.image.mean).toEqual(norm.image.mean);
    expect(loaded.norm.text.scale).toBe(Math.fround(norm.text.scale));
    expect(loaded.file.about).toEqual({ steps: 3 });
    const again = await saveLucid(loaded.model, loaded.norm, { steps: 3 });
    expect(again.weights).toEqual(saved.weights);
    disposeLucid(model);
    disposeLucid(loaded.model);
  });

  it('writes a header other safetensors readers accept', () => {
    const bytes = encodeSafetensors(new Map([['a', { shape: [2], data: Float32Array.of(1, 2) }]]), { x: 'y' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    expect(header.a).toEqual({ dtype: 'F32', shape: [2], data_offsets: [0, 8] });
    expect(decodeSafetensors(bytes).metadata).toEqual({ x: 'y' });
  });

  it('names the problem with a truncated file', async () => {
    const { model, saved } = await trainedFiles();
    disposeLucid(model);
    const truncated = saved.weights.subarray(0, saved.weights.length - 100);
    expect(() => loadLucid(truncated, saved.config)).toThrow(/weights file: truncated \(the header says/);
    expect(() => loadLucid(saved.weights.subarray(0, 5), saved.config)).toThrow(/too short for safetensors/);
    expect(() => loadLucid(new TextEncoder().encode('{"not": "weights"}'), saved.config)).toThrow(LucidFormatError);
  });

  it('refuses weights saved for other dimensions', async () => {
    const { model, saved } = await trainedFiles();
    disposeLucid(model);
    const other = { ...saved.config, config: { ...saved.config.config, dImage: 16 } };
    expect(() => loadLucid(saved.weights, other)).toThrow(
      /tensor image.W_enc has shape \[12,15\] but the config needs \[16,15\]/,
    );
  });

  it('refuses NaN weights and names the tensor', async () => {
    const { model, saved } = await trainedFiles();
    disposeLucid(model);
    const { tensors, metadata } = decodeSafetensors(saved.weights);
    tensors.get('text.W_dec')!.data[4] = NaN;
    expect(() => loadLucid(encodeSafetensors(tensors, metadata), saved.config)).toThrow(
      /tensor text.W_dec holds NaN at index 4/,
    );
  });

  it('refuses a config with missing fields or of another format', async () => {
    const { model, saved } = await trainedFiles();
    disposeLucid(model);
    const partial: Partial<typeof saved.config.config> = { ...saved.config.config };
    delete partial.nShared;
    expect(() => loadLucid(saved.weights, { ...saved.config, config: partial })).toThrow(
      /config file: missing field 'nShared'/,
    );
    expect(() => loadLucid(saved.weights, '{ broken')).toThrow(/not valid JSON/);
    expect(() => loadLucid(saved.weights, { format: 'other' })).toThrow(/not a LUCID config/);
  });

  it('leaves no tensors behind after a failed load', async () => {
    const { model, saved } = await trainedFiles();
    disposeLucid(model);
    const before = tf.memory().numTensors;
    expect(() => loadLucid(saved.weights.subarray(0, 400), saved.config)).toThrow();
    expect(tf.memory().numTensors).toBe(before);
  });
});
