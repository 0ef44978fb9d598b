import type { Modality } from '../config';
import { LucidFormatError } from '../errors';
import type { LucidModel } from '../model';
import type { NormStats } from '../normalization';
import { parseJsonObject } from './files';
import { SAELENS_FILES, parseSaelens } from './saelens';
import { EXPORT_SIDECAR, type ReadFile, importSaelensExport } from './saelensExport';
import { type TowerWidths, chooseModality, lucidFromSingleSae } from './singleSae';
import { SPARSIFY_FILES, parseSparsify } from './sparsify';

/** The formats a dictionary folder may hold besides LUCID's own (docs/interop.md). */
export type ForeignFormat = 'lucid-export' | 'saelens' | 'sparsify';

/** A dictionary opened from another library's files. */
export interface ForeignDictionary {
  format: ForeignFormat;
  model: LucidModel;
  norm: Record<Modality, NormStats>;
  /** For a single SAE: the one tower it reads. */
  modality?: Modality;
}

/** What a folder of each format holds, for the message when a folder holds none of them. */
export const FOREIGN_LAYOUTS =
  `${EXPORT_SIDECAR} (a LUCID export), ${SAELENS_FILES.config} + ${SAELENS_FILES.weights} (SAELens) ` +
  `or ${SPARSIFY_FILES.config} + ${SPARSIFY_FILES.weights} (sparsify)`;

/**
 * Opens a folder holding a LUCID export, one SAELens SAE or one sparsify sparse coder; null when it
 * holds none of them (no sidecar, no cfg.json). Files are read through `read`, so the same code
 * serves `lucid --dict` and a folder picked in the browser.
 * @param folderName the folder's own name: sparsify names it after the hookpoint, which may say the tower
 */
export async function openForeignDictionary(
  read: ReadFile,
  folderName: string,
  encoder: TowerWidths,
): Promise<ForeignDictionary | null> {
  const sidecar = await read(EXPORT_SIDECAR);
  if (sidecar) {
    const { model, norm } = await importSaelensExport(new TextDecoder().decode(sidecar), read);
    if (model.config.dImage !== encoder.dImage || model.config.dText !== encoder.dText) {
      const { dImage, dText } = model.config;
      throw new LucidFormatError(
        `${EXPORT_SIDECAR}: this dictionary reads activations of width ${dImage} (image) and ${dText} (text), ` +
          `but ${encoder.id} gives ${encoder.dImage} and ${encoder.dText}`,
      );
    }
    return { format: 'lucid-export', model, norm };
  }
  const cfgBytes = await read(SAELENS_FILES.config);
  if (!cfgBytes) return null;
  const cfgText = new TextDecoder().decode(cfgBytes);
  const cfg = parseJsonObject(cfgText, SAELENS_FILES.config);
  const [saelensWeights, sparsifyWeights] = await Promise.all([
    read(SAELENS_FILES.weights),
    read(SPARSIFY_FILES.weights),
  ]);
  const where = { hints: [folderName] };
  let format: ForeignFormat;
  let sae;
  if (saelensWeights) {
    format = 'saelens';
    sae = parseSaelens(cfgText, saelensWeights, where);
  } else if (sparsifyWeights) {
    format = 'sparsify';
    sae = parseSparsify(cfgText, sparsifyWeights, where);
  } else {
    // sparsify's config has num_latents / expansion_factor, SAELens' has d_sae.
    const sparsify = 'num_latents' in cfg || 'expansion_factor' in cfg;
    const missing = sparsify ? SPARSIFY_FILES.weights : SAELENS_FILES.weights;
    throw new LucidFormatError(
      `${missing}: missing (${SAELENS_FILES.config} is a ${sparsify ? 'sparsify' : 'SAELens'} config, whose weights are in that file)`,
    );
  }
  const modality = chooseModality(sae, encoder);
  const { model, norm } = lucidFromSingleSae(sae, modality, encoder);
  return { format, model, norm, modality };
}
