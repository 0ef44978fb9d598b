import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadContext } from '../cli/context';
import { MODEL_FOLDER_FILES, checkModelFolder } from './modelFolder';

describe('a model folder', () => {
  it('passes with every file, and names each one that is missing', () => {
    expect(() => checkModelFolder('full', () => true)).not.toThrow();
    const without = (missing: string[]) => () => checkModelFolder('mine', (file) => !missing.includes(file));
    expect(without(['onnx/text_model.onnx'])).toThrow(/^the model folder mine has no onnx\/text_model\.onnx \(/);
    expect(without(['tokenizer.json', 'config.json'])).toThrow(/has no config\.json, tokenizer\.json \(/);
    expect(without([...MODEL_FOLDER_FILES])).toThrow(/^the model folder mine has no model files \(/);
  });

  const scratch = mkdtemp(path.join(os.tmpdir(), 'lucid-model-folder-'));
  afterAll(async () => rm(await scratch, { recursive: true, force: true }));

  it('is checked by `lucid --model` before anything loads', async () => {
    const folder = path.join(await scratch, 'my-clip');
    await mkdir(folder);
    await writeFile(path.join(folder, 'config.json'), '{}');
    await expect(loadContext({ model: folder })).rejects.toThrow(
      /the model folder .*my-clip has no preprocessor_config\.json, tokenizer\.json, tokenizer_config\.json, onnx\/vision_model\.onnx, onnx\/text_model\.onnx/,
    );
  });
});
