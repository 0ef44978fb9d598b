/** What a waiting image card says: what it waits for, from the model and dictionary states. */
import type { DictionaryState, ModelState } from '../../app/sessionSlice';

export function waitingMessage(
  model: Pick<ModelState, 'status' | 'error'>,
  dictionary: Pick<DictionaryState, 'status' | 'error'>,
): string {
  if (model.status === 'failed') {
    return `Waiting for a model: this one did not load (${model.error ?? 'unknown error'}). Choose a model above.`;
  }
  if (model.status !== 'ready') return 'Waiting for the model to load; analysed as soon as it is ready.';
  switch (dictionary.status) {
    case 'unavailable':
      return 'Waiting for a dictionary: this model has no pretrained one. Open one from a folder, or fine-tune one in the Train tab.';
    case 'failed':
      return `Waiting for a dictionary: it did not load (${dictionary.error ?? 'unknown error'}).`;
    case 'ready':
      return 'Waiting to be analysed…';
    default:
      return 'Waiting for the dictionary to load; analysed as soon as it is ready.';
  }
}
