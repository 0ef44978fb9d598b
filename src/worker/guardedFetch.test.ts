import { afterEach, describe, expect, it, vi } from 'vitest';
import { DownloadError } from '../clip/errors';
import { guardedFetch, type NetworkProbe } from './guardedFetch';

function probe(online: boolean, refused: string[] = []): NetworkProbe {
  return { online: () => online, refused: (origin) => refused.includes(origin), sleep: async () => {} };
}

/** A fetch that never answers until it is aborted, as a black-holed connection. */
const hangingFetch: typeof fetch = (_input, init) =>
  new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(new TypeError('aborted'))));

const refusedFetch: typeof fetch = async () => {
  throw new TypeError('Failed to fetch');
};

async function failureOf(request: Promise<Response>): Promise<DownloadError> {
  const error = await request.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DownloadError);
  return error as DownloadError;
}

describe('guardedFetch', () => {
  afterEach(() => vi.useRealTimers());

  it('gives up on a server that sends no response within the deadline', async () => {
    vi.useFakeTimers();
    const download = guardedFetch({ fetch: hangingFetch, probe: probe(true), timeoutMs: 10_000 });
    const request = failureOf(download('https://huggingface.co/m/config.json'));
    await vi.advanceTimersByTimeAsync(10_000);
    const error = await request;
    expect(error.reason).toBe('timeout');
    expect(error.message).toContain('huggingface.co sent no response within 10 s');
  });

  it('lets a response that came in time through, and clears its deadline', async () => {
    vi.useFakeTimers();
    const download = guardedFetch({ fetch: async () => new Response('{}'), probe: probe(true) });
    expect((await download('https://huggingface.co/m/config.json')).status).toBe(200);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('says offline when the browser knows it has no network', async () => {
    const download = guardedFetch({ fetch: refusedFetch, probe: probe(false) });
    expect((await failureOf(download('https://huggingface.co/m'))).reason).toBe('offline');
  });

  it('says blocked when the content-security policy refused the origin', async () => {
    const download = guardedFetch({ fetch: refusedFetch, probe: probe(true, ['https://example.invalid']) });
    const error = await failureOf(download('https://example.invalid/m/config.json'));
    expect(error.reason).toBe('blocked');
    expect(error.url).toBe('https://example.invalid/m/config.json');
  });

  it('says unreachable when online and not refused', async () => {
    const download = guardedFetch({ fetch: refusedFetch, probe: probe(true) });
    expect((await failureOf(download('https://huggingface.co/m'))).reason).toBe('unreachable');
  });

  it('passes the caller’s own abort through unexplained', async () => {
    const caller = new AbortController();
    const download = guardedFetch({ fetch: hangingFetch, probe: probe(true) });
    const request = download('https://huggingface.co/m', { signal: caller.signal });
    caller.abort();
    await expect(request).rejects.toBeInstanceOf(TypeError);
  });
});
