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

/** "1.6 MB", "300 kB", "12 bytes": a file size as a message gives it. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/**
 * Parses a safetensors file; throws a LucidFormatError saying what is wrong with it, prefixed by `label`
 * (the file's name where the caller knows it). The header is checked whole before any tensor is read:
 * a file shorter than its header says is "truncated", offsets that do not match a shape or that overlap
 * another tensor's are a corrupt header.
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  label = 'weights file',
): {
  tensors: Map<string, NamedArray>;
  metadata: Record<string, string>;
} {
  const fail = (problem: string) => new LucidFormatError(`${label}: ${problem}`);
  if (bytes.length < 8) throw fail(`${bytes.length} bytes, too short for safetensors`);
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES || bytes[8] !== 0x7b /* { */) {
    throw fail('not a safetensors file (it does not start with a header length and a JSON header)');
  }
  if (8 + headerLength > bytes.length) {
    throw fail(
      `truncated (its header alone needs ${formatBytes(8 + headerLength)}, the file has ${formatBytes(bytes.length)})`,
    );
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    throw fail('not a safetensors file (its header is not valid JSON)');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw fail('not a safetensors file (its header is not a JSON object)');
  }
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const entries: [string, HeaderEntry][] = [];
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = value as Record<string, string>;
      continue;
    }
    const entry = value as Partial<HeaderEntry>;
    if (entry.dtype !== 'F32') throw fail(`tensor ${name} is ${String(entry.dtype)}; only F32 (float32) is read`);
    const { shape, data_offsets: offsets } = entry;
    if (!Array.isArray(shape) || !shape.every((s) => Number.isInteger(s) && s >= 0)) {
      throw fail(`tensor ${name} has an invalid shape`);
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every(Number.isInteger) ||
      !(0 <= offsets[0] && offsets[0] <= offsets[1])
    ) {
      throw fail(`tensor ${name} has invalid data offsets: the header is corrupt`);
    }
    const count = shape.reduce((a, b) => a * b, 1);
    if (offsets[1] - offsets[0] !== count * 4) {
      throw fail(
        `the header gives tensor ${name} ${offsets[1] - offsets[0]} bytes but shape [${shape}] needs ${count * 4}`,
      );
    }
    entries.push([name, entry as HeaderEntry]);
  }
  const end = Math.max(0, ...entries.map(([, entry]) => entry.data_offsets[1]));
  if (end > dataLength) {
    throw fail(
      `truncated (the header says ${formatBytes(dataStart + end)}, the file has ${formatBytes(bytes.length)})`,
    );
  }
  // Sorted by start, a tensor overlaps an earlier one when it starts before the furthest end so far.
  const byStart = [...entries].sort(([, a], [, b]) => a.data_offsets[0] - b.data_offsets[0]);
  let furthest: [string, number] = ['', 0];
  for (const [name, { data_offsets: offsets }] of byStart) {
    if (offsets[1] > offsets[0] && offsets[0] < furthest[1]) {
      throw fail(`tensors ${furthest[0]} and ${name} overlap: the header is corrupt`);
    }
    if (offsets[1] > furthest[1]) furthest = [name, offsets[1]];
  }
  const tensors = new Map<string, NamedArray>();
  for (const [name, { shape, data_offsets: offsets }] of entries) {
    // Copy: the slice may not be 4-byte aligned, and callers must not share the file's buffer.
    const copy = bytes.slice(dataStart + offsets[0], dataStart + offsets[1]);
    tensors.set(name, { shape, data: new Float32Array(copy.buffer) });
  }
  return { tensors, metadata };
}
