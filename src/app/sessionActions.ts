/**
 * Switching the model and its dictionary, as one transaction in the worker (`switchSession`): what
 * is in use — the model, the dictionary and the images' analyses — stays until the new pair has
 * loaded and been checked, and stays for good if it fails (`switching` then says why). The embedded
 * Emoji-CLIP loads from the app's own files; a hub model is only downloaded once the user picks it.
 */
import { type BackendName, clipDeviceFor } from '../backend';
import { findCatalogEntry } from '../clip/catalog';
import { describeLoadFailure, type LoadFailure } from '../clip/errors';
import { filesFromInput, folderName } from '../training/folderSource';
import type { DictionarySource, DictionarySummary, PickedFolder, SessionOutcome, SessionRequest } from '../worker/api';
import type { ExplorerPort } from './explorerApi';
import { analyseWaitingImages, requeueImages } from './imageActions';
import { addProgressEvent } from './progress';
import { selectLatent } from './selectionActions';
import type { DictionaryState, ModelState, SwitchState } from './sessionSlice';
import { useAppStore } from './store';

export type ModelDevice = 'webgpu' | 'wasm';

function setModel(update: Partial<ModelState>): void {
  useAppStore.setState((state) => ({ model: { ...state.model, ...update } }));
}

function setDictionary(update: Partial<DictionaryState>): void {
  useAppStore.setState((state) => ({ dictionary: { ...state.dictionary, ...update } }));
}

function setSwitching(update: Partial<SwitchState>): void {
  useAppStore.setState((state) => (state.switching === null ? {} : { switching: { ...state.switching, ...update } }));
}

/** The ONNX device for the CLIP towers (see `clipDeviceFor`); WASM while no backend is chosen. */
export function modelDevice(backend: BackendName | null, softwareAdapter = false): ModelDevice {
  return backend === null ? 'wasm' : clipDeviceFor(backend, softwareAdapter);
}

/** Where a pretrained dictionary for `modelId` is served (`public/dictionaries/<id>/`). */
export function dictionaryBase(modelId: string): string {
  return `${import.meta.env.BASE_URL}dictionaries/${modelId}`;
}

/**
 * Counts switches. The worker runs them in order, so every success is committed here in order too;
 * only the latest one shows its progress or its failure.
 */
let switchRequest = 0;

/**
 * Switches to model `id` with its pretrained dictionary (or none, when it has none: images then wait
 * for one). Resolves with null once the images are being analysed anew, or with why nothing changed.
 */
export async function switchModel(api: ExplorerPort, id: string, device: ModelDevice): Promise<LoadFailure | null> {
  const entry = findCatalogEntry(id);
  const base = entry?.hasPretrainedDictionary === true ? dictionaryBase(id) : null;
  // Nothing is in use yet (the first load, or it failed): the model may then be used without its dictionary.
  const first = useAppStore.getState().model.status !== 'ready';
  if (first) {
    setModel({ id, label: null, status: 'loading', info: null, error: null });
    setDictionary({ status: 'idle', base: null, summary: null, error: null });
  }
  return runSwitch(api, entry?.label ?? id, id, {
    model: { id, device, hub: { allowRemote: entry?.source === 'hub' } },
    dictionary: base === null ? null : { kind: 'url', base },
    ifDictionaryFails: first ? 'use-model-alone' : 'keep-previous',
  });
}

/** Picked model folders so far: each gets an id of its own (transformers.js keys what it loads by id). */
let pickedModels = 0;

/** The id a picked model folder is loaded under (served from the page's files at `/models/<id>/`). */
export const PICKED_MODEL_PREFIX = 'picked-folder/m';

/**
 * Switches to a model whose folder the user picked (the HF / transformers.js layout: config.json,
 * preprocessor_config.json, tokenizer files, onnx/*.onnx), read in the worker from the picked files,
 * never uploaded. It has no pretrained dictionary: open one with "Open dictionary folder…" or train one.
 * What is in use stays if the folder lacks a file or does not load.
 */
export function openModelFolder(
  api: ExplorerPort,
  folder: PickedFolder,
  device: ModelDevice,
): Promise<LoadFailure | null> {
  const id = `${PICKED_MODEL_PREFIX}${++pickedModels}`;
  const first = useAppStore.getState().model.status !== 'ready';
  if (first) {
    setModel({ id, label: folder.name, status: 'loading', info: null, error: null });
    setDictionary({ status: 'idle', base: null, summary: null, error: null });
  }
  return runSwitch(api, folder.name, id, {
    model: { id, device, hub: { allowRemote: false }, folder },
    dictionary: null,
    ifDictionaryFails: first ? 'use-model-alone' : 'keep-previous',
  });
}

/**
 * Uses a dictionary folder the user picked, in any layout the app opens (LUCID's own files, a LUCID
 * export, one SAELens or sparsify SAE, or an image and a text SAE as a pair: docs/interop.md).
 */
