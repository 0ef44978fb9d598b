/**
 * The user's images: each file is analysed in the worker on its own, so one corrupt file fails
 * alone; heatmaps are fetched per (image, latent) and kept.
 */
import { errorMessage, type ExplorerPort } from './explorerApi';
import { heatmapKey, type HeatmapEntry, type ImageEntry } from './imagesSlice';
import { selectLatent } from './selectionActions';
import { useAppStore } from './store';

let nextImageKey = 1;

function updateImage(key: number, update: Partial<ImageEntry>): void {
  useAppStore.setState((state) => ({
    images: state.images.map((image) => (image.key === key ? { ...image, ...update } : image)),
  }));
}

function setHeatmap(key: string, entry: HeatmapEntry): void {
  useAppStore.setState((state) => ({ heatmaps: { ...state.heatmaps, [key]: entry } }));
}

/** Adds files and analyses each in the worker; resolves when all have succeeded or failed. */
export async function addImages(api: ExplorerPort, files: readonly File[]): Promise<void> {
  const added = files.map((file) => ({
    file,
    entry: {
      key: nextImageKey++,
      name: file.name,
      url: URL.createObjectURL(file),
      status: 'analysing',
      error: null,
      analysis: null,
    } satisfies ImageEntry,
  }));
  useAppStore.setState((state) => ({ images: [...state.images, ...added.map(({ entry }) => entry)] }));
  await Promise.all(added.map(({ file, entry }) => analyseImage(api, file, entry.key)));
}

async function analyseImage(api: ExplorerPort, file: File, key: number): Promise<void> {
  try {
    const analysis = await api.analyzeImage(file, file.name);
    if (!useAppStore.getState().images.some((image) => image.key === key)) {
      // Removed while it was being analysed: the worker still holds its activations.
      await api.forgetImage(analysis.imageId);
      return;
    }
    updateImage(key, { status: 'ready', analysis, error: null });
    const first = analysis.top[0];
    if (useAppStore.getState().explorer.selectedLatent === null && first !== undefined) selectLatent(first.id);
  } catch (error) {
    updateImage(key, { status: 'failed', error: errorMessage(error) });
  }
}

/** Removes one image from the page and its activations from the worker. */
export async function removeImage(api: ExplorerPort, key: number): Promise<void> {
  const image = useAppStore.getState().images.find((candidate) => candidate.key === key);
  if (image === undefined) return;
  useAppStore.setState((state) => ({ images: state.images.filter((candidate) => candidate.key !== key) }));
  URL.revokeObjectURL(image.url);
  if (image.analysis !== null) await api.forgetImage(image.analysis.imageId);
}

/** Removes every image (e.g. when the model changes and their activations no longer apply). */
export async function clearImages(api: ExplorerPort): Promise<void> {
  const { images } = useAppStore.getState();
  useAppStore.setState({ images: [], heatmaps: {} });
  for (const image of images) URL.revokeObjectURL(image.url);
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
