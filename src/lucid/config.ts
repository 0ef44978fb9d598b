import { LucidInputError } from './errors';

/** The two modalities LUCID encodes. */
export type Modality = 'image' | 'text';
export const MODALITIES: readonly Modality[] = ['image', 'text'];

/**
 * Everything that fixes a LUCID dictionary's shape and training objective.
 * Latents are laid out as [shared | image-private | text-private]; see docs/lucid-core.md.
 */
export interface LucidConfig {
  /** Width of the image tower's patch activations (d_v). */
  dImage: number;
  /** Width of the text tower's token activations (d_t). */
  dText: number;
  /** Latents used by both modalities (m_s). */
  nShared: number;
  /** Latents only image patches may use (m_v). */
  nImagePrivate: number;
  /** Latents only text tokens may use (m_t). */
  nTextPrivate: number;
  /** Active latents per token after Top-K. */
  k: number;
  /**
   * At most this many of a token's k codes may be private latents (the rest are shared), so that
   * private capacity cannot crowd the shared concepts out of Top-K; k means no cap.
   */
  kPrivate: number;
  /**
   * Alignment (GCMT, contrast) reads each row's top-alignK codes, the sparse codes the views show;
   * 0 means the dense ReLU pre-activations (the first design, kept for old dictionaries).
   */
  alignK: number;
  /** Latents the AuxK loss may use to explain the residual (Gao et al. 2024 use d_in / 2). */
  kAux: number;
  /** A latent silent for this many tokens (either modality) counts as dead. */
  deadAfterTokens: number;
  /** Weight of the AuxK loss (Gao et al. 2024 use 1/32). */
  auxWeight: number;
  /** Weight of the GCMT alignment loss Σ P_ij C_ij on matched image–caption pairs. */
  gcmtWeight: number;
  /** Weight of the in-batch contrast (InfoNCE on −OT cost / τ). */
  contrastWeight: number;
  /** Temperature τ of the batch contrast, in units of transport cost. */
  contrastTemperature: number;
  /** Entropy regularisation ε of the Sinkhorn solver, in units of cost (costs lie in [0, 1]). */
  sinkhornEpsilon: number;
  /** Log-domain Sinkhorn iterations (fixed count, so a step has a fixed cost on every backend). */
  sinkhornIterations: number;
  /** Share of each patch's plan mass moved to its grid neighbours (structural guidance), in [0, 1). */
  structuralSmoothing: number;
  /** Starting cost of sending mass to the dustbin; learned afterwards. */
  dustbinCostInit: number;
  /** Adam learning rate. */
  learningRate: number;
}

export const DEFAULT_CONFIG: Readonly<Omit<LucidConfig, 'dImage' | 'dText'>> = {
  nShared: 256,
  nImagePrivate: 64,
  nTextPrivate: 64,
  k: 16,
  kPrivate: 4,
  alignK: 32,
  kAux: 64,
  deadAfterTokens: 100_000,
  auxWeight: 1 / 32,
  gcmtWeight: 0.5,
  contrastWeight: 0.5,
  contrastTemperature: 0.05,
  sinkhornEpsilon: 0.05,
  sinkhornIterations: 30,
  structuralSmoothing: 0.3,
  dustbinCostInit: 0.6,
  learningRate: 1e-3,
};

/** The smallest and largest dustbin cost the transport uses: inside [0, 1], the range of 1 − cos. */
export const DUSTBIN_COST_RANGE: readonly [number, number] = [0.05, 0.95];

/**
 * Fields added after the first files were written, with the values that reproduce how those files
 * were trained (no private cap, alignment on dense pre-activations).
 */
export function withLegacyDefaults(config: Partial<LucidConfig>): Partial<LucidConfig> {
  return { ...config, kPrivate: config.kPrivate ?? config.k, alignK: config.alignK ?? 0 };
}

/** A full configuration from the input widths and any overrides, checked. */
export function makeConfig(dims: { dImage: number; dText: number }, overrides: Partial<LucidConfig> = {}): LucidConfig {
  const config: LucidConfig = { ...DEFAULT_CONFIG, ...dims, ...overrides };
  validateConfig(config);
  return config;
}

/** Total number of latents m = m_s + m_v + m_t. */
export function latentCount(config: Pick<LucidConfig, 'nShared' | 'nImagePrivate' | 'nTextPrivate'>): number {
  return config.nShared + config.nImagePrivate + config.nTextPrivate;
}

