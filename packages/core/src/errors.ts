/**
 * Errors of `@weir/core`. Every error carries a stable `code` (matched by code, since errors cross process
 * boundaries) and, where there is one, the `cause`. Programmer mistakes throw `TypeError`.
 */

/** The stable codes of weir's errors; listed in the README. */
export const ErrorCodes = {
  /** A user function threw while processing a record or timer. */
  USER_FUNCTION_FAILED: 'WEIR_USER_FUNCTION_FAILED',
  /** The job failed and the restart strategy gave up. */
  JOB_FAILED: 'WEIR_JOB_FAILED',
  /** The job was cancelled. */
  JOB_CANCELLED: 'WEIR_JOB_CANCELLED',
  /** The job graph is invalid (for example forward partitioning between different parallelisms). */
  INVALID_JOB_GRAPH: 'WEIR_INVALID_JOB_GRAPH',
  /** BATCH mode was requested for a job with an unbounded source. */
  UNBOUNDED_SOURCE_IN_BATCH: 'WEIR_UNBOUNDED_SOURCE_IN_BATCH',
  /** A frame arrived out of sequence on a channel (a gap or a duplicate). */
  CHANNEL_SEQUENCE: 'WEIR_CHANNEL_SEQUENCE',
  /** A frame could not be decoded. */
  MALFORMED_FRAME: 'WEIR_MALFORMED_FRAME',
  /** A transport is closed or failed. */
  TRANSPORT_CLOSED: 'WEIR_TRANSPORT_CLOSED',
  /** A configuration value is invalid. */
  INVALID_CONFIGURATION: 'WEIR_INVALID_CONFIGURATION',
  /** Not enough task slots to deploy the job. */
  NOT_ENOUGH_SLOTS: 'WEIR_NOT_ENOUGH_SLOTS',
  /** A source failed to read its input (file, socket). */
  SOURCE_FAILED: 'WEIR_SOURCE_FAILED',
  /** A sink failed to write. */
  SINK_FAILED: 'WEIR_SINK_FAILED',
  /** A feature of the API that this version does not provide yet. */
  UNSUPPORTED_OPERATION: 'WEIR_UNSUPPORTED_OPERATION',
  /** The job program did not define a job (it never called execute). */
  NO_JOB_DEFINED: 'WEIR_NO_JOB_DEFINED',
  /** A key belongs to a key group outside the range of the keyed state backend or timer queue it was given to. */
  KEY_GROUP_OUT_OF_RANGE: 'WEIR_KEY_GROUP_OUT_OF_RANGE',
  /** A keyed state backend was used while it was not open (before `open` or after `close`). */
  STATE_BACKEND_NOT_OPEN: 'WEIR_STATE_BACKEND_NOT_OPEN',
  /**
   * State does not fit: a state name registered as another type (or with time-to-live on one side only) than before
   * or than in the restored snapshot, or a snapshot taken with another max parallelism.
   */
  STATE_INCOMPATIBLE: 'WEIR_STATE_INCOMPATIBLE',
  /** A keyed state or timer snapshot is malformed (corrupt data); nothing of it was restored. */
  INVALID_STATE_SNAPSHOT: 'WEIR_INVALID_STATE_SNAPSHOT',
  /** A record without a timestamp reached an event-time window (or trigger); call `assignTimestampsAndWatermarks`. */
  MISSING_TIMESTAMP: 'WEIR_MISSING_TIMESTAMP',
  /** A checkpoint could not be completed (a task declined it, it timed out, or its storage failed). */
  CHECKPOINT_FAILED: 'WEIR_CHECKPOINT_FAILED',
  /** A checkpoint or savepoint file is corrupt or truncated (its checksum or format does not match). */
  CHECKPOINT_CORRUPT: 'WEIR_CHECKPOINT_CORRUPT',
  /** No checkpoint or savepoint at the given path or id. */
  CHECKPOINT_NOT_FOUND: 'WEIR_CHECKPOINT_NOT_FOUND',
  /** Checkpoint storage could not be read or written (a file system or object store error). */
  CHECKPOINT_STORAGE_FAILED: 'WEIR_CHECKPOINT_STORAGE_FAILED',
  /**
   * A savepoint does not fit the job: it holds state of an operator (uid) that the job lacks (without
   * `allowNonRestoredState`), or state of an incompatible shape.
   */
  SAVEPOINT_MISMATCH: 'WEIR_SAVEPOINT_MISMATCH',
  /** A sink could not commit what a checkpoint prepared (two-phase commit). */
  SINK_COMMIT_FAILED: 'WEIR_SINK_COMMIT_FAILED',
  /** A NATS connection configuration is wrong (two authentication methods, an unreadable file, ...). */
  NATS_CONFIGURATION_INVALID: 'WEIR_NATS_CONFIGURATION_INVALID',
  /** A NATS server refused the credentials. */
  NATS_AUTHENTICATION_FAILED: 'WEIR_NATS_AUTHENTICATION_FAILED',
  /** The TLS handshake with a NATS server failed (unknown CA, missing or refused client certificate). */
  NATS_TLS_FAILED: 'WEIR_NATS_TLS_FAILED',
  /** No NATS server answered. */
  NATS_UNREACHABLE: 'WEIR_NATS_UNREACHABLE',
  /** A NATS server refused a publish or a subscription on a subject the user may not use. */
  NATS_PERMISSION_DENIED: 'WEIR_NATS_PERMISSION_DENIED',
  /** A control-plane peer refused a message (malformed, unknown, not handled, or its handler failed). */
  CONTROL_MESSAGE_REFUSED: 'WEIR_CONTROL_MESSAGE_REFUSED',
  /** A control-plane request got no answer (no endpoint, timeout, or an answer that is not a reply). */
  CONTROL_REQUEST_FAILED: 'WEIR_CONTROL_REQUEST_FAILED',
  /** No job bundle with the given content hash is stored. */
  JOB_BUNDLE_NOT_FOUND: 'WEIR_JOB_BUNDLE_NOT_FOUND',
  /** A stored job bundle's bytes do not match its content hash. */
  JOB_BUNDLE_CORRUPT: 'WEIR_JOB_BUNDLE_CORRUPT',
  /** A job's metadata record (in JetStream KV) cannot be read as one, or a record for a job id exists already. */
  JOB_METADATA_INVALID: 'WEIR_JOB_METADATA_INVALID',
} as const;

