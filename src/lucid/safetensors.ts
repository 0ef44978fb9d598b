import { LucidFormatError } from './errors';

/**
 * The safetensors container (https://huggingface.co/docs/safetensors): an 8-byte little-endian
 * header length, a JSON header {name: {dtype, shape, data_offsets: [begin, end]}, __metadata__},
 * then the raw little-endian tensor bytes. Only float32 ("F32") is written or read here.
 */
export interface NamedArray {
  shape: number[];
  data: Float32Array;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

const MAX_HEADER_BYTES = 100_000_000;

/** Serialises tensors (in the given order) and string metadata into one file. */
export function encodeSafetensors(tensors: Map<string, NamedArray>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, HeaderEntry | Record<string, string>> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, { shape, data }] of tensors) {
    const count = shape.reduce((a, b) => a * b, 1);
    if (count !== data.length) {
      throw new LucidFormatError(`tensor ${name} has ${data.length} values but shape [${shape}] needs ${count}`);
    }
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
  }
  // Pad the header with spaces so the tensor data starts 8-byte aligned, as the reference writer does.
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const { data } of tensors.values()) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    at += data.byteLength;
  }
  return out;
}

/** Parses a safetensors file; throws a LucidFormatError saying what is wrong with it. */
export function decodeSafetensors(bytes: Uint8Array): {
  tensors: Map<string, NamedArray>;
  metadata: Record<string, string>;
} {
  if (bytes.length < 8) throw new LucidFormatError(`weights file is ${bytes.length} bytes, too short for safetensors`);
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES || 8 + headerLength > bytes.length) {
    throw new LucidFormatError(
      `weights file declares a ${headerLength}-byte header but holds ${bytes.length} bytes: not safetensors, or truncated`,
    );
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    throw new LucidFormatError('weights file header is not valid JSON: not a safetensors file');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new LucidFormatError('weights file header is not a JSON object');
  }
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const tensors = new Map<string, NamedArray>();
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = value as Record<string, string>;
      continue;
    }
    const entry = value as Partial<HeaderEntry>;
    if (entry.dtype !== 'F32') {
      throw new LucidFormatError(`tensor ${name} has dtype ${String(entry.dtype)}; only F32 is supported`);
    }
    const shape = entry.shape;
    const offsets = entry.data_offsets;
    if (!Array.isArray(shape) || !shape.every((s) => Number.isInteger(s) && s >= 0)) {
      throw new LucidFormatError(`tensor ${name} has an invalid shape`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !(offsets[0] <= offsets[1]) || offsets[1] > dataLength) {
      throw new LucidFormatError(
        `tensor ${name} lies outside the file's ${dataLength} data bytes: the weights file is truncated or corrupt`,
      );
    }
    const count = shape.reduce((a, b) => a * b, 1);
    if (offsets[1] - offsets[0] !== count * 4) {
      throw new LucidFormatError(
        `tensor ${name} has ${offsets[1] - offsets[0]} bytes but shape [${shape}] needs ${count * 4}`,
      );
    }
    // Copy: the slice may not be 4-byte aligned, and callers must not share the file's buffer.
    const copy = bytes.slice(dataStart + offsets[0], dataStart + offsets[1]);
    tensors.set(name, { shape, data: new Float32Array(copy.buffer) });
  }
  return { tensors, metadata };
}
