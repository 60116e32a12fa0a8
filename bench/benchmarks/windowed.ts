/**
 * The windowing benchmarks (issue 3), at parallelism 1 over N timestamped records: record `i` has the timestamp `i`
 * (ms) and the key `i % 100`; a watermark follows every 1000th record (`i % 1000 === 999`, watermark `i`).
 *
 * - **tumbling**: `keyBy(key).window(TumblingEventTimeWindows.of(1000)).sum(1)` over `[key, 1]`: one count per key and
 *   window (10 each), emitted as `[key, count]` when the watermark passes the window's end.
 * - **sliding**: `SlidingEventTimeWindows.of(10_000, 1000)` (size 10 x slide): every record is in 10 windows.
 *
 * The reference is a hand-written loop doing the same windowing: per window a `Map` from key to count, emitted and
 * dropped when the watermark passes the window's end. Both write into the same checksum sink.
 */
import { StreamExecutionEnvironment, SlidingEventTimeWindows, TumblingEventTimeWindows, Watermark, WatermarkStrategy, type Window, type WindowAssigner } from '@weir/core';
import type { Benchmark, Contender } from '../harness/benchmark.js';
import type { Checksum, ChecksumSink } from '../harness/checksum-sink.js';

const KEYS = 100;
const WATERMARK_EVERY = 1000;

const punctuated = WatermarkStrategy.forGenerator<[number, number, number]>(() => ({
  onEvent(_e, ts, output) {
    if (ts % WATERMARK_EVERY === WATERMARK_EVERY - 1) output.emitWatermark(new Watermark(ts));
  },
  onPeriodicEmit() {},
})).withTimestampAssigner((e) => e[2]);

function weir(name: string, assigner: () => WindowAssigner<any, Window>): Contender {
  return {
    name: 'weir',
    async run(n: number, sink: ChecksumSink): Promise<void> {
      const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1 });
      env
        .fromSequence(0, n - 1)
        .map((i): [number, number, number] => [i % KEYS, 1, i])
        .assignTimestampsAndWatermarks(punctuated)
        .keyBy((t) => t[0])
        .window(assigner())
        .sum(1)
        .addSink((t) => sink.keyed(t[0] + 1, t[1]));
      await env.execute(`bench: ${name}`);
    },
  };
}

/** The loop: windows of `size` every `slide` ms, a Map per window, emitted when the watermark passes its end. */
function loop(size: number, slide: number): Contender {
  return {
    name: 'loop',
    run(n: number, sink: ChecksumSink): void {
      const windows = new Map<number, Map<number, number>>(); // window start -> key -> count
      for (let i = 0; i < n; i++) {
        const key = i % KEYS;
        const last = i - (i % slide);
        for (let start = last; start > i - size; start -= slide) {
          let counts = windows.get(start);
          if (counts === undefined) windows.set(start, (counts = new Map()));
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
        if (i % WATERMARK_EVERY === WATERMARK_EVERY - 1 || i === n - 1) {
          const watermark = i === n - 1 ? Number.MAX_SAFE_INTEGER : i;
          for (const [start, counts] of windows) {
            if (start + size - 1 > watermark) continue;
            for (const [k, c] of counts) sink.keyed(k + 1, c);
            windows.delete(start);
          }
        }
      }
    },
  };
}

/** The expected checksum: per window and key, the number of records `i` of that key in the window. */
function expected(size: number, slide: number): (n: number) => Checksum {
  return (n) => {
    let outputs = 0;
    let sum = 0;
    let weighted = 0;
    for (let start = -size + slide; start < n; start += slide) {
      const from = Math.max(0, start);
      const to = Math.min(n - 1, start + size - 1);
      if (to < from) continue;
      for (let k = 0; k < KEYS; k++) {
        const first = from + ((k - (from % KEYS) + KEYS) % KEYS);
        if (first > to) continue;
        const count = Math.floor((to - first) / KEYS) + 1;
        outputs++;
        sum += count;
        weighted += (k + 1) * count;
      }
    }
    return { outputs, sum, weighted };
  };
}

/** Keyed tumbling-window count. */
export const tumblingWindowCount: Benchmark = {
  id: 'window-tumbling',
  title: '(issue 3) keyed tumbling-window count (1 s windows, 100 keys), parallelism 1',
  contenders: [weir('tumbling windows', () => TumblingEventTimeWindows.of(1000)), loop(1000, 1000)],
  expected: expected(1000, 1000),
};

/** Keyed sliding-window count, size 10 x slide. */
export const slidingWindowCount: Benchmark = {
  id: 'window-sliding',
  title: '(issue 3) keyed sliding-window count (10 s windows sliding by 1 s, 100 keys), parallelism 1',
  contenders: [weir('sliding windows', () => SlidingEventTimeWindows.of(10_000, 1000)), loop(10_000, 1000)],
  expected: expected(10_000, 1000),
};
