/**
 * The training worker: CLIP, the cached activations, the LUCID model and its optimiser live here,
 * so the page never freezes while a run trains. Implements TrainingApi (api.ts) over comlink.
 */
import { expose } from 'comlink';
import { createTrainingSession } from './session';

expose(createTrainingSession());
