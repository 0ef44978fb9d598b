import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_MODEL_ID } from './catalog';
import { loadClipEncoder } from './encoder';
import { configureClipEnvironment } from './environment';
import { ClipLoadError } from './errors';
import { REPO_MODELS_DIR, configureClipForNode } from './nodeEnvironment';

/**
 * The hub path, for real, against a local server in the Hugging Face URL layout
 * (`/<org>/<name>/resolve/<revision>/<file>`) that serves the embedded model's files.
 */
let server: Server;
let host = '';
let emptyDir = '';
const requested: string[] = [];

beforeAll(async () => {
  emptyDir = await mkdtemp(path.join(os.tmpdir(), 'lucid-no-local-models-'));
  server = createServer(async (request, response) => {
    requested.push(request.url ?? '');
    const match = /^\/lucid-test\/emoji-clip\/resolve\/main\/(.+)$/.exec(request.url ?? '');
    const file = match ? path.join(REPO_MODELS_DIR, EMBEDDED_MODEL_ID, decodeURIComponent(match[1])) : '';
    const info = file ? await stat(file).catch(() => null) : null;
    if (!info?.isFile()) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-length': info.size });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  host = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  // In Node, transformers.js hands ONNX Runtime a cached file path: cache into a fresh folder.
  env.useFSCache = true;
  env.cacheDir = path.join(emptyDir, 'cache');
});

afterAll(async () => {
  configureClipForNode();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(emptyDir, { recursive: true, force: true });
});

describe('loading a model from a hub', () => {
  it('downloads every file from the hub layout, with progress, and encodes', async () => {
    configureClipEnvironment({ localModelPath: emptyDir, allowRemote: true, remoteHost: host });
    const events: string[] = [];
    const encoder = await loadClipEncoder('lucid-test/emoji-clip', { onProgress: (e) => events.push(e.status) });
    expect(encoder.info.grid).toEqual([12, 12]);
    expect((await encoder.encodeText('a dog')).tokens.length).toBeGreaterThan(2);
    expect(requested.some((url) => url.endsWith('onnx/vision_model.onnx'))).toBe(true);
    expect(events).toContain('done');
    await encoder.dispose();
  });

  it('says the model is missing when the hub has no such repository', async () => {
    configureClipEnvironment({ localModelPath: emptyDir, allowRemote: true, remoteHost: host });
    await expect(loadClipEncoder('lucid-test/no-such-model')).rejects.toThrow(ClipLoadError);
  });

  it('never asks the network when remote models are off', async () => {
    configureClipEnvironment({ localModelPath: emptyDir, allowRemote: false, remoteHost: host });
    const before = requested.length;
    await expect(loadClipEncoder('lucid-test/not-cached')).rejects.toThrow(ClipLoadError);
    expect(requested.length).toBe(before);
  });
});
