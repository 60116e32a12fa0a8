/**
 * `TriggerResult`: what a trigger tells the window operator to do with a window, as Flink's enum.
 */

/** The names of the four trigger results. */
export type TriggerResultName = 'CONTINUE' | 'FIRE' | 'PURGE' | 'FIRE_AND_PURGE';

/**
 * The result of a trigger call. `FIRE` evaluates the window function on the window's contents and keeps them;
 * `PURGE` clears the contents; `FIRE_AND_PURGE` does both; `CONTINUE` does nothing. The four values are singletons;
 * the operator tests them with `isFire()` and `isPurge()`.
 */
export class TriggerResult {
  /** Do nothing. */
  static readonly CONTINUE = new TriggerResult('CONTINUE', false, false);
  /** Evaluate the window and emit the result, then purge the window's contents. */
  static readonly FIRE_AND_PURGE = new TriggerResult('FIRE_AND_PURGE', true, true);
  /** Evaluate the window and emit the result; the contents stay. */
  static readonly FIRE = new TriggerResult('FIRE', true, false);
  /** Clear the window's contents without evaluating it (the window itself and its trigger state stay). */
  static readonly PURGE = new TriggerResult('PURGE', false, true);

  /** The result's name. */
  readonly name: TriggerResultName;
  private readonly fire: boolean;
  private readonly purge: boolean;

  private constructor(name: TriggerResultName, fire: boolean, purge: boolean) {
    this.name = name;
    this.fire = fire;
    this.purge = purge;
  }

  /** Whether the window is evaluated (FIRE, FIRE_AND_PURGE). */
  isFire(): boolean {
    return this.fire;
  }

  /** Whether the window's contents are cleared (PURGE, FIRE_AND_PURGE). */
  isPurge(): boolean {
    return this.purge;
  }

  /** The result's name. */
  toString(): string {
    return this.name;
  }
}
