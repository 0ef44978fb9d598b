import { type Modality, MODALITIES } from '../config';
import { LucidFormatError } from '../errors';
import { type LucidModel, disposeLucid } from '../model';
import type { NormStats } from '../normalization';
import { parseJsonObject } from './files';
import { SAELENS_FILES, parseSaelens } from './saelens';
import { EXPORT_SIDECAR, type ReadFile, importSaelensExport } from './saelensExport';
import { type LatentMatch, PAIR_FOLDERS, lucidFromPair, readMatching } from './pair';
import { type SingleSae, type TowerWidths, chooseModality, lucidFromSingleSae } from './singleSae';
import { SPARSIFY_FILES, parseSparsify } from './sparsify';

/** The formats a dictionary folder may hold besides LUCID's own (docs/interop.md). */
export type ForeignFormat = 'lucid-export' | 'saelens' | 'sparsify' | 'pair';

/** A dictionary opened from another library's files. */
export interface ForeignDictionary {
  format: ForeignFormat;
  model: LucidModel;
  norm: Record<Modality, NormStats>;
  /** For a single SAE: the one tower it reads. */
  modality?: Modality;
  /** For a pair: its post-hoc matching (matching.json), null when it has none. */
  matching?: LatentMatch[] | null;
}

/** What a folder of each format holds, for the message when a folder holds none of them. */
export const FOREIGN_LAYOUTS =
  `${EXPORT_SIDECAR} (a LUCID export), ${SAELENS_FILES.config} + ${SAELENS_FILES.weights} (SAELens), ` +
  `${SPARSIFY_FILES.config} + ${SPARSIFY_FILES.weights} (sparsify), ` +
  `or an image SAE in ${PAIR_FOLDERS.image}/ and a text SAE in ${PAIR_FOLDERS.text}/ (a pair)`;

/**
 * Opens a folder holding a LUCID export, one SAELens SAE or one sparsify sparse coder, or a pair of
 * them in image/ and text/; null when it holds none of them (no sidecar, no cfg.json). Files are read through `read`, so the same code
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
  const single = await readSingleSae(read, '', [folderName]);
  if (!single) return openPair(read, encoder);
  const { format, sae } = single;
  const modality = chooseModality(sae, encoder);
  const { model, norm } = lucidFromSingleSae(sae, modality, encoder);
  return { format, model, norm, modality };
}

/**
 * One SAELens or sparsify SAE from `<prefix>cfg.json` and its weights file; null when there is no
 * cfg.json there. Which library: the weights file present (sae_weights.safetensors or sae.safetensors).
 */
async function readSingleSae(
  read: ReadFile,
  prefix: string,
  hints: string[],
): Promise<{ format: 'saelens' | 'sparsify'; sae: SingleSae } | null> {
  const cfgBytes = await read(prefix + SAELENS_FILES.config);
  if (!cfgBytes) return null;
  const cfgText = new TextDecoder().decode(cfgBytes);
  const cfg = parseJsonObject(cfgText, prefix + SAELENS_FILES.config);
  const [saelensWeights, sparsifyWeights] = await Promise.all([
    read(prefix + SAELENS_FILES.weights),
    read(prefix + SPARSIFY_FILES.weights),
  ]);
  const where = { prefix, hints };
  if (saelensWeights) return { format: 'saelens', sae: parseSaelens(cfgText, saelensWeights, where) };
  if (sparsifyWeights) return { format: 'sparsify', sae: parseSparsify(cfgText, sparsifyWeights, where) };
  // sparsify's config has num_latents / expansion_factor, SAELens' has d_sae.
  const sparsify = 'num_latents' in cfg || 'expansion_factor' in cfg;
  const missing = sparsify ? SPARSIFY_FILES.weights : SAELENS_FILES.weights;
  throw new LucidFormatError(
    `${prefix}${missing}: missing (${prefix}${SAELENS_FILES.config} is a ${sparsify ? 'sparsify' : 'SAELens'} config, whose weights are in that file)`,
  );
}

/** An image SAE in image/ and a text SAE in text/ as one dictionary (pair.ts); null when neither is there. */
async function openPair(read: ReadFile, encoder: TowerWidths): Promise<ForeignDictionary | null> {
  const [image, text] = await Promise.all(
    MODALITIES.map((modality) => readSingleSae(read, `${PAIR_FOLDERS[modality]}/`, [PAIR_FOLDERS[modality]])),
  );
  if (!image && !text) return null;
  if (!image || !text) {
    const missing = image ? PAIR_FOLDERS.text : PAIR_FOLDERS.image;
    const present = image ? PAIR_FOLDERS.image : PAIR_FOLDERS.text;
    throw new LucidFormatError(
      `${missing}/${SAELENS_FILES.config}: missing (${present}/ holds an SAE; a pair needs one in ${missing}/ too, ` +
        `or open ${present}/ on its own)`,
    );
  }
  const { model, norm } = lucidFromPair({ image: image.sae, text: text.sae }, encoder);
  try {
    return { format: 'pair', model, norm, matching: await readMatching(read, model) };
  } catch (error) {
    disposeLucid(model);
    throw error;
  }
}