export function openDictionaryFolder(api: ExplorerPort, folder: PickedFolder): Promise<LoadFailure | null> {
  return switchDictionary(api, folder.name, { kind: 'folder', folder });
}

/** A picked folder as the worker takes it, from an `<input webkitdirectory>`'s files. */
export function pickedFolderOf(files: FileList): PickedFolder {
  return {
    name: folderName(files),
    files: Object.fromEntries(filesFromInput(files).map(({ path, file }) => [path, file])),
  };
}

/**
 * Opens what a folder input gave: a model folder or a dictionary folder. A folder with no files (the
 * browser then cannot even say its name) is refused here, and nothing in use changes.
 */
export function openPickedFolder(
  api: ExplorerPort,
  what: 'model' | 'dictionary',
  files: FileList,
  device: ModelDevice,
): Promise<LoadFailure | null> {
  if (files.length === 0) {
    const failure = describeLoadFailure(new Error(`the chosen ${what} folder has no files`));
    useAppStore.setState({
      switching: { target: `a ${what} folder`, modelId: null, status: 'failed', progress: {}, failure },
    });
    return Promise.resolve(failure);
  }
  const folder = pickedFolderOf(files);
  return what === 'model' ? openModelFolder(api, folder, device) : openDictionaryFolder(api, folder);
}

/**
 * Uses another dictionary with the model in use (one fine-tuned in the Train tab, say), by the same
 * transaction: the old one and the images' analyses stay until it has loaded and been checked.
 */
export function switchDictionary(
  api: ExplorerPort,
  name: string,
  source: DictionarySource,
): Promise<LoadFailure | null> {
  return runSwitch(api, name, null, { model: null, dictionary: source, ifDictionaryFails: 'keep-previous' });
}

async function runSwitch(
  api: ExplorerPort,
  target: string,
  modelId: string | null,
  request: SessionRequest,
): Promise<LoadFailure | null> {
  const id = ++switchRequest;
  useAppStore.setState({ switching: { target, modelId, status: 'loading', progress: {}, failure: null } });
  let outcome: SessionOutcome;
  try {
    outcome = await api.switchSession(request, (event) => {
      if (id !== switchRequest) return;
      useAppStore.setState((state) =>
        state.switching === null
          ? {}
          : { switching: { ...state.switching, progress: addProgressEvent(state.switching.progress, event) } },
      );
    });
  } catch (error) {
    // The worker failed rather than the load (a crash it did not recover from): nothing was switched.
    outcome = { ok: false, stage: 'model', failure: describeLoadFailure(error) };
  }
  if (!outcome.ok) {
    if (id === switchRequest) {
      setSwitching({ status: 'failed', failure: outcome.failure });
      if (useAppStore.getState().model.status === 'loading')
        setModel({ status: 'failed', error: outcome.failure.message });
    }
    return outcome.failure;
  }
  commit(outcome, request);
  if (id === switchRequest) useAppStore.setState({ switching: null });
  // The worker dropped the images' codes with the old pair: every image is analysed anew.
  await requeueImages(api);
  await analyseWaitingImages(api);
  return null;
}

/** Records in the store what the worker now uses. */
function commit(outcome: Extract<SessionOutcome, { ok: true }>, request: SessionRequest): void {
  if (request.model !== null) {
    const label = request.model.folder?.name ?? null;
    setModel({ id: request.model.id, label, status: 'ready', info: outcome.info, error: null });
  }
  const base = request.dictionary?.kind === 'url' ? request.dictionary.base : null;
  if (outcome.dictionary !== null) {
    keepSelectionIfItMeansTheSame(useAppStore.getState().dictionary.summary, outcome.dictionary);
    setDictionary({ status: 'ready', base, summary: outcome.dictionary, error: null });
  } else if (outcome.dictionaryFailure !== null) {
    setDictionary({ status: 'failed', base, summary: null, error: outcome.dictionaryFailure.message });
  } else {
    setDictionary({ status: 'unavailable', base: null, summary: null, error: null });
  }
}

/**
 * A latent id names a concept of one dictionary only. The selection stays when the new dictionary has the
 * same layout (the Train tab's fine-tune of the one in use, or the first load, which may come with a latent
 * from the URL) and is dropped otherwise, or when the id does not exist in the new one; the first image
 * analysed then selects its top latent again (imageActions.ts).
 */
function keepSelectionIfItMeansTheSame(previous: DictionarySummary | null, next: DictionarySummary): void {
  const selected = useAppStore.getState().explorer.selectedLatent;
  if (selected === null) return;
  const layout = (d: DictionarySummary) => [d.nShared, d.nImagePrivate, d.nTextPrivate].join();
  const latents = next.nShared + next.nImagePrivate + next.nTextPrivate;
  if (selected >= latents || (previous !== null && layout(previous) !== layout(next))) selectLatent(null);
}

/** Forgets the last failed switch's message. */
export function dismissSwitchFailure(): void {
  if (useAppStore.getState().switching?.status === 'failed') useAppStore.setState({ switching: null });
}
