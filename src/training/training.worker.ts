/**
 * The training worker: CLIP, the cached activations, the LUCID model and its optimiser live here,
 * so the page never freezes while a run trains. Implements TrainingApi (api.ts) over comlink.
 */
import { expose } from 'comlink';
import { trainingWorkerWithHooks } from '../testing/trainingWorker';
import { createTrainingSession } from './session';

// The e2e build (`vite build --mode e2e`) adds test hooks; `MODE` is replaced at build time, so
// the production bundle has neither the branch nor src/testing.
expose(import.meta.env.MODE === 'e2e' ? trainingWorkerWithHooks() : createTrainingSession().api);
