/**
 * Validation of window sizes, slides, offsets and gaps (programmer mistakes: `TypeError`).
 */

/** Throws a TypeError unless `value` is a finite number. */
export function checkFinite(where: string, name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`${where}: ${name} must be a finite number of milliseconds, got ${String(value)}`);
  }
}

/** Throws a TypeError unless `value` is a finite number > 0. */
export function checkPositive(where: string, name: string, value: number): void {
  checkFinite(where, name, value);
  if (value <= 0) throw new TypeError(`${where}: ${name} must be > 0, got ${value}`);
}
