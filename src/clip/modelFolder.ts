/**
 * The files a CLIP-family model folder must hold for transformers.js (the HF layout, with the ONNX
 * towers under onnx/), checked before anything loads so that a missing file is named at once: by
 * `lucid --model <folder>` and by the app's "Open model folder…" alike.
 */
import { ClipLoadError } from './errors';

/** Relative paths a model folder needs: transformers.js reads each of them when it loads a model. */
export const MODEL_FOLDER_FILES = [
  'config.json',
  'preprocessor_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'onnx/vision_model.onnx',
  'onnx/text_model.onnx',
] as const;

/**
 * Throws a ClipLoadError naming every required file the folder lacks ("the model folder my-clip has no
 * onnx/text_model.onnx"); `has` says whether a relative path is in the folder.
 */
export function checkModelFolder(name: string, has: (relativePath: string) => boolean): void {
  const missing = MODEL_FOLDER_FILES.filter((file) => !has(file));
  if (missing.length === 0) return;
  const what = missing.length === MODEL_FOLDER_FILES.length ? 'model files' : missing.join(', ');
  throw new ClipLoadError(
    `the model folder ${name} has no ${what} (a transformers.js CLIP or SigLIP folder holds ` +
      `${MODEL_FOLDER_FILES.join(', ')})`,
  );
}
