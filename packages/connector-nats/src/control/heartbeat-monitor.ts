/**
 * `HeartbeatMonitor`: the JobManager's view of its TaskManagers. Every heartbeat a TaskManager sends keeps it alive;
 * one that stays silent for `timeoutMs` is declared lost (Flink's heartbeat timeout), so that its work can move to
 * the others. A TaskManager that is heard again after it was declared lost joins as new (its old tasks are gone, and
 * attempts fence whatever it still sends).
 *
 * Threading model: called from the event loop only; `onJoined` and `onLost` run synchronously from `beat` and from
 * the periodic check.
 */
import type { HeartbeatMessage, TaskRef } from './control-messages.js';

/** A live TaskManager as the monitor knows it. */
export interface ClusterMember {
  readonly id: string;
  readonly slots: number;
  readonly tasks: readonly TaskRef[];
  /** When its last heartbeat arrived (`now()` of the monitor). */
  readonly lastSeen: number;
}

/** Options of {@link HeartbeatMonitor}. */
export interface HeartbeatMonitorOptions {
  /** Silence after which a member is lost, in ms (default 5000). */
  readonly timeoutMs?: number;
  /** Called when a member is heard for the first time (or again after it was lost). */
  readonly onJoined?: (member: ClusterMember) => void;
  /** Called when a member has been silent for the timeout. */
  readonly onLost?: (member: ClusterMember) => void;
  /** The clock (default `Date.now`). */
  readonly now?: () => number;
}

/** Tracks members by their heartbeats; see the module documentation. */
export class HeartbeatMonitor {
  private readonly live = new Map<string, ClusterMember>();
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;

  /** A monitor; call {@link start} to check for silent members periodically. */
  constructor(private readonly options: HeartbeatMonitorOptions = {}) {
    const timeout = options.timeoutMs ?? 5000;
    if (!Number.isFinite(timeout) || timeout <= 0) throw new TypeError(`timeoutMs must be a positive number; got ${timeout}`);
    this.timeoutMs = timeout;
    this.now = options.now ?? Date.now;
  }

  /** Takes a heartbeat. */
  beat(message: HeartbeatMessage): void {
    const known = this.live.has(message.from);
    const member: ClusterMember = { id: message.from, slots: message.slots ?? 0, tasks: message.tasks ?? [], lastSeen: this.now() };
    this.live.set(message.from, member);
    if (!known) this.options.onJoined?.(member);
  }

  /** Declares lost every member silent for longer than the timeout; returns them. */
  check(): ClusterMember[] {
    const deadline = this.now() - this.timeoutMs;
    const lost: ClusterMember[] = [];
    for (const member of this.live.values()) if (member.lastSeen < deadline) lost.push(member);
    for (const member of lost) {
      this.live.delete(member.id);
      this.options.onLost?.(member);
    }
    return lost;
  }

  /** The live members, by id. */
  members(): ClusterMember[] {
    return [...this.live.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Checks every quarter of the timeout. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.check(), Math.max(10, this.timeoutMs / 4));
    this.timer.unref();
  }

  /** Stops checking. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
