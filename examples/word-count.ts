/**
 * Word count, the "hello world" of stream processing: counts the words of a text file, or of a few built-in lines
 * when no file is given.
 *
 *   npm run example:word-count                                    (counts examples/data/words.txt)
 *   weir run examples/word-count.ts [file] [-p N] [--mode streaming|batch|automatic]
 *
 * The job runs in AUTOMATIC mode unless the command line says otherwise: with a bounded input (a file) that is
 * BATCH, which prints only the final count of each word; in STREAMING mode every record prints an updated count.
 */
import { FileSource, RuntimeExecutionMode, StreamExecutionEnvironment, TextLineInputFormat } from '@weir/core';

const DEFAULT_TEXT = [
  'To be, or not to be, that is the question:',
  "Whether 'tis nobler in the mind to suffer",
  'The slings and arrows of outrageous fortune,',
  'Or to take arms against a sea of troubles',
  'And by opposing end them.',
];

// An option of the environment, not setRuntimeMode(): the mode given to `weir run --mode` takes precedence over it.
const env = StreamExecutionEnvironment.getExecutionEnvironment({ runtimeMode: RuntimeExecutionMode.AUTOMATIC });

const input = process.argv[2];
const lines =
  input === undefined
    ? env.fromElements(...DEFAULT_TEXT)
    : env.fromSource(FileSource.forRecordStreamFormat(new TextLineInputFormat(), input).build(), undefined, 'words');

lines
  .flatMap((line: string) => line.toLowerCase().split(/[^a-z0-9']+/).filter((word) => word.length > 0))
  .name('tokenize')
  .map((word): [string, number] => [word, 1])
  .keyBy(([word]) => word)
  .sum(1)
  .print();

await env.execute('Word count');
