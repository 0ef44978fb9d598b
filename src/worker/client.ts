/**
 * The page's handle on the explorer worker, which survives the worker's faults.
 *
 * A worker can fail in two ways the page can see: its WebGPU device is lost (a driver reset, the
 * GPU taken by another tab; the worker posts a `WorkerFaultMessage`), or an error escapes every
 * handler in it (the Worker's `error` event). Either way this client terminates it, starts a new
 * one (on WASM after a lost device), and replays what the page had built: the model, the
 * dictionary (from its URL or its bytes) and every analysed image (from its file). Image ids the
 * page holds stay valid. A call in flight when the fault happens is retried once on the new worker.
 */
import { proxy, type Remote, wrap } from 'comlink';
import { type BackendName, backendFromUrl } from '../backend';
import {
  type DictionarySource,
  type ExplorerApi,
  type ExplorerWorkerApi,
  isWorkerFaultMessage,
  type ModelRequest,
  type SessionOutcome,
  type SessionRequest,
} from './api';

/** What the page is told after a fault: what happened and whether the explorer is back. */
export interface ExplorerFault {
  kind: 'device-lost' | 'crash';
  /** One sentence for the user. */
  message: string;
  recovered: boolean;
}

export interface ExplorerClient extends ExplorerApi {
  /** Called after each fault once recovery has finished (or failed); returns an unsubscribe. */
  onFault(listener: (fault: ExplorerFault) => void): () => void;
  /** The tfjs backend the worker's dictionary runs on. */
  backendInUse(): Promise<string>;
}

class WorkerFault extends Error {
  constructor(
    readonly kind: ExplorerFault['kind'],
    detail: string,
  ) {
    super(kind === 'device-lost' ? `the GPU device was lost (${detail})` : `the explorer worker crashed (${detail})`);
  }
}

interface Generation {
  worker: Worker;
  remote: Remote<ExplorerWorkerApi>;
  /** Rejects with a WorkerFault when this worker fails; never resolves. */
  failed: Promise<never>;
}

interface KeptImage {
  file: Blob;
  name: string;
  /** The id the current worker knows it by (the page keeps the first one it was given). */
  workerId: number;
}

const startListeners = new Set<(worker: Worker) => void>();

/**
 * Calls `listener` with every explorer worker started from now on (the first, and each replacement
 * after a fault); returns an unsubscribe. The e2e build's test API reaches the worker's fault hooks so.
 */
export function onExplorerWorkerStarted(listener: (worker: Worker) => void): () => void {
  startListeners.add(listener);
  return () => startListeners.delete(listener);
}

function startWorker(): Generation {
  const worker = new Worker(new URL('./explorer.worker.ts', import.meta.url), { type: 'module' });
  for (const listener of startListeners) listener(worker);
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('message', (event: MessageEvent) => {
      if (isWorkerFaultMessage(event.data)) reject(new WorkerFault('device-lost', event.data.message));
    });
    worker.addEventListener('error', (event: ErrorEvent) => {
      event.preventDefault();
      reject(new WorkerFault('crash', event.message || 'an uncaught error'));
    });
  });
  failed.catch(() => undefined);
  return { worker, remote: wrap<ExplorerWorkerApi>(worker), failed };
}

class ResilientExplorer implements ExplorerClient {
  private generation = startWorker();
  private recovering: Promise<void> | null = null;
  private backend: BackendName | null = null;
  private model: ModelRequest | null = null;
  private dictionary: DictionarySource | null = null;
  private readonly images = new Map<number, KeptImage>();
  private readonly listeners = new Set<(fault: ExplorerFault) => void>();

  /** `preferred`: the tfjs backend the page asked for (`?backend=`); none lets the worker choose. */
  constructor(preferred: BackendName | undefined) {
    this.backend = preferred ?? null;
    void this.generation.remote.useBackend(preferred);
    this.watch(this.generation);
  }

