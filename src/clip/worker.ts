/**
 * The model worker: CLIP runs here so that the page never freezes. Exposed with comlink; the typed
 * wrapper is `client.ts`. Arrays go back to the page as transferred buffers.
 */
import { expose, transfer } from 'comlink';
import { configureClipForBrowser } from './browserEnvironment';
import { type ClipEncoder, type EncoderInfo, type LoadOptions, decodeImage, loadClipEncoder } from './encoder';
import type { ImageActivations, TextActivations } from './encoder';

let encoder: Promise<ClipEncoder> | undefined;
let loadedKey = '';

function imageTransfer(result: ImageActivations): ImageActivations {
  return transfer(result, [result.patches.buffer, result.embedding.buffer]);
}

function textTransfer(result: TextActivations): TextActivations {
  return transfer(result, [result.hidden.buffer, result.embedding.buffer]);
}

async function current(): Promise<ClipEncoder> {
  if (!encoder) throw new Error('no model is loaded yet');
  return encoder;
}

const api = {
  /**
   * Loads a model, or returns the one already loaded with the same settings (concurrent callers
   * share one load). A failed load leaves the previous model in place.
   */
  async load(
    id: string,
    device: NonNullable<LoadOptions['device']>,
    hub: { allowRemote: boolean; remoteHost?: string },
    onProgress?: LoadOptions['onProgress'],
  ): Promise<EncoderInfo> {
    const key = JSON.stringify([id, device, hub]);
    if (encoder && key === loadedKey) return (await encoder).info;
    configureClipForBrowser(hub);
    const previous = encoder;
    const next = loadClipEncoder(id, { device, onProgress });
    try {
      const ready = await next;
      encoder = next;
      loadedKey = key;
      if (previous) void (await previous).dispose();
      return ready.info;
    } catch (error) {
      encoder = previous;
      throw error;
    }
  },
  async info(): Promise<EncoderInfo | null> {
    return encoder ? (await encoder).info : null;
  },
  async encodeImageFile(file: Blob, name: string): Promise<ImageActivations> {
    const model = await current();
    return imageTransfer(await model.encodeImage(await decodeImage(file, name)));
  },
  async encodePixels(pixels: Float32Array): Promise<ImageActivations> {
    return imageTransfer(await (await current()).encodePixels(pixels));
  },
  async encodeText(text: string): Promise<TextActivations> {
    return textTransfer(await (await current()).encodeText(text));
  },
};

export type ClipWorkerApi = typeof api;

expose(api);
