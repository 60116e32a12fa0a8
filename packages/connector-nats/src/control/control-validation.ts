/**
 * Checks a decoded control message field by field before anything acts on it: the `type` must be known, every
 * required field present with the right type and range, no field unknown. The result names the first problem, for
 * the log line and the refusal.
 */
import type { ControlMessage, ControlMessageType } from './control-messages.js';

/** A field check: undefined when the value is fine, else what is wrong. */
type Check = (value: unknown) => string | undefined;

const token: Check = (v) => (typeof v === 'string' && /^[A-Za-z0-9_-]{1,128}$/.test(v) ? undefined : 'a token of letters, digits, "_" and "-"');
const text: Check = (v) => (typeof v === 'string' && v.length <= 4096 ? undefined : 'a string of at most 4096 characters');
const count: Check = (v) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? undefined : 'a non-negative integer');
const time: Check = (v) => (typeof v === 'number' && Number.isFinite(v) ? undefined : 'a finite number');
const flag: Check = (v) => (typeof v === 'boolean' ? undefined : 'a boolean');
const bytes: Check = (v) => (v instanceof Uint8Array ? undefined : 'bytes');
const oneOf =
  (...values: string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v) ? undefined : `one of ${values.join(', ')}`;

const errorInfo: Check = (v) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'an error object';
  return firstProblem(v as Record<string, unknown>, { name: text, message: text }, { code: text }, 'error.');
};

const taskRefFields = { jobId: token, attempt: count, vertexId: token, subtask: count };

const taskRefList: Check = (v) => {
  if (!Array.isArray(v) || v.length > 10_000) return 'a list of tasks';
  for (let i = 0; i < v.length; i++) {
    const item: unknown = v[i];
    if (typeof item !== 'object' || item === null) return `tasks[${i}] is not an object`;
    const problem = firstProblem(item as Record<string, unknown>, taskRefFields, {}, `tasks[${i}].`);
    if (problem !== undefined) return problem;
  }
  return undefined;
};

/** Required and optional fields per message type (besides `type`). */
const SCHEMAS: Record<ControlMessageType, { required: Record<string, Check>; optional: Record<string, Check> }> = {
  deploy: { required: { ...taskRefFields, bundle: token }, optional: { restore: bytes } },
  start: { required: taskRefFields, optional: {} },
  cancel: { required: taskRefFields, optional: {} },
  'trigger-checkpoint': { required: { ...taskRefFields, checkpointId: count, timestamp: time, savepoint: flag, suspend: flag }, optional: {} },
  'checkpoint-complete': { required: { ...taskRefFields, checkpointId: count }, optional: {} },
  'acknowledge-checkpoint': { required: { ...taskRefFields, checkpointId: count, state: bytes }, optional: {} },
  'decline-checkpoint': { required: { ...taskRefFields, checkpointId: count, error: errorInfo }, optional: {} },
  'task-ended': { required: { ...taskRefFields, state: oneOf('FINISHED', 'CANCELED', 'FAILED') }, optional: { finalSnapshot: bytes, error: errorInfo } },
  heartbeat: { required: { from: token, timestamp: time }, optional: { slots: count, tasks: taskRefList } },
  'cluster-status': { required: { from: token }, optional: {} },
};

function firstProblem(object: Record<string, unknown>, required: Record<string, Check>, optional: Record<string, Check>, prefix = ''): string | undefined {
  for (const [field, check] of Object.entries(required)) {
    if (!(field in object) || object[field] === undefined) return `${prefix}${field} is missing`;
    const problem = check(object[field]);
    if (problem !== undefined) return describe(prefix, field, problem);
  }
  for (const [field, value] of Object.entries(object)) {
    if (field === 'type' && prefix === '') continue;
    if (field in required) continue;
    const check = optional[field];
    if (check === undefined) return `${prefix}${field} is not a field of this message`;
    if (value === undefined) continue;
    const problem = check(value);
    if (problem !== undefined) return describe(prefix, field, problem);
  }
  return undefined;
}

/** A field's problem as text; a nested check already names its path (`error.message is missing`). */
function describe(prefix: string, field: string, problem: string): string {
  return problem.startsWith(`${field}.`) || problem.startsWith(`${field}[`) ? `${prefix}${problem}` : `${prefix}${field} must be ${problem}`;
}

/** The outcome of {@link validateControlMessage}. */
export type ControlValidation = { readonly ok: true; readonly message: ControlMessage } | { readonly ok: false; readonly problem: string };

/** Checks that `value` (a decoded message) is a well-formed control message. */
export function validateControlMessage(value: unknown): ControlValidation {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, problem: 'a control message must be an object' };
  const object = value as Record<string, unknown>;
  const type = object.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(SCHEMAS, type)) {
    return { ok: false, problem: `unknown message type ${JSON.stringify(typeof type === 'string' ? type.slice(0, 40) : typeof type)}` };
  }
  const schema = SCHEMAS[type as ControlMessageType];
  const problem = firstProblem(object, schema.required, schema.optional);
  if (problem !== undefined) return { ok: false, problem: `${type}: ${problem}` };
  return { ok: true, message: object as unknown as ControlMessage };
}
