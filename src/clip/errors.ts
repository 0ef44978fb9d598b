/** Errors of the CLIP loader and encoder; `message` is shown to the user as is. */

/** An image or text the encoder cannot take (corrupt file, empty or over-long text…). */
export class ClipInputError extends Error {
  override name = 'ClipInputError';
}

/** A model that cannot be loaded (missing file, unreachable hub, unsupported architecture). */
export class ClipLoadError extends Error {
  override name = 'ClipLoadError';
}

/** Why a model or a dictionary could not be loaded, in the user's terms. */
export type LoadFailureReason =
  'offline' | 'blocked' | 'timeout' | 'unreachable' | 'not-found' | 'too-large' | 'invalid';

/** A failed load as the user is told: the kind of failure and one sentence that names it. */
export interface LoadFailure {
  reason: LoadFailureReason;
  message: string;
}

/** A request that got no response at all (the kinds a `fetch` rejection can have). */
export type NoResponseReason = Extract<LoadFailureReason, 'offline' | 'blocked' | 'timeout' | 'unreachable'>;

/** A download that failed before any response came: `reason` says why, `url` what was asked for. */
export class DownloadError extends ClipLoadError {
  override name = 'DownloadError';
  constructor(
    readonly reason: NoResponseReason,
    readonly url: string,
    message: string,
  ) {
    super(message);
  }
}

/** What each reason is called at the start of the message. */
const REASON_WORDS: Record<LoadFailureReason, string> = {
  offline: 'offline',
  blocked: 'blocked by the content-security policy',
  timeout: 'timed out',
  unreachable: 'unreachable',
  'not-found': 'not found',
  'too-large': 'too large for this browser',
  invalid: 'not usable',
};

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function nameOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '';
}

/**
 * Says why a load failed. A download that got no response explains the failure best, whatever the
 * loader made of it (transformers.js rethrows it in its own words), so `downloads`, the failed
 * requests seen during the load, come first; then what the error itself says: a missing file
 * (HTTP 404, "Could not locate file", "no LUCID dictionary"), memory or storage exhausted, or
 * files that are there but do not make a model or a dictionary that fits.
 */
export function describeLoadFailure(error: unknown, downloads: readonly DownloadError[] = []): LoadFailure {
  const download = error instanceof DownloadError ? error : downloads[0];
  if (download !== undefined) return failure(download.reason, download.message);
  const message = messageOf(error);
  if (/could not locate file|has no |no LUCID dictionary|no dictionary in |HTTP 40[134]\b|not found/i.test(message))
    return failure('not-found', message);
  const name = nameOf(error);
  if (
    name === 'RangeError' ||
    name === 'QuotaExceededError' ||
    /out of memory|allocation failed|array buffer allocation|quota|too large/i.test(message)
  )
    return failure('too-large', message);
  return failure('invalid', message);
}

function failure(reason: LoadFailureReason, detail: string): LoadFailure {
  return { reason, message: `${REASON_WORDS[reason]}: ${detail}` };
}
