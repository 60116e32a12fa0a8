/**
 * Sliding-window top-N: the 2 most viewed pages of every 10-second window, sliding by 5 seconds. Views are counted
 * per page and window (`aggregate`), then the counts of one window meet in one key (the window's end) where a
 * timer at the window's end ranks them.
 *
 *   weir run examples/sliding-top-n.ts
 */
import {
  ListStateDescriptor,
  SlidingEventTimeWindows,
  StreamExecutionEnvironment,
  Time,
  WatermarkStrategy,
  type ListState,
} from '@weir/core';

interface View {
  readonly page: string;
  readonly time: number;
}

interface PageCount {
  readonly page: string;
  readonly count: number;
  readonly windowEnd: number;
}

const second = Time.seconds(1);
const pages = ['/home', '/docs', '/home', '/blog', '/home', '/docs', '/blog', '/blog', '/blog', '/docs', '/home', '/docs'];
const views: View[] = pages.map((page, i) => ({ page, time: i * 1.5 * second }));

const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });

env
  .fromCollection(views)
  .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<View>().withTimestampAssigner((v) => v.time))
  .keyBy((v) => v.page)
  .window(SlidingEventTimeWindows.of(Time.seconds(10), Time.seconds(5)))
  .aggregate<number, number, PageCount>(
    { createAccumulator: () => 0, add: (_v: View, n: number) => n + 1, getResult: (n: number) => n, merge: (a: number, b: number) => a + b },
    (page: string, context, [count], out) => out.collect({ page, count, windowEnd: context.window().end }),
  )
  .keyBy((c) => c.windowEnd)
  .process<string>({
    open(this: { counts?: ListState<PageCount> }, ctx) {
      this.counts = ctx.getListState(new ListStateDescriptor<PageCount>('counts'));
    },
    async processElement(this: { counts: ListState<PageCount> }, c, ctx) {
      await this.counts.add(c);
      ctx.timerService().registerEventTimeTimer(c.windowEnd);
    },
    async onTimer(this: { counts: ListState<PageCount> }, end, _ctx, out) {
      const ranked = [...(await this.counts.get())].sort((a, b) => b.count - a.count || a.page.localeCompare(b.page)).slice(0, 2);
      out.collect(`window ending ${end / second}s: ${ranked.map((c) => `${c.page}=${c.count}`).join(', ')}`);
      await this.counts.clear();
    },
  })
  .setParallelism(1)
  .print();

await env.execute('Sliding-window top-N');
