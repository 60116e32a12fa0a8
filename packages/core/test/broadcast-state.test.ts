import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DataGeneratorSource,
  MapStateDescriptor,
  RateLimiterStrategy,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
  type KeyedBroadcastProcessFunction,
  type ValueState,
} from '../src/index.js';

type Rule = { word: string; threshold: number };
const rules = new MapStateDescriptor<string, number>('rules');

describe('broadcast state', () => {
  it('rules broadcast to every instance are read by the keyed side', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 3 });
    const words = env.fromCollection(['a', 'b', 'a', 'c', 'a', 'b', 'a']);
    const ruleStream = env.fromElements<Rule>({ word: 'a', threshold: 3 }, { word: 'b', threshold: 2 }).broadcast(rules);
    const fn: KeyedBroadcastProcessFunction<string, string, Rule, string> & { count?: ValueState<number> } = {
      open(ctx) {
        this.count = ctx.getState(new ValueStateDescriptor<number>('count', 0));
      },
      async processElement(word, ctx, out) {
        const n = ((await this.count!.value()) ?? 0) + 1;
        await this.count!.update(n);
        const threshold = await ctx.getBroadcastState(rules).get(word);
        if (threshold !== undefined && n === threshold) out.collect(`${ctx.getCurrentKey()} reached ${threshold}`);
      },
      async processBroadcastElement(rule, ctx, out) {
        await ctx.getBroadcastState(rules).put(rule.word, rule.threshold);
        out.collect(`rule ${rule.word}`);
      },
    };
    // The two inputs interleave in no defined order (as in Flink), so assert what does not depend on it: every
    // parallel instance received every rule, and a threshold is reported at most once per word.
    const out = await words.keyBy((w) => w).connect(ruleStream).process(fn).executeAndCollect();
    expect(out.filter((s) => s.startsWith('rule ')).sort()).toEqual(['rule a', 'rule a', 'rule a', 'rule b', 'rule b', 'rule b']);
    const reached = out.filter((s) => !s.startsWith('rule '));
    expect(new Set(reached).size).toBe(reached.length);
    for (const r of reached) expect(['a reached 3', 'b reached 2']).toContain(r);
  });

  it('the keyed side cannot change broadcast state', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1 });
    const run = env
      .fromElements('x')
      .keyBy((w) => w)
      .connect(env.fromElements<Rule>().broadcast(rules))
      .process<string>({
        async processElement(word, ctx) {
          await ctx.getBroadcastState(rules).get(word);
          await (ctx.getBroadcastState(rules) as unknown as { put(k: string, v: number): Promise<void> }).put(word, 1);
        },
        processBroadcastElement() {},
      })
      .executeAndCollect();
    await expect(run).rejects.toThrow(/read only on the keyed side/);
  });

  it('a broadcast state that was not declared is a clear error', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 1 });
    const run = env
      .fromElements('x')
      .keyBy((w) => w)
      .connect(env.fromElements<Rule>({ word: 'x', threshold: 1 }).broadcast(rules))
      .process<string>({
        processElement() {},
        async processBroadcastElement(_r, ctx) {
          await ctx.getBroadcastState(new MapStateDescriptor<string, number>('other')).put('x', 1);
        },
      })
      .executeAndCollect();
    await expect(run).rejects.toThrow(/No broadcast state "other"/);
  });

  it('broadcast state is in savepoints: a job resumed at a higher parallelism has the rules on every instance', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weir-broadcast-'));
    try {
      const WORDS = 30;
      const job = (parallelism: number, ruleList: Rule[], fromSavepoint?: string) => {
        const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism, fromSavepoint });
        const out: string[] = [];
        const words = env
          .fromSource(new DataGeneratorSource((i) => `w${i % WORDS}`, 600, RateLimiterStrategy.perSecond(2000)), WatermarkStrategy.noWatermarks(), 'words')
          .setParallelism(1)
          .uid('words');
        const ruleStream = env.fromCollection(ruleList).uid('rules').broadcast(rules);
        words
          .keyBy((w) => w)
          .connect(ruleStream)
          .process<string>({
            async processElement(word, ctx, o) {
              o.collect(`${word}:${(await ctx.getBroadcastState(rules).get(word)) ?? 'none'}`);
            },
            async processBroadcastElement(rule, ctx, o) {
              await ctx.getBroadcastState(rules).put(rule.word, rule.threshold);
              o.collect(`rule ${rule.word}`);
            },
          })
          .uid('rule-check')
          .addSink((line) => {
            out.push(line);
          });
        return { env, out };
      };
      const everyWord: Rule[] = Array.from({ length: WORDS }, (_, i) => ({ word: `w${i}`, threshold: i }));
      const first = job(2, everyWord);
      const client = await first.env.executeAsync('with rules');
      // Both instances have every rule once 2 x 30 rule lines came out.
      while (first.out.filter((l) => l.startsWith('rule ')).length < 2 * WORDS || first.out.length < 2 * WORDS + 50) {
        await new Promise((r) => setTimeout(r, 5));
      }
      const savepoint = await client.stopWithSavepoint(join(dir, 'savepoints'));

      // Resumed at parallelism 3 with no rules coming in: the rules come from the savepoint, on all three instances.
      const resumed = job(3, [], savepoint);
      await resumed.env.execute('resumed without rules');
      const checked = resumed.out.filter((l) => !l.startsWith('rule '));
      expect(checked.length).toBeGreaterThan(0);
      for (const line of checked) {
        const [word, threshold] = line.split(':');
        expect(threshold).toBe(word.slice(1));
      }
      // Every word (and so every one of the three instances) saw its rule.
      expect(new Set(checked.map((l) => l.split(':')[0])).size).toBe(WORDS);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
