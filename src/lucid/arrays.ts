/** Typed arrays laid end to end. */
export function concatArrays(parts: readonly Float32Array[]): Float32Array;
export function concatArrays(parts: readonly Uint8Array[]): Uint8Array;
export function concatArrays(parts: readonly (Float32Array | Uint8Array)[]): Float32Array | Uint8Array {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const out = parts[0] instanceof Uint8Array ? new Uint8Array(length) : new Float32Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
