/**
 * The `fetch` the explorer worker downloads models and dictionaries with. Two things plain `fetch`
 * does not do: it gives up on another server that sends no response within `RESPONSE_TIMEOUT_MS`
 * (a blocked or black-holed connection otherwise hangs for minutes), and when a request gets no
 * response it says why — offline, refused by the content-security policy, timed out, unreachable —
 * as a `DownloadError`, where `fetch` says only "Failed to fetch".
 */
import { DownloadError, type NoResponseReason } from '../clip/errors';

/** How long a request to another origin may wait for its response (headers); the body may take longer. */
export const RESPONSE_TIMEOUT_MS = 10_000;

/** How long a refused request waits for the policy's violation event, which comes as a later task. */
const VIOLATION_SETTLE_MS = 50;

/** Origins the content-security policy refused in this global scope (page or worker). */
const refusedOrigins = new Set<string>();

if (typeof globalThis.addEventListener === 'function') {
  globalThis.addEventListener('securitypolicyviolation', (event) => {
    const blocked = (event as SecurityPolicyViolationEvent).blockedURI;
    const origin = originOf(blocked);
    if (origin !== null) refusedOrigins.add(origin);
  });
}

function originOf(url: string, base?: string): string | null {
  try {
    return new URL(url, base).origin;
  } catch {
    return null;
  }
}

function hereOrigin(): string | undefined {
  return typeof location === 'undefined' ? undefined : location.origin;
}

function urlOf(input: RequestInfo | URL): string {
  return input instanceof Request ? input.url : String(input);
}

/** What the page's environment can tell about a request that got no response. */
export interface NetworkProbe {
  /** False when the browser knows it has no network connection. */
  online(): boolean;
  /** Whether the content-security policy refused a request to this origin. */
  refused(origin: string): boolean;
  /** Resolves after `ms` (the wait for a violation event). */
  sleep(ms: number): Promise<void>;
}

const browserProbe: NetworkProbe = {
  online: () => typeof navigator === 'undefined' || navigator.onLine !== false,
  refused: (origin) => refusedOrigins.has(origin),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface GuardedFetchOptions {
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  probe?: NetworkProbe;
  timeoutMs?: number;
}

/**
 * Makes a guarded `fetch` (see the file's comment). Requests to the app's own origin get no deadline:
 * they come from the server that served the page, and the embedded model's files may be held back
 * by tests; the reasons apply to them too.
 */
export function guardedFetch(options: GuardedFetchOptions = {}): typeof fetch {
  const probe = options.probe ?? browserProbe;
  const timeoutMs = options.timeoutMs ?? RESPONSE_TIMEOUT_MS;
  return async (input, init) => {
    const doFetch = options.fetch ?? fetch;
    const url = urlOf(input);
    const origin = originOf(url, hereOrigin());
    const remote = origin !== null && origin !== hereOrigin();
    const deadline = new AbortController();
    let timedOut = false;
    const timer = remote
      ? setTimeout(() => {
          timedOut = true;
          deadline.abort();
        }, timeoutMs)
      : undefined;
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline.signal]) : deadline.signal;
    try {
      return await doFetch(input, { ...init, signal });
    } catch (error) {
      // The caller's own abort is not a failure to explain.
      if (init?.signal?.aborted) throw error;
      throw await explain(url, origin, timedOut, probe, timeoutMs);
    } finally {
      clearTimeout(timer);
    }
  };
}

async function explain(
  url: string,
  origin: string | null,
  timedOut: boolean,
  probe: NetworkProbe,
  timeoutMs: number,
): Promise<DownloadError> {
  const host = origin === null ? url : new URL(origin).host;
  const says = (reason: NoResponseReason, why: string) => new DownloadError(reason, url, `${why} (${url})`);
  if (timedOut) return says('timeout', `${host} sent no response within ${Math.round(timeoutMs / 1000)} s`);
  if (!probe.online()) return says('offline', `the browser has no network connection, so ${host} cannot be reached`);
  if (origin !== null && !probe.refused(origin)) await probe.sleep(VIOLATION_SETTLE_MS);
  if (origin !== null && probe.refused(origin))
    return says(
      'blocked',
      `this app may not connect to ${host}; it downloads only from itself and the Hugging Face hub`,
    );
  return says('unreachable', `could not connect to ${host} (no network, a firewall, or the server is down)`);
}
