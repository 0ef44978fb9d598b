import { afterEach, describe, expect, it, vi } from 'vitest';
import { DICTIONARY_FILES } from '../explain/dictionary';
import { createTrainingSession } from './session';

/** A server with the pretrained dictionary's files, or with none (the SPA's index.html for every path). */
function serveDictionary(files: Record<string, string> | null) {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      const name = Object.keys(files ?? {}).find((file) => url.endsWith(`/${file}`));
      return name === undefined
        ? new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } })
        : new Response(files![name]);
    }),
  );
}

describe('training session export', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('exports the pretrained dictionary in use, as shipped, before any run', async () => {
    serveDictionary({
      [DICTIONARY_FILES.weights]: 'weights',
      [DICTIONARY_FILES.config]: '{"config":{}}',
      [DICTIONARY_FILES.interpretation]: '{"latents":[]}',
    });
    const files = await createTrainingSession().api.exportFiles();
    expect(new TextDecoder().decode(files.weights)).toBe('weights');
    expect(files.config).toBe('{"config":{}}');
    expect(files.interpretation).toBe('{"latents":[]}');
  });

  it('says there is no dictionary yet only when none is shipped', async () => {
    serveDictionary(null);
    await expect(createTrainingSession().api.exportFiles()).rejects.toThrow(/no dictionary yet/);
  });
});
