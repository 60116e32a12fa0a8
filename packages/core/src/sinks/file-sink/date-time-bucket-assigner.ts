/** `DateTimeBucketAssigner`, as Flink's: one bucket per hour (or per any date-time pattern) of processing time. */
import type { BucketAssigner, BucketAssignerContext } from './bucket-assigner.js';

/** Flink's default bucket format: one directory per hour, `2024-05-01--13`. */
export const DEFAULT_DATE_TIME_BUCKET_FORMAT = 'yyyy-MM-dd--HH';

type Field = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'millisecond';
type Token = { readonly literal: string } | { readonly field: Field; readonly width: number; readonly letter: string };
type DateFields = Readonly<Record<Exclude<Field, 'millisecond'>, number>>;

const FIELDS: Readonly<Record<string, Field>> = { y: 'year', M: 'month', d: 'day', H: 'hour', m: 'minute', s: 'second', S: 'millisecond' };

/** Parses a Java `DateTimeFormatter`-style pattern restricted to `y M d H m s S`, quoted text and other symbols. */
function parsePattern(pattern: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "'") {
      // 'text' is literal; '' is a quote.
      let text = '';
      let j = i + 1;
      for (;;) {
        if (j >= pattern.length) throw new TypeError(`DateTimeBucketAssigner: unterminated quote in the format "${pattern}"`);
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            text += "'";
            j += 2;
            continue;
          }
          break;
        }
        text += pattern[j];
        j += 1;
      }
      tokens.push({ literal: j === i + 1 ? "'" : text });
      i = j + 1;
    } else if (/[A-Za-z]/.test(c)) {
      const field = FIELDS[c];
      if (field === undefined) {
        throw new TypeError(
          `DateTimeBucketAssigner: the format "${pattern}" uses the letter '${c}'; supported are y, M, d, H, m, s, S (quote other text: 'T')`,
        );
      }
      let j = i;
      while (pattern[j] === c) j += 1;
      tokens.push({ field, width: j - i, letter: c });
      i = j;
    } else {
      tokens.push({ literal: c });
      i += 1;
    }
  }
  return tokens;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/**
 * Assigns each record to the bucket named by the current **processing time** formatted with a date-time pattern, as
 * Flink's `DateTimeBucketAssigner` (default `yyyy-MM-dd--HH`: one bucket per hour). The pattern follows Java's
 * `DateTimeFormatter` for the letters `y` (`yy`: two digits), `M`, `d`, `H`, `m`, `s`, `S` (fraction of the second);
 * text in single quotes and non-letters are copied; `/` makes nested directories.
 *
 * The time zone is **UTC by default**, so that bucket names do not depend on the machine (Flink uses the JVM's
 * default zone); pass `'local'` for the machine's zone or an IANA name such as `'Europe/Paris'`. To bucket by event
 * time, write a `BucketAssigner` that formats `context.timestamp()`.
 */
export class DateTimeBucketAssigner<T = unknown> implements BucketAssigner<T> {
  private readonly tokens: readonly Token[];
  private readonly zoneFormat: Intl.DateTimeFormat | undefined;
  private readonly secondsResolution: boolean;
  private cachedTime = Number.NaN;
  private cachedId = '';

  /** Creates the assigner; an unsupported pattern or an unknown time zone throws a `TypeError`. */
  constructor(
    /** The date-time pattern of bucket ids. */
    readonly formatString: string = DEFAULT_DATE_TIME_BUCKET_FORMAT,
    /** `'UTC'` (the default), `'local'`, or an IANA time zone name. */
    readonly timeZone: string = 'UTC',
  ) {
    if (typeof formatString !== 'string' || formatString === '') {
      throw new TypeError(`DateTimeBucketAssigner needs a non-empty format string, got ${String(formatString)}`);
    }
    this.tokens = parsePattern(formatString);
    this.secondsResolution = !this.tokens.some((t) => 'field' in t && t.field === 'millisecond');
    if (typeof timeZone !== 'string' || timeZone === '') {
      throw new TypeError(`DateTimeBucketAssigner needs a time zone ('UTC', 'local' or an IANA name), got ${String(timeZone)}`);
    }
    if (timeZone === 'UTC' || timeZone === 'local') {
      this.zoneFormat = undefined;
    } else {
      try {
        this.zoneFormat = new Intl.DateTimeFormat('en-US', {
          timeZone,
          hourCycle: 'h23',
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hour: 'numeric',
          minute: 'numeric',
          second: 'numeric',
        });
      } catch (error) {
        throw new TypeError(`DateTimeBucketAssigner: unknown time zone "${timeZone}"`, { cause: error });
      }
    }
  }

  /** The formatted current processing time. */
  getBucketId(_element: T, context: BucketAssignerContext): string {
    return this.format(context.currentProcessingTime());
  }

  /** Formats `time` (ms since the epoch) with this assigner's pattern and zone. */
  format(time: number): string {
    const key = this.secondsResolution ? Math.floor(time / 1000) : time;
    if (key === this.cachedTime) return this.cachedId;
    const fields = this.fieldsOf(time);
    const millisecond = ((time % 1000) + 1000) % 1000;
    let id = '';
    for (const token of this.tokens) {
      if ('literal' in token) {
        id += token.literal;
        continue;
      }
      switch (token.field) {
        case 'year':
          id += token.width === 2 ? pad(((fields.year % 100) + 100) % 100, 2) : pad(fields.year, token.width);
          break;
        case 'millisecond':
          id += token.width <= 3 ? pad(Math.floor(millisecond / 10 ** (3 - token.width)), token.width) : pad(millisecond, 3).padEnd(token.width, '0');
          break;
        default:
          id += pad(fields[token.field], token.width);
      }
    }
    this.cachedTime = key;
    this.cachedId = id;
    return id;
  }

  private fieldsOf(time: number): DateFields {
    const date = new Date(time);
    if (this.zoneFormat === undefined) {
      return this.timeZone === 'UTC'
        ? {
            year: date.getUTCFullYear(),
            month: date.getUTCMonth() + 1,
            day: date.getUTCDate(),
            hour: date.getUTCHours(),
            minute: date.getUTCMinutes(),
            second: date.getUTCSeconds(),
          }
        : {
            year: date.getFullYear(),
            month: date.getMonth() + 1,
            day: date.getDate(),
            hour: date.getHours(),
            minute: date.getMinutes(),
            second: date.getSeconds(),
          };
    }
    const parts: Record<string, number> = {};
    for (const part of this.zoneFormat.formatToParts(date)) {
      if (part.type !== 'literal') parts[part.type] = Number(part.value);
    }
    return {
      year: parts.year,
      month: parts.month,
      day: parts.day,
      hour: parts.hour,
      minute: parts.minute,
      second: parts.second,
    };
  }
}
