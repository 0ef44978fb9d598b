/**
 * The vision-language models the app offers. The embedded Emoji-CLIP ships in `public/models/`;
 * hub models are fetched by transformers.js at a pinned revision and cached by the browser.
 */
export type ModelFamily = 'clip' | 'siglip';

export interface CatalogEntry {
  /** transformers.js model id (a folder under the local model path, or a hub repo). */
  id: string;
  label: string;
  source: 'embedded' | 'hub';
  family: ModelFamily;
  /** Git revision on the hub; 'main' for the embedded model (ignored for local files). */
  revision: string;
  /** Approximate download size of the fp32 ONNX files, in MB, shown before a download starts. */
  downloadMb: number;
  /** Whether a pretrained LUCID dictionary ships for this model (otherwise: fine-tune one). */
  hasPretrainedDictionary: boolean;
}

export const EMBEDDED_MODEL_ID = 'emoji-clip';

export const MODEL_CATALOG: readonly CatalogEntry[] = [
  {
    id: EMBEDDED_MODEL_ID,
    label: 'Emoji-CLIP (embedded, offline)',
    source: 'embedded',
    family: 'clip',
    revision: 'main',
    downloadMb: 8.5,
    hasPretrainedDictionary: true,
  },
  {
    id: 'Xenova/clip-vit-base-patch16',
    label: 'CLIP ViT-B/16 (OpenAI, via Xenova)',
    source: 'hub',
    family: 'clip',
    revision: 'main',
    downloadMb: 600,
    hasPretrainedDictionary: false,
  },
  {
    id: 'Xenova/clip-vit-base-patch32',
    label: 'CLIP ViT-B/32 (OpenAI, via Xenova)',
    source: 'hub',
    family: 'clip',
    revision: 'main',
    downloadMb: 610,
    hasPretrainedDictionary: false,
  },
  {
    id: 'Xenova/siglip-base-patch16-224',
    label: 'SigLIP B/16 224 (Google, via Xenova) — the paper’s encoder',
    source: 'hub',
    family: 'siglip',
    revision: 'main',
    downloadMb: 815,
    hasPretrainedDictionary: false,
  },
];

/** The catalogue entry for an id, or undefined for a user's own model. */
export function findCatalogEntry(id: string): CatalogEntry | undefined {
  return MODEL_CATALOG.find((entry) => entry.id === id);
}
