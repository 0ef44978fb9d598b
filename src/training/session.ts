/**
 * The training worker's session: the TrainingApi (api.ts) over one run at a time. A thin layer: the
 * encode queue (encodeQueue.ts), the run loop (runLoop.ts), persistence and recovery
 * (persistence.ts) and starting a run (runStart.ts) do the work, over the state they share
 * (sessionContext.ts).
 */
import { EMBEDDED_MODEL_ID } from '../clip/catalog';
import { latentCount } from '../lucid/config';
import { disposeLucid } from '../lucid/model';
import type { DictionaryComparison, DictionaryFiles, StartingPoint, TrainingApi } from './api';
import * as indexedDbStore from './checkpointStore';
import { type Dictionary, fetchDictionaryFiles, toFiles } from './dictionaryFiles';
import { compareOutcome, outcomeInterpretation } from './outcome';
import { aboutRun, findResumable } from './persistence';
import { relabelOutcome } from './relabelOutcome';
import { PRETRAINED_URL, resumeRun, startRun } from './runStart';
import type { ActiveRun, Outcome } from './runState';
import { type CheckpointStore, type SessionContext, createSessionContext } from './sessionContext';

export type { CheckpointStore } from './sessionContext';
export { MAX_IMAGES } from './runStart';

/** What a session holds now, for a worker entry that inspects it (the e2e build's test hooks). */
export interface SessionState {
  /** The run in progress, or null. */
  run: ActiveRun | null;
  /** What the last ended run (or an import) left: the current dictionary when no run is in progress. */
  outcome: Outcome | null;
}

export interface TrainingSession {
  api: TrainingApi;
  state(): SessionState;
}

export function createTrainingSession(store: CheckpointStore = indexedDbStore): TrainingSession {
  const session = createSessionContext(store);

  const api: TrainingApi = {
    async subscribe(next) {
      session.listen(next);
      if (session.run) {
        session.started(session.run);
        session.progress(session.run, true);
      }
    },

    findResumable: () => findResumable(session),

    async discardRun(runId) {
      await store.deleteRun(runId);
    },

    async start(folder, requested, preferred) {
      requireIdle(session, 'Start');
      session.relabelling?.abort();
      await startRun(session, folder, requested, preferred);
    },

    async resumeRun(runId, folder, preferred) {
      requireIdle(session, 'Resume');
      session.relabelling?.abort();
      await resumeRun(session, runId, folder, preferred);
    },

    async pause() {
      const { run } = session;
      if (!run || run.paused) return;
      run.paused = true;
      session.setPhase(run, 'paused');
    },

    async unpause() {
      const { run } = session;
      if (!run || !run.paused) return;
      run.paused = false;
      session.setPhase(run, 'training');
      run.wake?.();
    },

    async stop() {
      const { run } = session;
      if (!run) return;
      run.stopRequested = true;
      run.paused = false;
      session.setPhase(run, 'stopping');
      run.wake?.();
    },

    async exportFiles(): Promise<DictionaryFiles> {
      const { run, outcome } = session;
      if (!run && !outcome) return shippedFiles();
      const dictionary = currentDictionary(session);
      const files = await toFiles(dictionary, run ? aboutRun(run) : { encoder: EMBEDDED_MODEL_ID });
      // Labels belong to the dictionary they were made for: only an ended run's carry over.
      const interpretation = outcome && !run ? await outcomeInterpretation(outcome, session.fromFiles) : null;
      return { ...files, interpretation };
    },

    async importFiles(weights, config, name) {
      requireIdle(session, 'Import');
      session.relabelling?.abort();
      await session.ensureBackend();
      const files = { weights, config };
      const dictionary = await session.fromFiles(files, name);
      const { outcome } = session;
      if (outcome) disposeLucid(outcome.dictionary.model);
      const start: StartingPoint = { kind: 'imported', source: name, latents: latentCount(dictionary.model.config) };
      // The imported files become the dictionary to export, compare against nothing, and start the next run from.
      session.outcome = {
        dictionary,
        start,
        baseline: null,
        interpretation: null,
        examples: outcome?.examples ?? [],
        grid: outcome?.grid ?? (await session.ensureEncoder()).info.grid,
        history: outcome?.history ?? [],
        captions: outcome?.captions ?? {},
        relabelled: null,
      };
      session.imported = { files, name };
      return start;
    },

    async compare(): Promise<DictionaryComparison> {
      const { run, outcome } = session;
      if (!outcome || run) throw new Error('the comparison is available once a run has ended');
      return compareOutcome(outcome, session.fromFiles);
    },

    async relabel() {
      const o = session.outcome;
      if (!o || session.run) throw new Error('relabelling is possible once a run has ended');
      if (o.examples.length === 0) throw new Error('no images were encoded in this session');
      session.relabelling?.abort();
      const controller = new AbortController();
      session.relabelling = controller;
      try {
        const { interpretation, summary } = await relabelOutcome(
          o,
          await session.ensureEncoder(),
          session.fromFiles,
          controller.signal,
        );
        // A run or an import since then made another dictionary current: these labels are not its.
        if (session.outcome === o) o.relabelled = JSON.stringify(interpretation);
        return summary;
      } finally {
        if (session.relabelling === controller) session.relabelling = null;
      }
    },

    async history() {
      return session.run?.history ?? session.outcome?.history ?? [];
    },
  };
  return { api, state: () => ({ run: session.run, outcome: session.outcome }) };
}

function requireIdle(session: SessionContext, action: string): void {
  if (session.run) throw new Error(`${action} is not possible while a run is in progress: stop it first`);
}

/**
 * Before any run or import, the dictionary in use is the pretrained one the explorer loaded (and a
 * run would start from): Export writes its files as shipped, interpretation included.
 */
async function shippedFiles(): Promise<DictionaryFiles> {
  const pretrained = await fetchDictionaryFiles(PRETRAINED_URL);
  if (!pretrained) {
    throw new Error(`there is no dictionary yet (none is shipped at ${PRETRAINED_URL}): train or import one first`);
  }
  return pretrained;
}

function currentDictionary(session: SessionContext): Dictionary {
  const dictionary = session.run?.dictionary ?? session.outcome?.dictionary;
  if (!dictionary) throw new Error('there is no dictionary yet: train or import one first');
  return dictionary;
}
