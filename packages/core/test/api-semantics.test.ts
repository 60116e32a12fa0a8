import { describe, expect, it } from 'vitest';
import {
  ErrorCodes,
  OutputTag,
  RuntimeExecutionMode,
  StreamExecutionEnvironment,
  WeirError,
  type ProcessFunction,
  type RuntimeContext,
} from '../src/index.js';

function env(p = 1): StreamExecutionEnvironment {
  return StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: p });
}

/** Tags each record with the subtask that saw it. */
function tagSubtask<T>(): { index: number; open(ctx: RuntimeContext): void; map(v: T): [number, T] } {
  return {
    index: -1,
    open(ctx) {
      this.index = ctx.getIndexOfThisSubtask();
    },
    map(v) {
      return [this.index, v];
    },
  };
}

function sorted<T>(xs: T[]): T[] {
  return [...xs].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

describe('transformations', () => {
  it('map, flatMap (collector and returned iterable) and filter', async () => {
    const out = await env()
      .fromElements('a b', 'c', '')
      .flatMap<string>((line: string, out) => {
        for (const w of line.split(' ')) if (w) out.collect(w);
      })
      .flatMap((w: string) => [w, w.toUpperCase()])
      .filter((w) => w !== 'C')
      .map({ map: (w: string) => `<${w}>` })
      .executeAndCollect();
    expect(out).toEqual(['<a>', '<A>', '<b>', '<B>', '<c>']);
  });

  it('opens and closes rich functions once per subtask', async () => {
    const e = env(3);
    const opened: number[] = [];
    const closed: number[] = [];
    const out = await e
      .fromSequence(1, 30)
      .map({
        open(ctx: RuntimeContext) {
          opened.push(ctx.getIndexOfThisSubtask());
        },
        map: (x: number) => x,
        close() {
          closed.push(1);
        },
      })
      .executeAndCollect();
    expect(out).toHaveLength(30);
    expect(opened.sort()).toEqual([0, 1, 2]);
    expect(closed).toHaveLength(3);
  });

  it('async process functions keep the order of records', async () => {
    const out = await env()
      .fromSequence(1, 200)
      .process<number>({
        async processElement(v, _ctx, out) {
          if (v % 7 === 0) await new Promise((r) => setTimeout(r, 1));
          out.collect(v);
          out.collect(-v);
        },
      })
      .map((x) => x * 2)
      .executeAndCollect();
    const expected: number[] = [];
    for (let i = 1; i <= 200; i++) expected.push(i * 2, -i * 2);
    expect(out).toEqual(expected);
  });

  it('union merges streams', async () => {
    const e = env(2);
    const a = e.fromElements(1, 2, 3);
    const b = e.fromElements(10, 20);
    const c = e.fromSequence(100, 101);
    const out = await a.union(b, c).map((x) => x + 1).executeAndCollect();
    expect(out.sort((x, y) => x - y)).toEqual([2, 3, 4, 11, 21, 101, 102]);
  });

  it('keyBy routes equal keys to the same subtask at parallelism 4', async () => {
    const out = await env(4)
      .fromSequence(0, 999)
      .keyBy((x) => x % 10)
      .map(tagSubtask<number>())
      .executeAndCollect();
    expect(out).toHaveLength(1000);
    const owner = new Map<number, number>();
    for (const [subtask, v] of out) {
      const key = v % 10;
      if (owner.has(key)) expect(owner.get(key)).toBe(subtask);
      owner.set(key, subtask);
    }
    expect(new Set(owner.values()).size).toBeGreaterThan(1);
  });
});

describe('keyed aggregations', () => {
  const input: [string, number, string][] = [
    ['a', 3, 'x'],
    ['b', 1, 'y'],
    ['a', 1, 'z'],
    ['a', 5, 'w'],
    ['b', 1, 'v'],
  ];

  it('reduce and sum emit rolling results in STREAMING mode', async () => {
    const e = env(2);
    const out = await e
      .fromCollection(input)
      .keyBy((t) => t[0])
      .reduce((x, y) => [x[0], x[1] + y[1], y[2]])
      .executeAndCollect();
    expect(out.filter((t) => t[0] === 'a').map((t) => t[1])).toEqual([3, 4, 9]);
    expect(out.filter((t) => t[0] === 'b').map((t) => t[1])).toEqual([1, 2]);
  });

  it('sum/min/max keep the first record’s other fields; minBy/maxBy keep the whole record', async () => {
    const run = async (f: (k: ReturnType<ReturnType<StreamExecutionEnvironment['fromCollection']>['keyBy']>) => unknown) => {
      const e = env(1);
      const keyed = e.fromCollection(input).keyBy((t) => t[0]);
      const ds = f(keyed as never) as { executeAndCollect(): Promise<[string, number, string][]> };
      return (await ds.executeAndCollect()).filter((t) => t[0] === 'a');
    };
    expect(await run((k) => k.sum(1))).toEqual([
      ['a', 3, 'x'],
      ['a', 4, 'x'],
      ['a', 9, 'x'],
    ]);
    expect(await run((k) => k.min(1))).toEqual([
      ['a', 3, 'x'],
      ['a', 1, 'x'],
      ['a', 1, 'x'],
    ]);
    expect(await run((k) => k.max(1))).toEqual([
      ['a', 3, 'x'],
      ['a', 3, 'x'],
      ['a', 5, 'x'],
    ]);
    expect(await run((k) => k.minBy(1))).toEqual([
      ['a', 3, 'x'],
      ['a', 1, 'z'],
      ['a', 1, 'z'],
    ]);
    expect(await run((k) => k.maxBy(1))).toEqual([
      ['a', 3, 'x'],
      ['a', 3, 'x'],
      ['a', 5, 'w'],
    ]);
  });

  it('aggregates object fields by name', async () => {
    const out = await env()
      .fromElements({ user: 'u', amount: 2 }, { user: 'u', amount: 5 })
      .keyBy((o) => o.user)
      .sum('amount')
      .executeAndCollect();
    expect(out).toEqual([
      { user: 'u', amount: 2 },
      { user: 'u', amount: 7 },
    ]);
  });

  it('BATCH mode emits only the final result per key; STREAMING every update; AUTOMATIC picks BATCH for bounded input', async () => {
    const job = (mode: RuntimeExecutionMode) => {
      const e = env(2).setRuntimeMode(mode);
      return e
        .fromSequence(1, 100)
        .map((x): [number, number] => [x % 3, 1])
        .keyBy((t) => t[0])
        .sum(1)
        .executeAndCollect();
    };
    const batch = await job(RuntimeExecutionMode.BATCH);
    expect(sorted(batch)).toEqual([
      [0, 33],
      [1, 34],
      [2, 33],
    ]);
    expect(sorted(await job(RuntimeExecutionMode.AUTOMATIC))).toEqual(sorted(batch));
    const streaming = await job(RuntimeExecutionMode.STREAMING);
    expect(streaming).toHaveLength(100);
    expect(Math.max(...streaming.filter((t) => t[0] === 1).map((t) => t[1]))).toBe(34);
  });

  it('BATCH mode refuses unbounded sources with a clear error', async () => {
    const e = env().setRuntimeMode(RuntimeExecutionMode.BATCH);
    const ds = e.socketTextStream('127.0.0.1', 9);
    await expect(ds.executeAndCollect()).rejects.toMatchObject({ code: ErrorCodes.UNBOUNDED_SOURCE_IN_BATCH });
  });
});

describe('side outputs and connect', () => {
  it('process() routes records to side outputs', async () => {
    const e = env(2);
    const odd = new OutputTag<string>('odd');
    const fn: ProcessFunction<number, number> = {
      processElement(v, ctx, out) {
        if (v % 2 === 0) out.collect(v);
        else ctx.output(odd, `odd-${v}`);
      },
    };
    const main = e.fromSequence(1, 10).process(fn);
    const side = main.getSideOutput(odd);
    const collectedSide: string[] = [];
    side.addSink((v) => {
      collectedSide.push(v);
    });
    const out = await main.executeAndCollect();
    expect(out.sort((a, b) => a - b)).toEqual([2, 4, 6, 8, 10]);
    expect(collectedSide.sort()).toEqual(['odd-1', 'odd-3', 'odd-5', 'odd-7', 'odd-9']);
  });

  it('connect with map, flatMap and process', async () => {
    const e = env(2);
    const nums = e.fromElements(1, 2);
    const words = e.fromElements('x', 'yy');
    expect(sorted(await nums.connect(words).map({ map1: (n: number) => `n${n}`, map2: (w: string) => `w${w}` }).executeAndCollect())).toEqual([
      'n1',
      'n2',
      'wx',
      'wyy',
    ]);
    const e2 = env(2);
    const flat = await e2
      .fromElements(3)
      .connect(e2.fromElements('ab'))
      .flatMap({ flatMap1: (n: number) => Array.from({ length: n }, () => 'n'), flatMap2: (w: string) => w.split('') })
      .executeAndCollect();
    expect(flat.sort()).toEqual(['a', 'b', 'n', 'n', 'n']);
    const e3 = env(2);
    const tag = new OutputTag<number>('second');
    const processed = e3
      .fromElements(1, 2)
      .connect(e3.fromElements(5))
      .process<number>({
        processElement1: (v, _ctx, out) => out.collect(v),
        processElement2: (v, ctx) => ctx.output(tag, v),
      });
    const sideOut: number[] = [];
    processed.getSideOutput(tag).addSink((v) => {
      sideOut.push(v);
    });
    expect((await processed.executeAndCollect()).sort()).toEqual([1, 2]);
    expect(sideOut).toEqual([5]);
  });

  it('keyed connect brings equal keys of both inputs together', async () => {
    const e = env(3);
    const a = e.fromSequence(0, 99).map((x) => ({ k: x % 5, side: 'a' }));
    const b = e.fromSequence(0, 49).map((x) => ({ k: x % 5, side: 'b' }));
    const out = await a
      .connect(b)
      .keyBy(
        (r) => r.k,
        (r) => r.k,
      )
      .map({
        index: -1,
        open(ctx: RuntimeContext) {
          this.index = ctx.getIndexOfThisSubtask();
        },
        map1(r: { k: number }) {
          return [r.k, this.index] as [number, number];
        },
        map2(r: { k: number }) {
          return [r.k, this.index] as [number, number];
        },
      })
      .executeAndCollect();
    expect(out).toHaveLength(150);
    const owner = new Map<number, number>();
    for (const [k, s] of out) {
      if (owner.has(k)) expect(owner.get(k)).toBe(s);
      owner.set(k, s);
    }
  });
});

describe('partitioners', () => {
  const run = async (shape: (ds: ReturnType<StreamExecutionEnvironment['fromSequence']>) => ReturnType<StreamExecutionEnvironment['fromSequence']>, up: number, down: number) => {
    const e = env(up);
    const source = e.fromSequence(0, 399).map(tagSubtask<number>()).setParallelism(up);
    const shaped = shape(source.map(([s, v]) => s * 1000 + v).setParallelism(up));
    return shaped.map(tagSubtask<number>()).setParallelism(down).executeAndCollect();
  };
  const pairs = (out: [number, number][]) => out.map(([to, encoded]) => [Math.floor(encoded / 1000), to] as const);

  it('forward keeps each record on the subtask of the same index', async () => {
    const out = await run((ds) => ds.forward(), 3, 3);
    expect(out).toHaveLength(400);
    for (const [from, to] of pairs(out)) expect(to).toBe(from);
  });

  it('forward between different parallelisms is rejected', async () => {
    await expect(run((ds) => ds.forward(), 2, 3)).rejects.toMatchObject({ code: ErrorCodes.INVALID_JOB_GRAPH });
  });

  it('rebalance spreads records round-robin over all subtasks', async () => {
    const out = await run((ds) => ds.rebalance(), 2, 4);
    expect(out).toHaveLength(400);
    const perTarget = new Map<number, number>();
    for (const [, to] of pairs(out)) perTarget.set(to, (perTarget.get(to) ?? 0) + 1);
    expect([...perTarget.keys()].sort()).toEqual([0, 1, 2, 3]);
    for (const n of perTarget.values()) expect(Math.abs(n - 100)).toBeLessThanOrEqual(2);
  });

  it('rescale sends each subtask to a local subset', async () => {
    const out = await run((ds) => ds.rescale(), 2, 4);
    expect(out).toHaveLength(400);
    for (const [from, to] of pairs(out)) expect(from === 0 ? [0, 1] : [2, 3]).toContain(to);
    const down = await run((ds) => ds.rescale(), 4, 2);
    for (const [from, to] of pairs(down)) expect(to).toBe(from < 2 ? 0 : 1);
  });

  it('shuffle reaches every subtask', async () => {
    const out = await run((ds) => ds.shuffle(), 1, 4);
    expect(out).toHaveLength(400);
    expect(new Set(pairs(out).map(([, to]) => to)).size).toBe(4);
  });

  it('broadcast sends every record to every subtask', async () => {
    const out = await run((ds) => ds.broadcast(), 2, 3);
    expect(out).toHaveLength(1200);
    for (const t of [0, 1, 2]) expect(out.filter(([to]) => to === t)).toHaveLength(400);
  });

  it('global sends everything to subtask 0', async () => {
    const out = await run((ds) => ds.global(), 3, 3);
    expect(out).toHaveLength(400);
    for (const [, to] of pairs(out)) expect(to).toBe(0);
  });

  it('partitionCustom uses the user partitioner', async () => {
    const out = await run((ds) => ds.partitionCustom((key: number, n) => key % n, (v) => v % 1000), 2, 3);
    expect(out).toHaveLength(400);
    for (const [to, encoded] of out) expect(to).toBe((encoded % 1000) % 3);
  });

  it('a custom partitioner returning an invalid partition fails the job', async () => {
    await expect(run((ds) => ds.partitionCustom(() => 7, (v) => v), 1, 2)).rejects.toMatchObject({ code: ErrorCodes.JOB_FAILED });
  });
});

describe('chaining and the job graph', () => {
  const build = (e: StreamExecutionEnvironment) =>
    e
      .fromSequence(1, 1000)
      .map((x) => x + 1)
      .filter((x) => x % 2 === 0)
      .keyBy((x) => x % 7)
      .map((x) => x * 2);

  it('chains forward edges of equal parallelism and cuts at keyBy', () => {
    const e = env(2);
    build(e).print();
    const graph = e.getJobGraph();
    expect(graph.vertices.map((v) => v.nodes.map((n) => n.name))).toEqual([
      ['Source: Sequence Source', 'Map', 'Filter'],
      ['Map', 'Print to Std. Out'],
    ]);
    expect(graph.edges.map((ed) => ed.streamEdge.partitioner.type)).toEqual(['hash']);
  });

  it('disableOperatorChaining puts every operator in its own vertex, with the same results', async () => {
    const chained = await build(env(2)).executeAndCollect();
    const e = env(2).disableOperatorChaining();
    const unchainedStream = build(e);
    const graphEnv = env(2).disableOperatorChaining();
    build(graphEnv).print();
    expect(graphEnv.getJobGraph().vertices).toHaveLength(5);
    const unchained = await unchainedStream.executeAndCollect();
    expect(unchained.sort((a, b) => a - b)).toEqual(chained.sort((a, b) => a - b));
    expect(chained).toHaveLength(500);
  });

  it('a parallelism change breaks the chain with a rebalance edge', () => {
    const e = env(2);
    e.fromSequence(1, 10).map((x) => x).setParallelism(3).print();
    const graph = e.getJobGraph();
    expect(graph.vertices.map((v) => v.parallelism)).toEqual([2, 3, 2]);
    expect(graph.edges.map((ed) => ed.streamEdge.partitioner.type)).toEqual(['rebalance', 'rebalance']);
  });

  it('function objects get one copy per parallel instance', async () => {
    const out = await env(3)
      .fromSequence(1, 300)
      .rebalance()
      .map({
        seen: 0,
        map(this: { seen: number }, _x: number) {
          return ++this.seen;
        },
      })
      .executeAndCollect();
    expect(Math.max(...out)).toBe(100);
  });

  it('fromCollection is not parallel', () => {
    const e = env(4);
    expect(() => {
      e.fromElements(1).setParallelism(2).print();
      e.getJobGraph();
    }).toThrow(WeirError);
  });

  it('duplicate uids are rejected', () => {
    const e = env(1);
    e.fromElements(1).map((x) => x).uid('same').map((x) => x).uid('same').print();
    expect(() => e.getJobGraph()).toThrow(/uid "same"/);
  });

  it('execute without operators fails clearly', async () => {
    await expect(env().execute()).rejects.toMatchObject({ code: ErrorCodes.NO_JOB_DEFINED });
  });
});