/** Which kind a latent is in the layout [shared | image-private | text-private]. */
export function latentKind(config: LucidConfig, latent: number): 'shared' | 'image' | 'text' {
  if (latent < config.nShared) return 'shared';
  return latent < config.nShared + config.nImagePrivate ? 'image' : 'text';
}

/** Input width of a modality. */
export function inputWidth(config: LucidConfig, modality: Modality): number {
  return modality === 'image' ? config.dImage : config.dText;
}

/** Latents a modality may use: its shared ones plus its own private ones. */
export function allowedLatentCount(config: LucidConfig, modality: Modality): number {
  return config.nShared + (modality === 'image' ? config.nImagePrivate : config.nTextPrivate);
}

/** Whether a modality has any latent at all (false for the missing tower of a single imported SAE). */
export function hasModality(config: LucidConfig, modality: Modality): boolean {
  return allowedLatentCount(config, modality) > 0;
}

/** Half-open index range [start, end) of a modality's private latents. */
export function privateRange(config: LucidConfig, modality: Modality): [number, number] {
  const start = modality === 'image' ? config.nShared : config.nShared + config.nImagePrivate;
  const size = modality === 'image' ? config.nImagePrivate : config.nTextPrivate;
  return [start, start + size];
}

const INTEGER_FIELDS = [
  'dImage',
  'dText',
  'nShared',
  'nImagePrivate',
  'nTextPrivate',
  'k',
  'kPrivate',
  'alignK',
  'kAux',
  'deadAfterTokens',
  'sinkhornIterations',
] as const;

const REAL_FIELDS = [
  'auxWeight',
  'gcmtWeight',
  'contrastWeight',
  'contrastTemperature',
  'sinkhornEpsilon',
  'structuralSmoothing',
  'dustbinCostInit',
  'learningRate',
] as const;

/** Throws a LucidInputError naming the first field that is missing, of the wrong kind or out of range. */
export function validateConfig(config: Partial<LucidConfig>): asserts config is LucidConfig {
  for (const field of INTEGER_FIELDS) {
    const value = config[field];
    if (value === undefined) throw new LucidInputError(`missing field '${field}'`);
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw new LucidInputError(`config.${field} must be an integer, got ${String(value)}`);
    }
    // nShared may be 0: two per-modality SAEs in one model (a baseline).
    const min = ['nShared', 'nImagePrivate', 'nTextPrivate', 'kPrivate', 'alignK'].includes(field) ? 0 : 1;
    if (value < min) throw new LucidInputError(`config.${field} must be ≥ ${min}, got ${value}`);
  }
  for (const field of REAL_FIELDS) {
    const value = config[field];
    if (value === undefined) throw new LucidInputError(`missing field '${field}'`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new LucidInputError(`config.${field} must be a finite number ≥ 0, got ${String(value)}`);
    }
  }
  const c = config as LucidConfig;
  const maxLatents = 1 << 20;
  if (latentCount(c) > maxLatents) {
    throw new LucidInputError(`config has ${latentCount(c)} latents; at most ${maxLatents} are supported`);
  }
  if (c.dImage > 65536 || c.dText > 65536) {
    throw new LucidInputError(`config input widths must be ≤ 65536, got ${c.dImage} and ${c.dText}`);
  }
  if (MODALITIES.every((modality) => allowedLatentCount(c, modality) === 0)) {
    throw new LucidInputError('config has no latents: nShared, nImagePrivate and nTextPrivate are all 0');
  }
  for (const modality of MODALITIES) {
    // A modality with no latents at all is absent: a single image or text SAE opened on its own
    // (docs/interop.md). Its side encodes to all-zero codes.
    if (allowedLatentCount(c, modality) === 0) continue;
    if (c.k > allowedLatentCount(c, modality)) {
      throw new LucidInputError(
        `config.k = ${c.k} exceeds the ${allowedLatentCount(c, modality)} latents the ${modality} side may use`,
      );
    }
  }
  if (c.sinkhornEpsilon <= 0) throw new LucidInputError('config.sinkhornEpsilon must be > 0');
  if (c.contrastTemperature <= 0) throw new LucidInputError('config.contrastTemperature must be > 0');
  if (c.structuralSmoothing >= 1) throw new LucidInputError('config.structuralSmoothing must be < 1');
}
