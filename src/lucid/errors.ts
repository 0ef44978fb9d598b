/**
 * Errors the LUCID core throws for bad input. Each names the problem in words a user can act on;
 * callers (worker, command line, UI) show `message` as is.
 */

/** A batch, a tensor shape or a configuration value is not what the model needs. */
export class LucidInputError extends Error {
  override name = 'LucidInputError';
}

/** A weights or config file cannot be read, or does not fit the configuration it comes with. */
export class LucidFormatError extends Error {
  override name = 'LucidFormatError';
}

/** Throws a LucidInputError unless `condition` holds. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new LucidInputError(message);
}
