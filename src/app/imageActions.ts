/**
 * The user's images: every file gets a card at once and waits until a model and a dictionary are
 * ready; then each is analysed in the worker on its own, so one corrupt file fails alone. When the
 * model or the dictionary changes, every image waits again and is analysed anew. Heatmaps are
 * fetched per (image, latent) and kept.
 */
import { errorMessage, type ExplorerPort } from './explorerApi';
import { heatmapKey, type HeatmapEntry, type ImageEntry } from './imagesSlice';
import { selectLatent } from './selectionActions';
import { type AppState, useAppStore } from './store';

let nextImageKey = 1;

/**
 * The file behind each card, by key, kept for analysing it again after a change of model or
 * dictionary. Outside the store, which holds plain data only.
 */
const imageFiles = new Map<number, File>();

/**
 * Counts changes of the worker's model or dictionary: an analysis started before the latest change
 * belongs to what was replaced, and is dropped when it comes back.
 */
let analysisGeneration = 0;

function updateImage(key: number, update: Partial<ImageEntry>): void {
  useAppStore.setState((state) => ({
    images: state.images.map((image) => (image.key === key ? { ...image, ...update } : image)),
  }));
}

function setHeatmap(key: string, entry: HeatmapEntry): void {
  useAppStore.setState((state) => ({ heatmaps: { ...state.heatmaps, [key]: entry } }));
}

/** Whether images can be analysed now: the worker has a model and a dictionary for it. */
export function canAnalyse(state: Pick<AppState, 'model' | 'dictionary'>): boolean {
  return state.model.status === 'ready' && state.dictionary.status === 'ready';
}

/** A fresh id for keeping an image across reloads. */
function newSavedId(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** The file behind a card, for keeping it across reloads. */
export function imageFile(key: number): File | undefined {
  return imageFiles.get(key);
}

/**
 * Adds files, whatever is loading: each gets a waiting card at once. Resolves when those that can
 * be analysed now have succeeded or failed; the others are analysed by `analyseWaitingImages`.
 * `savedIds` (one per file) are the ids files restored from the last visit were kept under.
 */
export async function addImages(
  api: ExplorerPort,
  files: readonly File[],
  savedIds: readonly string[] = [],
): Promise<void> {
  const added = files.map((file, index): ImageEntry => {
    const key = nextImageKey++;
    imageFiles.set(key, file);
    return {
      key,
      savedId: savedIds[index] ?? newSavedId(),
      name: file.name,
      url: URL.createObjectURL(file),
      status: 'waiting',
      error: null,
      analysis: null,
    };
  });
  useAppStore.setState((state) => ({ images: [...state.images, ...added] }));
  await analyseWaitingImages(api);
}

/**
 * Analyses every waiting image if a model and a dictionary are ready (else leaves them waiting);
 * resolves when all have succeeded or failed.
 */
export async function analyseWaitingImages(api: ExplorerPort): Promise<void> {
  const state = useAppStore.getState();
  if (!canAnalyse(state)) return;
  const waiting = new Set(state.images.filter((image) => image.status === 'waiting').map((image) => image.key));
  if (waiting.size === 0) return;
  // Marked before the first await, so a second call does not analyse them twice.
  useAppStore.setState((current) => ({
    images: current.images.map((image) => (waiting.has(image.key) ? { ...image, status: 'analysing' } : image)),
  }));
  const generation = analysisGeneration;
  await Promise.all([...waiting].map((key) => analyseImage(api, key, generation)));
}

async function analyseImage(api: ExplorerPort, key: number, generation: number): Promise<void> {
  const file = imageFiles.get(key);
  if (file === undefined) return;
  try {
    const analysis = await api.analyzeImage(file, file.name);
    const stale = generation !== analysisGeneration;
    if (stale || !useAppStore.getState().images.some((image) => image.key === key)) {
      // Removed while it was being analysed, or analysed by a model or dictionary since replaced
      // (the image is waiting again): the worker may still hold these activations.
      await api.forgetImage(analysis.imageId);
      return;
    }
    updateImage(key, { status: 'ready', analysis, error: null });
    const first = analysis.top[0];
    if (useAppStore.getState().explorer.selectedLatent === null && first !== undefined) selectLatent(first.id);
  } catch (error) {
    // A failure against a replaced model says nothing about the image: it waits for the new one.
    if (generation === analysisGeneration) updateImage(key, { status: 'failed', error: errorMessage(error) });
  }
}

/**
 * Sends every image back to waiting, because the worker's model or dictionary is being replaced and
 * their analyses (and heatmaps) belong to the old one; the files stay, to be analysed anew.
 */
export async function requeueImages(api: ExplorerPort): Promise<void> {
  analysisGeneration++;
  const { images } = useAppStore.getState();
  useAppStore.setState({
    images: images.map((image) => ({ ...image, status: 'waiting', error: null, analysis: null })),
    heatmaps: {},
  });
  await Promise.all(
    images.flatMap((image) => (image.analysis === null ? [] : [api.forgetImage(image.analysis.imageId)])),
  );
}

/** Removes one image from the page and its activations from the worker. */
export async function removeImage(api: ExplorerPort, key: number): Promise<void> {
  const image = useAppStore.getState().images.find((candidate) => candidate.key === key);
  if (image === undefined) return;
  useAppStore.setState((state) => ({ images: state.images.filter((candidate) => candidate.key !== key) }));
  imageFiles.delete(key);
  URL.revokeObjectURL(image.url);
  if (image.analysis !== null) await api.forgetImage(image.analysis.imageId);
}

/** Removes every image, from the page and from the worker. */
export async function clearImages(api: ExplorerPort): Promise<void> {
  const { images } = useAppStore.getState();
  useAppStore.setState({ images: [], heatmaps: {} });
  for (const image of images) {
    imageFiles.delete(image.key);
    URL.revokeObjectURL(image.url);
  }
  await Promise.all(
    images.flatMap((image) => (image.analysis === null ? [] : [api.forgetImage(image.analysis.imageId)])),
  );
}

/** Fetches the heatmap of `latent` for every analysed image that does not have it yet. */
export async function ensureHeatmaps(api: ExplorerPort, latent: number): Promise<void> {
  const { images, heatmaps } = useAppStore.getState();
  const missing = images.flatMap((image) =>
    image.analysis !== null && heatmaps[heatmapKey(image.analysis.imageId, latent)] === undefined
      ? [image.analysis.imageId]
      : [],
  );
  await Promise.all(
    missing.map(async (imageId) => {
      const key = heatmapKey(imageId, latent);
      setHeatmap(key, { status: 'loading' });
      try {
        setHeatmap(key, { status: 'ready', heatmap: await api.heatmap(imageId, latent) });
      } catch (error) {
        setHeatmap(key, { status: 'failed', error: errorMessage(error) });
      }
    }),
  );
}
