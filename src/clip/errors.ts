/** Errors of the CLIP loader and encoder; `message` is shown to the user as is. */

/** An image or text the encoder cannot take (corrupt file, empty or over-long text…). */
export class ClipInputError extends Error {
  override name = 'ClipInputError';
}

/** A model that cannot be loaded (missing file, unreachable hub, unsupported architecture). */
export class ClipLoadError extends Error {
  override name = 'ClipLoadError';
}
