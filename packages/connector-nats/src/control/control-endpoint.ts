/**
 * `ControlEndpoint`: one party of the control plane (the JobManager, or a TaskManager) on NATS request/reply. It
 * serves the subject `<prefix>.ctl.<id>`: every request is decoded (msgpack), validated field by field, dispatched to
 * its handler with ts-pattern, and answered with a {@link ControlReply}. A malformed or unknown message is logged and
 * refused (answered `ok: false` when it has a reply subject); a handler that throws is refused the same way. Nothing a
 * peer sends can crash the process.
 *
 * `request` sends a message to another endpoint and resolves to the handler's result, or rejects with
 * `CONTROL_MESSAGE_REFUSED` (the peer refused it, with its reason) or `CONTROL_REQUEST_FAILED` (no endpoint answered
 * in time). `notify` publishes without waiting (heartbeats).
 *
 * Threading model: handlers run on the event loop, one message at a time per endpoint in arrival order (a handler's
 * promise is awaited before the next message is handled).
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { ErrorCodes, WeirError } from '@weir/core';
import { packValue, unpackValue } from '@weir/core/internal';
import { match } from 'ts-pattern';
import type { ControlMessage, ControlMessageType, ControlReply } from './control-messages.js';
import { validateControlMessage } from './control-validation.js';

/** The handlers of an endpoint, by message type; a message without a handler is refused. */
export type ControlHandlers = {
  readonly [K in ControlMessageType]?: (message: Extract<ControlMessage, { type: K }>) => unknown;
};

/** Options of {@link ControlEndpoint}. */
export interface ControlEndpointOptions {
  /** The first token of the subjects (default `weir`). */
  readonly subjectPrefix?: string;
  /** Where refusals and handler failures are logged (default `console.warn`). */
  readonly log?: (line: string) => void;
  /** How long `request` waits for an answer, in ms (default 5000). */
  readonly requestTimeoutMs?: number;
}

const ID = /^[A-Za-z0-9_-]{1,128}$/;

function checkId(id: string): string {
  if (typeof id !== 'string' || !ID.test(id)) throw new TypeError(`A control endpoint id must consist of letters, digits, "_" and "-"; got ${JSON.stringify(id)}`);
  return id;
}

/** A party of the control plane; see the module documentation. */
export class ControlEndpoint {
  private readonly subscription: Subscription;
  private readonly prefix: string;
  private readonly log: (line: string) => void;
  private readonly timeoutMs: number;
  private queue: Promise<void> = Promise.resolve();
  private refusedCount = 0;

  /** Serves `<prefix>.ctl.<id>` on `connection` with `handlers`. */
  constructor(
    private readonly connection: NatsConnection,
    readonly id: string,
    private readonly handlers: ControlHandlers,
    options: ControlEndpointOptions = {},
  ) {
    checkId(id);
    this.prefix = options.subjectPrefix ?? 'weir';
    this.log = options.log ?? ((line) => console.warn(line));
    this.timeoutMs = options.requestTimeoutMs ?? 5000;
    this.subscription = connection.subscribe(this.subjectOf(id), {
      callback: (error, message) => {
        if (error !== null) {
          this.log(`Control endpoint ${id}: its subscription failed: ${error.message}`);
          return;
        }
        // One message at a time, in arrival order.
        this.queue = this.queue.then(() => this.handle(message.data, message.reply, (bytes) => message.respond(bytes)));
      },
    });
  }

  /** How many messages this endpoint refused so far (malformed, unknown, unhandled or failed). */
  get refused(): number {
    return this.refusedCount;
  }

  /** Resolves once the endpoint's subscription is registered at the server. */
  ready(): Promise<void> {
    return this.connection.flush();
  }

