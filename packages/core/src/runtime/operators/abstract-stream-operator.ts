/**
 * The base of weir's operators: keeps the context and output, opens and closes user functions, wraps what user code
 * throws into a {@link UserFunctionError} naming the operator, the subtask and the record position, and forwards
 * watermarks.
 */
import { UserFunctionError, WeirError } from '../../errors.js';
import type { OperatorSnapshot } from '../../checkpoint/task-state.js';
import { isCheckpointedFunction, isCheckpointListener } from '../../functions/checkpointed-function.js';
import type { RichFunction, RuntimeContext } from '../../functions/user-functions.js';
import { OperatorStateStore } from '../../state/operator-state-store.js';
import { isPromise, type MaybePromise, type OperatorContext, type Output, type StreamOperator } from '../stream-operator.js';

/** Shared behaviour of operators; subclasses implement `processElement`. */
export abstract class AbstractStreamOperator implements StreamOperator {
  protected context!: OperatorContext;
  protected downstream!: Output;
  private operatorState: OperatorStateStore | undefined;

  /** The user functions (objects) whose `open`/`close` this operator calls. */
  protected abstract userFunctions(): readonly unknown[];

  setup(context: OperatorContext, output: Output): void {
    this.context = context;
    this.downstream = output;
  }

  open(): MaybePromise {
    const runtimeContext = this.userRuntimeContext();
    const opened = (): MaybePromise => this.callEach('open', (f) => f.open?.(runtimeContext));
    if (!this.userFunctions().some(isCheckpointedFunction)) return opened();
    // CheckpointedFunction: initializeState comes before open, as in Flink.
    const store = (this.operatorState ??= new OperatorStateStore(this.context.restored?.lists));
    const context = { isRestored: () => this.context.restored !== undefined, getOperatorStateStore: () => store };
    const r = this.callEach('initializeState', (f) => (isCheckpointedFunction(f) ? f.initializeState(context) : undefined));
    return r === undefined ? opened() : r.then(opened);
  }

  /** The operator list states of this instance (created on first use). */
  protected get operatorStateStore(): OperatorStateStore {
    return (this.operatorState ??= new OperatorStateStore(this.context.restored?.lists));
  }

  /**
   * The operator's part of a checkpoint: user functions that implement `CheckpointedFunction` write their state
   * first, then the operator list states are taken. Subclasses add theirs.
   */
  snapshotState(checkpointId: number, timestamp: number): OperatorSnapshot | Promise<OperatorSnapshot> {
    const context = { getCheckpointId: () => checkpointId, getCheckpointTimestamp: () => timestamp };
    const r = this.callEach('snapshotState', (f) => (isCheckpointedFunction(f) ? f.snapshotState(context) : undefined));
    const take = (): OperatorSnapshot => (this.operatorState === undefined ? {} : { lists: this.operatorState.snapshot() });
    return r === undefined ? take() : r.then(take);
  }

  /** Tells user functions that implement `CheckpointListener`. */
  notifyCheckpointComplete(checkpointId: number): MaybePromise {
    return this.callEach('notifyCheckpointComplete', (f) => (isCheckpointListener(f) ? f.notifyCheckpointComplete(checkpointId) : undefined));
  }

  /** The runtime context user functions get in `open` (keyed operators add keyed state). */
  protected userRuntimeContext(): RuntimeContext {
    return this.context.runtimeContext;
  }

  abstract processElement(value: unknown, timestamp: number | undefined, inputIndex: number): MaybePromise;

  processWatermark(watermark: number): MaybePromise {
    return this.downstream.emitWatermark(watermark);
  }

  processWatermarkStatus(idle: boolean): MaybePromise {
    return this.downstream.emitWatermarkStatus(idle);
  }

  endInput(_inputIndex: number): MaybePromise {
    return undefined;
  }

  finish(): MaybePromise {
    return undefined;
  }

  close(): MaybePromise {
    return this.callEach('close', (f) => f.close?.());
  }

  /** Wraps an error thrown by user code; errors that are already weir's pass through unchanged. */
  protected userError(error: unknown, phase?: string, position?: number): Error {
    if (error instanceof WeirError) return error;
    return new UserFunctionError(
      {
        operatorName: this.context.name,
        operatorUid: this.context.uid,
        subtaskIndex: this.context.subtaskIndex,
        recordPosition: phase === undefined ? (position ?? this.context.recordPosition()) : undefined,
        ...(phase === undefined ? {} : { phase }),
      },
      error,
    );
  }

  /**
   * Calls user code `fn(a, b)` for the current record: what it throws or rejects with becomes the operator's error.
   * Takes the function and its arguments rather than a closure, so the per-record path allocates nothing.
   */
  protected callUser<A, B>(fn: (a: A, b: B) => unknown, self: unknown, a: A, b: B): MaybePromise {
    let r: unknown;
    try {
      r = fn.call(self, a, b);
    } catch (e) {
      throw this.userError(e);
    }
    return this.guard(r);
  }

  /** Maps a rejected promise of user code to a wrapped error. */
  protected guard(result: unknown): MaybePromise {
    if (isPromise(result)) {
      const position = this.context.recordPosition();
      return result.then(
        () => undefined,
        (e: unknown) => {
          throw this.userError(e, undefined, position);
        },
      );
    }
    return undefined;
  }

  private callEach(phase: 'open' | 'close' | 'initializeState' | 'snapshotState' | 'notifyCheckpointComplete', call: (f: RichFunction) => unknown): MaybePromise {
    const fns = this.userFunctions().filter((f): f is RichFunction => typeof f === 'object' && f !== null);
    let chain: Promise<void> | undefined;
    for (const f of fns) {
      const run = (): MaybePromise => {
        let r: unknown;
        try {
          r = call(f);
        } catch (e) {
          throw this.userError(e, `in ${phase}()`);
        }
        if (isPromise(r)) {
          return r.then(
            () => undefined,
            (e: unknown) => {
              throw this.userError(e, `in ${phase}()`);
            },
          );
        }
        return undefined;
      };
      if (chain) chain = chain.then(run);
      else {
        const r = run();
        if (r) chain = r;
      }
    }
    return chain;
  }
}

/** Picks the callable of a function given as a plain function or as an object with `method`. */
export function resolveFunction<F extends (...args: any[]) => any>(fn: unknown, method: string, apiName: string): F {
  if (typeof fn === 'function') return fn as F;
  if (typeof fn === 'object' && fn !== null && typeof (fn as Record<string, unknown>)[method] === 'function') {
    const f = (fn as Record<string, F>)[method];
    return f.bind(fn) as F;
  }
  throw new TypeError(`${apiName} expects a function or an object with a ${method}() method`);
}
