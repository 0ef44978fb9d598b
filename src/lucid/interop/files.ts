import { LucidFormatError } from '../errors';
import type { NamedArray } from '../safetensors';

/**
 * Checks shared by the readers of other libraries' folders. Every message starts with the name of
 * the file at fault, as those of src/lucid/weightsIO.ts do.
 */

/** A JSON object read from `text`; "cfg.json: not valid JSON" and the like otherwise. */
export function parseJsonObject(text: string, label: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new LucidFormatError(`${label}: not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LucidFormatError(`${label}: not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** A positive integer field of a config, or the fallback when the field is absent. */
export function positiveInteger(cfg: Record<string, unknown>, field: string, label: string, fallback?: number): number {
  const value = cfg[field] ?? fallback;
  if (value === undefined) throw new LucidFormatError(`${label}: missing field "${field}"`);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new LucidFormatError(`${label}: "${field}" must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A boolean field of a config, or the fallback when the field is absent. */
export function booleanField(cfg: Record<string, unknown>, field: string, label: string, fallback: boolean): boolean {
  const value = cfg[field] ?? fallback;
  if (typeof value !== 'boolean') {
    throw new LucidFormatError(`${label}: "${field}" must be true or false, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * The values of tensor `name`, checked for presence, shape and finiteness.
 * @param layout what the shape means, for the message ("[d_in, d_sae]")
 */
export function tensorValues(
  tensors: Map<string, NamedArray>,
  name: string,
  shape: number[],
  layout: string,
  label: string,
): Float32Array {
  const tensor = tensors.get(name);
  if (!tensor) throw new LucidFormatError(`${label}: no tensor ${name} (${layout})`);
  if (tensor.shape.length !== shape.length || tensor.shape.some((s, i) => s !== shape[i])) {
    throw new LucidFormatError(
      `${label}: tensor ${name} has shape [${tensor.shape}] but the config needs ${layout} = [${shape}]`,
    );
  }
  const bad = tensor.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new LucidFormatError(`${label}: tensor ${name} holds ${tensor.data[bad]} at index ${bad}`);
  return tensor.data;
}
