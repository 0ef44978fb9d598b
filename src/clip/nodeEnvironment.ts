import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { configureClipEnvironment } from './environment';

/** The repository's `public/models/` folder, where the embedded Emoji-CLIP lives. */
export const REPO_MODELS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../public/models');

/** Node: local models from `public/models/` (or `modelsDir`), hub access off unless asked for. */
export function configureClipForNode(options: { modelsDir?: string; allowRemote?: boolean } = {}): void {
  configureClipEnvironment({
    localModelPath: options.modelsDir ?? REPO_MODELS_DIR,
    allowRemote: options.allowRemote ?? false,
  });
}
