/** What the Train tab's controls do: talk to the training worker and record its events in the store. */
import { proxy } from 'comlink';
import { latentCount } from '../lucid/config';
import type { TrainSettings, TrainingEvent } from '../training/api';
import { onTrainingWorkerCrash, trainingWorker } from '../training/client';
import { captionMode, planFolder } from '../training/folderPlan';
import { filesFromInput, folderName, pickDirectory } from '../training/folderSource';
import { explorer } from '../worker/client';
import { switchDictionary } from './sessionActions';
import { backendFromUrl } from './startCompute';
import { useAppStore } from './store';
import type { Notice, TrainState } from './trainSlice';

/** Notices kept on screen. */
const MAX_NOTICES = 8;
let nextNoticeId = 1;
let connected: Promise<void> | undefined;
/** Bumped when the training worker crashes: events still in flight from the dead one are dropped. */
let workerGeneration = 0;

/** Merges an update into the Train tab's slice. */
function set(update: Partial<TrainState>): void {
  useAppStore.setState((state) => ({ train: { ...state.train, ...update } }));
}

function get(): TrainState {
  return useAppStore.getState().train;
}

function addNotice(level: Notice['level'], message: string): void {
  set({ notices: [...get().notices, { id: nextNoticeId++, level, message }].slice(-MAX_NOTICES) });
}