  onFault(listener: (fault: ExplorerFault) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Recovers as soon as a worker fails, whether or not a call is waiting on it. */
  private watch(generation: Generation): void {
    generation.failed.catch((fault: WorkerFault) => void this.recover(generation, fault));
  }

  private recover(failed: Generation, fault: WorkerFault): Promise<void> {
    if (this.generation !== failed) return this.recovering ?? Promise.resolve();
    failed.worker.terminate();
    if (fault.kind === 'device-lost') this.backend = 'wasm';
    this.generation = startWorker();
    this.watch(this.generation);
    const recovery = this.replay(this.generation).then(
      (summary) =>
        this.tell({ kind: fault.kind, message: `${capitalise(fault.message)}; ${summary}`, recovered: true }),
      (error: unknown) =>
        this.tell({
          kind: fault.kind,
          message: `${capitalise(fault.message)}, and restarting the explorer failed: ${(error as Error).message}`,
          recovered: false,
        }),
    );
    this.recovering = recovery.finally(() => {
      if (this.recovering === recovery) this.recovering = null;
    });
    return this.recovering;
  }

  /** Rebuilds the failed worker's state in `generation`; returns what it restored, for the notice. */
  private async replay(generation: Generation): Promise<string> {
    const remote = generation.remote;
    const backend = await remote.useBackend(this.backend ?? undefined);
    const restored: string[] = [];
    if (this.model) {
      // Off the GPU once it has failed: the CLIP towers go to WASM as well.
      if (this.backend === 'wasm' && this.model.device === 'webgpu') this.model = { ...this.model, device: 'wasm' };
      await remote.loadModel(this.model.id, this.model.device, this.model.hub, undefined, this.model.folder);
      restored.push('the model');
    }
    if (this.dictionary) {
      const d = this.dictionary;
      if (d.kind === 'url') await remote.loadDictionary(d.base);
      else if (d.kind === 'files')
        await remote.loadDictionaryFiles(d.source, d.weights.slice(), d.config, d.interpretation);
      else {
        const outcome = await remote.switchSession({ model: null, dictionary: d, ifDictionaryFails: 'keep-previous' });
        if (!outcome.ok) throw new Error(outcome.failure.message);
      }
      restored.push('the dictionary');
    }
    for (const image of this.images.values()) {
      image.workerId = (await remote.analyzeImage(image.file, image.name)).imageId;
    }
    if (this.images.size > 0) restored.push(`${this.images.size} image${this.images.size === 1 ? '' : 's'}`);
    const what = restored.length === 0 ? 'nothing needed reloading' : `reloaded ${restored.join(', ')}`;
    return `the explorer restarted on ${backend.toUpperCase()} and ${what}.`;
  }

  private tell(fault: ExplorerFault): void {
    for (const listener of this.listeners) listener(fault);
  }

  /** Runs `call` on the current worker; after a fault, once more on its replacement. */
  private async call<T>(call: (remote: Remote<ExplorerWorkerApi>) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      if (this.recovering) await this.recovering;
      const generation = this.generation;
      try {
        return await Promise.race([call(generation.remote), generation.failed]);
      } catch (error) {
        // A call on a GPU that is going away can fail before the worker reports the loss.
        const fault = error instanceof WorkerFault ? error : await faultWithin(generation, FAULT_SETTLE_MS);
        if (fault === null || attempt > 0) throw error;
        await this.recover(generation, fault);
      }
    }
  }

  private workerId(imageId: number): number {
    return this.images.get(imageId)?.workerId ?? imageId;
  }

  async switchSession(request: SessionRequest, onProgress?: Parameters<ExplorerApi['switchSession']>[1]) {
    // Kept for a replay: the worker may detach the bytes it is sent.
    const dictionary = keptDictionary(request.dictionary);
    const outcome = await this.call<SessionOutcome>((r) => r.switchSession(request, onProgress && proxy(onProgress)));
    if (outcome.ok) {
      if (request.model) this.model = request.model;
      this.dictionary = outcome.dictionary === null ? null : dictionary;
      this.images.clear();
    }
    return outcome;
  }

  async loadModel(...[id, device, hub, onProgress, folder]: Parameters<ExplorerApi['loadModel']>) {
    const info = await this.call((r) => r.loadModel(id, device, hub, onProgress && proxy(onProgress), folder));
    const same =
      this.model &&
      JSON.stringify([this.model.id, this.model.device, this.model.hub]) === JSON.stringify([id, device, hub]);
    if (!same) this.images.clear();
    this.model = { id, device, hub, folder };
    return info;
  }

  async loadDictionary(base: string) {
    const summary = await this.call((r) => r.loadDictionary(base));
    this.dictionary = { kind: 'url', base };
    this.images.clear();
    return summary;
  }

  async loadDictionaryFiles(source: string, weights: Uint8Array, config: string, interpretation: string | null) {
    const kept = weights.slice();
    const summary = await this.call((r) => r.loadDictionaryFiles(source, weights, config, interpretation));
    this.dictionary = { kind: 'files', source, weights: kept, config, interpretation };
    this.images.clear();
    return summary;
  }

  async analyzeImage(file: Blob, name: string) {
    const analysis = await this.call((r) => r.analyzeImage(file, name));
    this.images.set(analysis.imageId, { file, name, workerId: analysis.imageId });
    return analysis;
  }

  async heatmap(imageId: number, latent: number) {
    const heatmap = await this.call((r) => r.heatmap(this.workerId(imageId), latent));
    return { ...heatmap, imageId };
  }

  async forgetImage(imageId: number) {
    const workerId = this.workerId(imageId);
    this.images.delete(imageId);
    await this.call((r) => r.forgetImage(workerId));
  }

  analyzeText(text: string) {
    return this.call((r) => r.analyzeText(text));
  }

  transport(imageId: number, caption: string) {
    return this.call((r) => r.transport(this.workerId(imageId), caption));
  }

  encodePixels(pixels: Float32Array) {
    return this.call((r) => r.encodePixels(pixels));
  }

  encodeImageFile(file: Blob, name: string) {
    return this.call((r) => r.encodeImageFile(file, name));
  }

  encodeText(text: string) {
    return this.call((r) => r.encodeText(text));
  }

  backendInUse() {
    return this.call((r) => r.backendInUse());
  }
}

function keptDictionary(source: DictionarySource | null): DictionarySource | null {
  return source?.kind === 'files' ? { ...source, weights: source.weights.slice() } : source;
}

/** How long a failed call waits for its worker to report a fault before counting as an ordinary error. */
const FAULT_SETTLE_MS = 300;

function faultWithin(generation: Generation, ms: number): Promise<WorkerFault | null> {
  const timer = new Promise<null>((resolve) => setTimeout(() => resolve(null), ms));
  return Promise.race([generation.failed.catch((fault: WorkerFault) => fault), timer]);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

let client: ExplorerClient | undefined;

/** The page's handle on the explorer worker (started on first use; one per page). */
export function explorer(): ExplorerClient {
  client ??= new ResilientExplorer(backendFromUrl(window.location.search));
  return client;
}
