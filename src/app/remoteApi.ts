import { proxy, type Remote } from 'comlink';
import type { ExplorerApi } from '../worker/api';
import type { ExplorerPort } from './explorerApi';

/**
 * Adapts the comlink handle on the worker to the views' `ExplorerPort`: a callback cannot be
 * structured-cloned into a worker, so `onProgress` travels as a comlink proxy.
 */
export function fromRemote(remote: Remote<ExplorerApi>): ExplorerPort {
  return {
    loadModel: (id, device, hub, onProgress) =>
      remote.loadModel(id, device, hub, onProgress === undefined ? undefined : proxy(onProgress)),
    loadDictionary: (base) => remote.loadDictionary(base),
    analyzeImage: (file, name) => remote.analyzeImage(file, name),
    heatmap: (imageId, latent) => remote.heatmap(imageId, latent),
    forgetImage: (imageId) => remote.forgetImage(imageId),
    analyzeText: (text) => remote.analyzeText(text),
    transport: (imageId, caption) => remote.transport(imageId, caption),
  };
}
