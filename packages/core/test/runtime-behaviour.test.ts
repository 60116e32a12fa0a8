import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DataGeneratorSource,
  DEFAULT_FRAME_SIZE,
  FileSource,
  PrintSink,
  RuntimeExecutionMode,
  StreamExecutionEnvironment,
  TextLineInputFormat,
} from '../src/index.js';

function env(p = 1): StreamExecutionEnvironment {
  return StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: p });
}

describe('backpressure', () => {
  it('a slow sink slows an unbounded source: records in flight stay bounded and none is lost', async () => {
    const e = env(1);
    let generated = 0;
    const received: number[] = [];
    let maxInFlight = 0;
    e.fromSource(
      new DataGeneratorSource((i) => {
        generated++;
        return i;
      }, Number.POSITIVE_INFINITY),
      undefined,
      'fast',
    )
      .rebalance()
      .addSink(async (v) => {
        received.push(v);
        maxInFlight = Math.max(maxInFlight, generated - received.length);
        if (v % 256 === 0) await new Promise((r) => setTimeout(r, 1));
      })
      .disableChaining();
    const client = await e.executeAsync('backpressure');
    await new Promise((r) => setTimeout(r, 600));
    await client.cancel();
    expect(received.length).toBeGreaterThan(10_000);
    // Without flow control the generator would run millions ahead; with it, at most the frames that credit allows
    // (initial credits + the sender's open frame + one batch of the reader) are in flight.
    expect(maxInFlight).toBeLessThan(8 * DEFAULT_FRAME_SIZE);
    for (let i = 0; i < received.length; i++) if (received[i] !== i) throw new Error(`record ${i} is ${received[i]}`);
  });
});

describe('buffer timeout', () => {
  it('flushes a partly filled frame after the buffer timeout', async () => {
    const e = env(1).setBufferTimeout(20);
    const arrivals: number[] = [];
    const started = Date.now();
    e.fromSource(
      new DataGeneratorSource((i) => i, Number.POSITIVE_INFINITY, { createRateLimiter: () => ({ tryAcquire: (n: number) => (arrivals.length < 3 ? Math.min(n, 1) : 0), millisUntilNextPermit: () => 10 }) }),
      undefined,
      'trickle',
    )
      .rebalance()
      .addSink(() => {
        arrivals.push(Date.now() - started);
      })
      .disableChaining();
    const client = await e.executeAsync();
    while (arrivals.length < 1 && Date.now() - started < 2000) await new Promise((r) => setTimeout(r, 5));
    await client.cancel();
    expect(arrivals.length).toBeGreaterThan(0);
    expect(arrivals[0]).toBeLessThan(1000);
  });

  it('with buffer timeout -1 a partial frame waits until the end of input', async () => {
    const e = env(1).setBufferTimeout(-1);
    const out = await e.fromElements(1, 2, 3).rebalance().map((x) => x).executeAndCollect();
    expect(out).toEqual([1, 2, 3]);
  });
});

describe('print()', () => {
  it('prefixes lines as Flink does', async () => {
    const lines: string[] = [];
    const target = { write: (t: string) => lines.push(...t.split('\n').filter(Boolean)) };
    const e = env(2);
    e.fromSequence(1, 4)
      .map((x): [string, number] => [`w${x}`, x])
      .sinkTo(new PrintSink('out', false, target));
    await e.execute();
    expect(lines.sort()).toEqual(['out:1> (w1,1)', 'out:1> (w2,2)', 'out:2> (w3,3)', 'out:2> (w4,4)']);
    const single: string[] = [];
    const e1 = env(1);
    e1.fromElements<unknown>({ a: 1n }, 'plain').sinkTo(new PrintSink(undefined, false, { write: (t: string) => single.push(t) }));
    await e1.execute();
    expect(single.join('')).toBe('{"a":"1"}\nplain\n');
  });
});

describe('core sources through the environment', () => {
  it('word count over files in a directory, BATCH and STREAMING agree on the final counts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-files-'));
    writeFileSync(join(dir, 'a.txt'), 'to be or not\nto be\n');
    writeFileSync(join(dir, 'b.txt'), 'that is the question\r\nto\n');
    const run = async (mode: RuntimeExecutionMode) => {
      const e = env(2).setRuntimeMode(mode);
      const source = FileSource.forRecordStreamFormat(new TextLineInputFormat(), dir).build();
      const out = await e
        .fromSource(source, undefined, 'files')
        .flatMap((line: string) => line.split(' '))
        .map((w): [string, number] => [w, 1])
        .keyBy((t) => t[0])
        .sum(1)
        .executeAndCollect();
      const finals = new Map<string, number>();
      for (const [w, c] of out) finals.set(w, Math.max(finals.get(w) ?? 0, c));
      return { out, finals };
    };
    const batch = await run(RuntimeExecutionMode.BATCH);
    const streaming = await run(RuntimeExecutionMode.STREAMING);
    expect(Object.fromEntries(batch.finals)).toEqual({ to: 3, be: 2, or: 1, not: 1, that: 1, is: 1, the: 1, question: 1 });
    expect(batch.out).toHaveLength(8);
    expect(streaming.finals).toEqual(batch.finals);
    expect(streaming.out).toHaveLength(11);
  });

  it('socketTextStream reads lines until the server closes', async () => {
    const server = createServer((socket) => {
      socket.end('alpha\r\nbeta\ngamma');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const out = await env(2).socketTextStream('127.0.0.1', port).map((s) => s.toUpperCase()).executeAndCollect();
      expect(out.sort()).toEqual(['ALPHA', 'BETA', 'GAMMA']);
    } finally {
      server.close();
    }
  });

  it('a missing input path fails the job naming the path', async () => {
    const source = FileSource.forRecordStreamFormat(new TextLineInputFormat(), '/nonexistent/weir-input').build();
    await expect(env().fromSource(source, undefined, 'missing').executeAndCollect()).rejects.toThrow(/nonexistent\/weir-input/);
  });
});
