/** Recognising storage failures (IndexedDB) so the UI can say what happened in words. */

/** Whether an error (from IndexedDB or idb) means the browser's storage quota is used up. */
export function isQuotaExceeded(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, message, inner } = error as { name?: unknown; message?: unknown; inner?: unknown };
  if (name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED') return true;
  if (typeof message === 'string' && /quota/i.test(message)) return true;
  return inner !== undefined && isQuotaExceeded(inner);
}

export const QUOTA_MESSAGE =
  'Browser storage is full, so this checkpoint was not saved (training goes on; a reload would lose the ' +
  'progress since the last saved checkpoint). Export the model now to keep it, or free space in the ' +
  "browser's site data.";
