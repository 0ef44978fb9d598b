import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { DICTIONARY_FILES } from '../explain/dictionary';
import { MODALITIES } from '../lucid/config';
import { EXPORT_SIDECAR, exportSaelens } from '../lucid/interop/saelensExport';
import { SAELENS_FILES } from '../lucid/interop/saelens';
import { disposeLucid } from '../lucid/model';
import { loadLucid } from '../lucid/weightsIO';
import { CliError } from './context';

/**
 * `lucid export-saelens --dict <folder> --out <folder>`: the dictionary as out/image/ and out/text/
 * (SAELens folders: cfg.json + sae_weights.safetensors), out/lucid-export.json (the sidecar) and a
 * copy of interpretation.json when there is one. `lucid --dict out` opens the result with the same codes.
 */
export async function exportSaelensCommand(dict: string, out: string) {
  let weights: Buffer;
  let config: string;
  try {
    weights = await readFile(path.join(dict, DICTIONARY_FILES.weights));
    config = await readFile(path.join(dict, DICTIONARY_FILES.config), 'utf8');
  } catch {
    throw new CliError(
      `no LUCID dictionary in ${dict} (needs ${DICTIONARY_FILES.weights} and ${DICTIONARY_FILES.config})`,
    );
  }
  await tf.setBackend('wasm');
  await tf.ready();
  const { model, norm, file } = loadLucid(new Uint8Array(weights), config, DICTIONARY_FILES);
  try {
    const { sidecar, folders } = await exportSaelens(model, norm, file.about);
    const written: string[] = [];
    for (const modality of MODALITIES) {
      const folder = folders[modality];
      if (!folder) continue;
      const dir = path.join(out, modality);
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, SAELENS_FILES.config), JSON.stringify(folder.cfg, null, 2) + '\n');
      await writeFile(path.join(dir, SAELENS_FILES.weights), folder.weights);
      written.push(`${modality}/`);
    }
    await writeFile(path.join(out, EXPORT_SIDECAR), JSON.stringify(sidecar) + '\n');
    written.push(EXPORT_SIDECAR);
    const interpretation = await readFile(path.join(dict, DICTIONARY_FILES.interpretation)).catch(() => null);
    if (interpretation) {
      await writeFile(path.join(out, DICTIONARY_FILES.interpretation), interpretation);
      written.push(DICTIONARY_FILES.interpretation);
    }
    return { out, written };
  } finally {
    disposeLucid(model);
  }
}
