/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): the functions with the most self time and inclusive time,
 * and self time per file, each as a share of the JOB time: the samples whose stack is in weir
 * (`packages/core/dist`) plus the garbage collector; module loading, idle time and the harness around the job are
 * left out. Paths are shown relative to the repository, so `packages/core/dist/runtime/record-writer.js` points at
 * `packages/core/src/runtime/record-writer.ts`.
 *
 * ```sh
 * node --import tsx bench/profile/summarize-cpuprofile.ts <file.cpuprofile> [top=25]
 * ```
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const file = process.argv[2];
const top = Number(process.argv[3] ?? '25');
if (file === undefined) {
  console.error('usage: summarize-cpuprofile.ts <file.cpuprofile> [top]');
  process.exit(2);
}

const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const root = process.cwd();
const byId = new Map<number, ProfileNode>(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

function where(frame: CallFrame): string {
  if (frame.url === '') return '(native)';
  const p = frame.url.startsWith('file://') ? new URL(frame.url).pathname : frame.url;
  return path.isAbsolute(p) ? path.relative(root, p) : p;
}

function functionKey(frame: CallFrame): string {
  const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  return frame.url === '' ? name : `${name}  ${where(frame)}:${frame.lineNumber + 1}`;
}

// Sample i lasts until sample i + 1: its duration is timeDeltas[i + 1] (microseconds).
const self = new Map<string, number>();
const inclusive = new Map<string, number>();
const selfByFile = new Map<string, number>();
let total = 0;
let profiled = 0;

/** True when the sample's stack runs weir code, or the sample is the garbage collector. */
function inJob(node: ProfileNode): boolean {
  if (node.callFrame.functionName === '(garbage collector)') return true;
  for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
    if (byId.get(id)!.callFrame.url.includes('/packages/core/dist/')) return true;
  }
  return false;
}

for (let i = 0; i < profile.samples.length; i++) {
  const duration = profile.timeDeltas[i + 1] ?? 0;
  const node = byId.get(profile.samples[i]);
  if (node === undefined || duration <= 0) continue;
  profiled += duration;
  if (!inJob(node)) continue;
  const frame = node.callFrame;
  total += duration;
  const key = functionKey(frame);
  self.set(key, (self.get(key) ?? 0) + duration);
  const fileKey = frame.url === '' ? frame.functionName : where(frame);
  selfByFile.set(fileKey, (selfByFile.get(fileKey) ?? 0) + duration);
  const seen = new Set<string>();
  for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
    const k = functionKey(byId.get(id)!.callFrame);
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + duration);
  }
}

function print(title: string, map: Map<string, number>): void {
  console.log(`\n${title}`);
  const rows = [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [k, us] of rows) console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
}

console.log(`${file}: ${(profiled / 1e6).toFixed(2)} s profiled, ${(total / 1e6).toFixed(2)} s in the job (weir code + GC) = 100%`);
print('Self time by function', self);
print('Self time by file', selfByFile);
print('Inclusive time by function', inclusive);