  /** Sends `message` to endpoint `target` and resolves to its handler's result; see the module documentation. */
  async request(target: string, message: ControlMessage): Promise<unknown> {
    const subject = this.subjectOf(checkId(target));
    let reply;
    try {
      reply = await this.connection.request(subject, packValue(message), { timeout: this.timeoutMs });
    } catch (error) {
      throw new WeirError(ErrorCodes.CONTROL_REQUEST_FAILED, `Control request ${message.type} to ${target} got no answer: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    let answer: unknown;
    try {
      answer = unpackValue(reply.data);
    } catch (error) {
      throw new WeirError(ErrorCodes.CONTROL_REQUEST_FAILED, `Control request ${message.type} to ${target}: the answer is not msgpack`, { cause: error });
    }
    const r = answer as Partial<{ ok: unknown; result: unknown; code: unknown; message: unknown }> | null;
    if (r === null || typeof r !== 'object' || typeof r.ok !== 'boolean') throw new WeirError(ErrorCodes.CONTROL_REQUEST_FAILED, `Control request ${message.type} to ${target}: the answer is not a control reply`);
    if (r.ok) return r.result;
    throw new WeirError(ErrorCodes.CONTROL_MESSAGE_REFUSED, `${target} refused ${message.type}: ${typeof r.message === 'string' ? r.message : 'no reason given'}${typeof r.code === 'string' ? ` (${r.code})` : ''}`);
  }

  /** Publishes `message` to endpoint `target` without waiting for an answer. */
  notify(target: string, message: ControlMessage): void {
    this.connection.publish(this.subjectOf(checkId(target)), packValue(message));
  }

  /** Stops serving; safe to call twice. */
  async close(): Promise<void> {
    if (!this.subscription.isClosed()) this.subscription.unsubscribe();
    await this.queue;
  }

  private subjectOf(id: string): string {
    return `${this.prefix}.ctl.${id}`;
  }

  private async handle(data: Uint8Array, reply: string | undefined, respond: (bytes: Uint8Array) => boolean): Promise<void> {
    const answer = (r: ControlReply): void => {
      if (reply !== undefined && reply !== '') respond(packValue(r));
    };
    const refuse = (code: string, why: string): void => {
      this.refusedCount++;
      this.log(`Control endpoint ${this.id} refused a message: ${why}`);
      answer({ ok: false, code, message: why });
    };
    let decoded: unknown;
    try {
      decoded = unpackValue(data);
    } catch {
      refuse(ErrorCodes.CONTROL_MESSAGE_REFUSED, `not msgpack (${data.length} bytes)`);
      return;
    }
    const validation = validateControlMessage(decoded);
    if (!validation.ok) {
      refuse(ErrorCodes.CONTROL_MESSAGE_REFUSED, validation.problem);
      return;
    }
    const message = validation.message;
    let run: (() => unknown) | undefined;
    const h = this.handlers;
    match(message)
      .with({ type: 'deploy' }, (m) => (run = h.deploy && (() => h.deploy!(m))))
      .with({ type: 'start' }, (m) => (run = h.start && (() => h.start!(m))))
      .with({ type: 'cancel' }, (m) => (run = h.cancel && (() => h.cancel!(m))))
      .with({ type: 'trigger-checkpoint' }, (m) => (run = h['trigger-checkpoint'] && (() => h['trigger-checkpoint']!(m))))
      .with({ type: 'checkpoint-complete' }, (m) => (run = h['checkpoint-complete'] && (() => h['checkpoint-complete']!(m))))
      .with({ type: 'acknowledge-checkpoint' }, (m) => (run = h['acknowledge-checkpoint'] && (() => h['acknowledge-checkpoint']!(m))))
      .with({ type: 'decline-checkpoint' }, (m) => (run = h['decline-checkpoint'] && (() => h['decline-checkpoint']!(m))))
      .with({ type: 'task-ended' }, (m) => (run = h['task-ended'] && (() => h['task-ended']!(m))))
      .with({ type: 'heartbeat' }, (m) => (run = h.heartbeat && (() => h.heartbeat!(m))))
      .with({ type: 'cluster-status' }, (m) => (run = h['cluster-status'] && (() => h['cluster-status']!(m))))
      .exhaustive();
    if (run === undefined) {
      refuse(ErrorCodes.CONTROL_MESSAGE_REFUSED, `${message.type} is not handled by ${this.id}`);
      return;
    }
    try {
      const result = await run();
      answer({ ok: true, result });
    } catch (error) {
      const code = error instanceof WeirError ? error.code : ErrorCodes.CONTROL_MESSAGE_REFUSED;
      refuse(code, `${message.type} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