/** The page's `?backend=` (webgpu, wasm or cpu) applies to training too; WebGPU otherwise. */
function trainingBackend() {
  return backendFromUrl(window.location.search);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function onEvent(event: TrainingEvent): void {
  switch (event.type) {
    case 'progress': {
      const { type: _type, ...progress } = event;
      void _type;
      set({ progress, phase: progress.phase });
      break;
    }
    case 'metrics':
      set({ metrics: [...get().metrics.filter((p) => p.step < event.point.step), event.point] });
      break;
    case 'folder':
      set({ folderSummary: { ...event } });
      break;
    case 'started':
      set({
        start: event.start,
        metrics: event.history,
        settings: event.settings,
        finished: null,
        comparison: null,
        relabel: null,
      });
      break;
    case 'checkpoint':
      set({ lastCheckpoint: { step: event.step, savedAt: event.savedAt } });
      break;
    case 'notice':
      addNotice(event.level, event.message);
      break;
    case 'finished':
      set({ finished: { step: event.step, reason: event.reason } });
      if (event.reason !== 'failed') void compare();
      break;
  }
}

/**
 * A crashed training worker loses the run in memory, not what it saved: the fresh worker is
 * subscribed to, and the last checkpoint is offered for resuming, as after a reload.
 */
onTrainingWorkerCrash((message) => {
  workerGeneration++;
  const { phase, finished, progress } = get();
  const wasRunning = phase !== 'idle' && finished === null;
  set({
    phase: 'failed',
    progress: progress && { ...progress, phase: 'failed' },
    finished: wasRunning ? { step: progress?.step ?? 0, reason: 'failed' } : finished,
  });
  connected = undefined;
  void connect().then(() => {
    const step = get().resumable?.step;
    addNotice(
      'error',
      `The training worker crashed (${message}).` +
        (step === undefined ? ' No checkpoint was saved.' : ` Resume from its checkpoint at step ${step} below.`),
    );
  });
});

/** Subscribes to the worker (once per page) and looks for a run to resume. */
export function connect(): Promise<void> {
  connected ??= (async () => {
    const worker = trainingWorker();
    const generation = workerGeneration;
    await worker.subscribe(proxy((event: TrainingEvent) => generation === workerGeneration && onEvent(event)));
    await refreshResumable();
  })().catch((error) => addNotice('error', `The training worker did not start: ${errorText(error)}`));
  return connected;
}

export async function refreshResumable(): Promise<void> {
  set({ resumable: await trainingWorker().findResumable() });
}

export function chooseFolderFiles(files: FileList | null): void {
  if (!files) return;
  if (files.length === 0) {
    set({
      folder: null,
      folderSummary: null,
      folderProblem: 'The chosen folder is empty: there is nothing to train on.',
    });
    return;
  }
  void chooseFolder({ name: folderName(files), files: filesFromInput(files) });
}

export async function chooseDirectory(): Promise<void> {
  try {
    await chooseFolder(await pickDirectory());
  } catch (error) {
    if ((error as Error).name !== 'AbortError') addNotice('error', `The folder could not be read: ${errorText(error)}`);
  }
}

/**
 * Keeps the chosen folder and plans it at once (headers and captions only, on the page), so what will be
 * used and what is skipped, with the reason, shows before Start; the worker plans it again when it starts.
 */
async function chooseFolder(folder: NonNullable<TrainState['folder']>): Promise<void> {
  const name = folder.name || '(unnamed)';
  if (folder.files.length === 0) {
    set({
      folder: null,
      folderSummary: null,
      folderProblem: `The folder ${name} is empty: there is nothing to train on.`,
    });
    return;
  }
  set({ folder, folderSummary: null, folderProblem: null });
  const plan = await planFolder(folder.files, 'preview');
  if (get().folder !== folder) return; // another folder was chosen meanwhile
  const captioned = plan.images.filter((image) => image.caption).length;
  set({
    folderSummary: {
      images: plan.images.length,
      captioned,
      skipped: plan.skipped,
      captionMode: captionMode(captioned, plan.images.length),
    },
    folderProblem:
      plan.images.length === 0 ? `The folder ${name} has no images we can read (see the files not used).` : null,
  });
}

export function updateSettings(patch: Partial<TrainSettings>): void {
  set({ settings: { ...get().settings, ...patch } });
}

/**
 * Runs one of the tab's actions. The last Import, Export or "Use in explorer" message goes: it spoke of
 * the dictionary before this action, and an old failure must not stand beside a new result.
 */
async function withBusy(action: () => Promise<void>): Promise<void> {
  set({ busy: true, filesMessage: null });
  try {
    await action();
  } finally {
    set({ busy: false });
  }
}

export function startTraining(): Promise<void> {
  const { folder, settings } = get();
  if (!folder) return Promise.resolve();
  return withBusy(async () => {
    set({
      metrics: [],
      finished: null,
      comparison: null,
      relabel: null,
      exportLinks: null,
      lastCheckpoint: null,
      resumable: null,
    });
    try {
      await trainingWorker().start(folder.files, settings, trainingBackend());
    } catch (error) {
      addNotice('error', `Training could not start: ${errorText(error)}`);
    }
  });
}

export function resumeFromCheckpoint(): Promise<void> {
  const { resumable, folder } = get();
  if (!resumable) return Promise.resolve();
  return withBusy(async () => {
    try {
      await trainingWorker().resumeRun(resumable.runId, folder?.files ?? null, trainingBackend());
      set({ resumable: null, finished: null, lastCheckpoint: { step: resumable.step, savedAt: resumable.savedAt } });
    } catch (error) {
      addNotice('error', `The run could not be resumed: ${errorText(error)}`);
    }
  });
}

export async function discardCheckpoint(): Promise<void> {
  const { resumable } = get();
  if (!resumable) return;
  await trainingWorker().discardRun(resumable.runId);
  set({ resumable: null });
}

export const pauseTraining = () => trainingWorker().pause();
export const unpauseTraining = () => trainingWorker().unpause();
export const stopTraining = () => trainingWorker().stop();

/** After a run: the before/after comparison, then the relabelling (slower: seconds to a minute). */
export async function compare(): Promise<void> {
  try {
    set({ comparison: await trainingWorker().compare() });
  } catch (error) {
    addNotice('info', `No before/after comparison: ${errorText(error)}`);
  }
  await relabel();
}

async function relabel(): Promise<void> {
  set({ relabel: { status: 'running' } });
  try {
    const summary = await trainingWorker().relabel();
    set({ relabel: { status: 'done', summary } });
  } catch (error) {
    // A new run or an import superseded it: that is not a failure to report.
    if (error instanceof Error && error.name === 'AbortError') set({ relabel: null });
    else set({ relabel: { status: 'failed', error: errorText(error) } });
  }
}

/** Exports the current dictionary as download links (Blob URLs; earlier ones are revoked). */
export function exportModel(): Promise<void> {
  return withBusy(async () => {
    try {
      const files = await trainingWorker().exportFiles();
      const previous = get().exportLinks;
      if (previous) Object.values(previous).forEach((url) => url && URL.revokeObjectURL(url));
      const json = (text: string) => URL.createObjectURL(new Blob([text], { type: 'application/json' }));
      set({
        exportLinks: {
          weights: URL.createObjectURL(new Blob([files.weights as BlobPart], { type: 'application/octet-stream' })),
          config: json(files.config),
          interpretation: files.interpretation === null ? null : json(files.interpretation),
        },
        filesMessage: {
          ok: true,
          text:
            files.interpretation === null
              ? 'Exported: download both files below.'
              : 'Exported: download the files below (interpretation.json holds the latents’ labels).',
        },
      });
    } catch (error) {
      set({ filesMessage: { ok: false, text: `Export failed: ${errorText(error)}` } });
    }
  });
}

/** Imports a weights file and a config file; a bad pair is refused with the reason and changes nothing. */
export function importModel(weights: File | undefined, config: File | undefined): Promise<void> {
  return withBusy(async () => {
    if (!weights || !config) {
      set({ filesMessage: { ok: false, text: 'Import needs both files: lucid.safetensors and lucid.config.json.' } });
      return;
    }
    try {
      const start = await trainingWorker().importFiles(
        new Uint8Array(await weights.arrayBuffer()),
        await config.text(),
        weights.name,
      );
      set({
        filesMessage: {
          ok: true,
          text: `Imported ${weights.name} (${start.latents} latents): the next run starts from it, and Export writes it.`,
        },
        comparison: null,
      });
    } catch (error) {
      set({ filesMessage: { ok: false, text: `Import refused, nothing changed: ${errorText(error)}` } });
    }
  });
}

/** What the header calls a dictionary sent from this tab. */
export const FINE_TUNED_SOURCE = 'fine-tuned in the Train tab';

/**
 * Hands the current dictionary to the explorer by the explorer's own switch: the header then names
 * it and every image is analysed with it; if it does not fit, the explorer keeps its dictionary and
 * the images their analyses.
 */
export function sendToExplorer(): Promise<void> {
  return withBusy(async () => {
    try {
      const files = await trainingWorker().exportFiles();
      const failure = await switchDictionary(explorer(), 'the fine-tuned dictionary', {
        kind: 'files',
        source: FINE_TUNED_SOURCE,
        weights: files.weights,
        config: files.config,
        interpretation: files.interpretation,
      });
      if (failure !== null) {
        set({ filesMessage: { ok: false, text: `The explorer kept its dictionary: ${failure.message}` } });
        return;
      }
      const summary = useAppStore.getState().dictionary.summary;
      const m = summary === null ? 0 : latentCount(summary);
      set({ filesMessage: { ok: true, text: `The explorer now uses the fine-tuned dictionary (${m} latents).` } });
    } catch (error) {
      set({ filesMessage: { ok: false, text: `The explorer kept its dictionary: ${errorText(error)}` } });
    }
  });
}