/** One of the values of {@link ErrorCodes}. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** The base class of weir's errors: a message, a stable `code` and an optional `cause`. */
export class WeirError extends Error {
  /** The stable code of this error, one of {@link ErrorCodes}. */
  readonly code: ErrorCode;

  /** Creates an error with a code, a message and an optional cause. */
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WeirError';
    this.code = code;
  }
}

/**
 * A user function failed. The message names the operator (name and uid), the subtask, the position of the record
 * in the task's input and the cause.
 */
export class UserFunctionError extends WeirError {
  /** The name of the operator whose function threw. */
  readonly operatorName: string;
  /** The uid of the operator, if one was set. */
  readonly operatorUid: string | undefined;
  /** The subtask index of the failing instance. */
  readonly subtaskIndex: number;
  /** The 1-based position of the failing record in the task's input, or undefined outside record processing. */
  readonly recordPosition: number | undefined;

  /** Creates the error; `cause` is what the user function threw. */
  constructor(
    info: { operatorName: string; operatorUid: string | undefined; subtaskIndex: number; recordPosition: number | undefined; phase?: string },
    cause: unknown,
  ) {
    const uid = info.operatorUid === undefined ? '' : ` (uid "${info.operatorUid}")`;
    const where =
      info.recordPosition === undefined
        ? (info.phase ?? 'outside record processing')
        : `while processing record #${info.recordPosition} of its input`;
    super(
      ErrorCodes.USER_FUNCTION_FAILED,
      `Operator "${info.operatorName}"${uid}, subtask ${info.subtaskIndex}, failed ${where}: ${describeCause(cause)}`,
      { cause },
    );
    this.name = 'UserFunctionError';
    this.operatorName = info.operatorName;
    this.operatorUid = info.operatorUid;
    this.subtaskIndex = info.subtaskIndex;
    this.recordPosition = info.recordPosition;
  }
}

/** Formats a thrown value for an error message. */
export function describeCause(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return String(cause);
}
