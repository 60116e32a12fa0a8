/**
 * The word count of PyFlink's "Intro to the Python DataStream API", in weir:
 *
 * ```python
 * ds = env.from_collection([(1, 'a|b'), (2, 'bb|a'), (3, 'aaa|a')])
 * def split(s):
 *     for sp in s[1].split('|'):
 *         yield sp, 1
 * ds.flat_map(split).key_by(lambda i: i[0]).reduce(lambda i, j: (i[0], i[1] + j[1])).print()
 * env.execute()
 * ```
 *
 *   npm run example:pyflink          (prints (a,3), (b,1), (bb,1), (aaa,1) in some order)
 *
 * It runs in AUTOMATIC mode unless `weir run --mode` says otherwise, so the bounded collection prints final counts only.
 */
import { RuntimeExecutionMode, StreamExecutionEnvironment } from '@weir/core';

const env = StreamExecutionEnvironment.getExecutionEnvironment({ runtimeMode: RuntimeExecutionMode.AUTOMATIC });

env
  .fromCollection<[number, string]>([
    [1, 'a|b'],
    [2, 'bb|a'],
    [3, 'aaa|a'],
  ])
  .flatMap(function* split([, words]): Generator<[string, number]> {
    for (const word of words.split('|')) yield [word, 1];
  })
  .keyBy(([word]) => word)
  .reduce(([word, a], [, b]) => [word, a + b])
  .print();

await env.execute('PyFlink word count');
