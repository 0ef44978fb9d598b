import type { EncoderInfo } from '../clip/encoder';
import { LucidFormatError } from '../lucid/errors';
import { FOREIGN_LAYOUTS, openForeignDictionary } from '../lucid/interop/openFolder';
import type { ReadFile } from '../lucid/interop/saelensExport';
import { disposeLucid } from '../lucid/model';
import { DICTIONARY_FILES, type LoadedDictionary, dictionaryFromFiles, parseInterpretation } from './dictionary';

/**
 * Opens a dictionary folder for an encoder, whatever it holds: LUCID's own files (lucid.safetensors +
 * lucid.config.json [+ interpretation.json]), a LUCID export to SAELens, or another library's SAE
 * (src/lucid/interop, docs/interop.md). Files are read through `read` (relative paths, `/`-separated),
 * so `lucid --dict` and a folder picked in the browser share this code and its messages. A bad file
 * gives a LucidFormatError that starts with the file's name; nothing is kept on failure.
 * @param source what the dictionary is called from now on (a path, or the picked folder's name)
 * @param folderName the folder's own name: sparsify names it after the hookpoint, which may say the tower
 */
export async function openDictionaryFolder(
  read: ReadFile,
  source: string,
  folderName: string,
  encoder: Pick<EncoderInfo, 'id' | 'dImage' | 'dText'>,
): Promise<LoadedDictionary> {
  const [weights, config, interpretationBytes] = await Promise.all([
    read(DICTIONARY_FILES.weights),
    read(DICTIONARY_FILES.config),
    read(DICTIONARY_FILES.interpretation),
  ]);
  const text = (bytes: Uint8Array | null) => (bytes === null ? null : new TextDecoder().decode(bytes));
  const interpretation = text(interpretationBytes);
  if (weights && config) return dictionaryFromFiles(source, weights, text(config) ?? '', interpretation, encoder);
  if (weights || config) {
    const missing = weights ? DICTIONARY_FILES.config : DICTIONARY_FILES.weights;
    throw new LucidFormatError(`${missing}: missing in ${source} (a LUCID dictionary needs it beside the other file)`);
  }
  const foreign = await openForeignDictionary(read, folderName, encoder);
  if (!foreign) {
    throw new LucidFormatError(
      `no dictionary in ${source} (needs ${DICTIONARY_FILES.weights} and ${DICTIONARY_FILES.config}, ` +
        `or ${FOREIGN_LAYOUTS})`,
    );
  }
  try {
    return {
      source,
      model: foreign.model,
      norm: foreign.norm,
      interpretation: interpretation === null ? null : parseInterpretation(interpretation, foreign.model),
      ...(foreign.format === 'pair' ? { matching: foreign.matching ?? null } : {}),
    };
  } catch (error) {
    disposeLucid(foreign.model);
    throw error;
  }
}
