/**
 * A description of what the figures were measured on, printed at the top of every report: the machine, the runtime,
 * the load at the start, and the commit of the code (with a note when packages/ has uncommitted changes, since weir
 * is measured as built from the working tree).
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** The machine and runtime, as printed in the report. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly logicalCores: number;
  readonly availableParallelism: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  /** The 1-minute load average at the start. */
  readonly loadAverage: number;
  /** `abc1234` or `abc1234 + uncommitted changes in packages/`, or `unknown` outside git. */
  readonly code: string;
}

/** Reads the machine description from `os` and `process`. */
export function describeMachine(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown CPU',
    logicalCores: cpus.length,
    availableParallelism: os.availableParallelism(),
    memoryGiB: os.totalmem() / 1024 ** 3,
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg()[0],
    code: describeCode(),
  };
}

/** The commit and whether packages/ differs from it (read-only git commands). */
function describeCode(): string {
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--', 'packages').length > 0;
    return dirty ? `${commit} + uncommitted changes in packages/` : commit;
  } catch {
    return 'unknown';
  }
}

/** The machine description as report lines. */
export function formatMachine(m: MachineInfo): string[] {
  return [
    `CPU:      ${m.cpuModel} (${m.logicalCores} logical cores, availableParallelism ${m.availableParallelism})`,
    `Memory:   ${m.memoryGiB.toFixed(1)} GiB`,
    `Runtime:  Node.js ${m.node} (V8 ${m.v8}) on ${m.platform}`,
    `Code:     ${m.code}; load average at start ${m.loadAverage.toFixed(2)}`,
  ];
}
