/**
 * Sessionization: clicks per user session. A session is a run of clicks with gaps of at most 30 minutes (event
 * time), as `EventTimeSessionWindows.withGap` defines it; clicks may arrive up to 1 minute out of order.
 *
 *   weir run examples/sessionization.ts
 */
import { EventTimeSessionWindows, StreamExecutionEnvironment, Time, WatermarkStrategy } from '@weir/core';

interface Click {
  readonly user: string;
  readonly page: string;
  readonly time: number;
}

const minute = Time.minutes(1);
const clicks: Click[] = [
  { user: 'ann', page: '/home', time: 0 },
  { user: 'bob', page: '/home', time: 2 * minute },
  { user: 'ann', page: '/cart', time: 10 * minute },
  { user: 'ann', page: '/pay', time: 9 * minute }, // out of order
  { user: 'bob', page: '/docs', time: 20 * minute },
  { user: 'ann', page: '/home', time: 90 * minute }, // a new session: more than 30 minutes later
  { user: 'bob', page: '/docs', time: 45 * minute },
  { user: 'ann', page: '/faq', time: 100 * minute },
];

const env = StreamExecutionEnvironment.getExecutionEnvironment({ parallelism: 2 });

env
  .fromCollection(clicks)
  .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<Click>(minute).withTimestampAssigner((c) => c.time))
  .keyBy((c) => c.user)
  .window(EventTimeSessionWindows.withGap(Time.minutes(30)))
  .process<string>((user, context, events) => {
    const w = context.window();
    const pages = [...events].sort((a, b) => a.time - b.time).map((c) => c.page);
    return [`${user}: ${events.length} clicks from minute ${w.start / minute} to ${(w.end - Time.minutes(30)) / minute}: ${pages.join(' ')}`];
  })
  .print();

await env.execute('Sessionization');
