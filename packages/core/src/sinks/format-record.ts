/**
 * How `print()` renders a record: strings as they are, tuples (arrays) as Flink prints them, `(a,1)`, other
 * objects as JSON (bigints as their digits), so a Flink user's word count reads `(hello,3)`.
 */
export function formatRecord(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return String(value);
    case 'function':
    case 'symbol':
      return String(value);
    default:
      if (value === null) return 'null';
      if (Array.isArray(value)) return `(${value.map(formatRecord).join(',')})`;
      if (value instanceof Date) return value.toISOString();
      if (value instanceof Map) return `{${[...value].map(([k, v]) => `${formatRecord(k)}=${formatRecord(v)}`).join(', ')}}`;
      if (value instanceof Set) return `[${[...value].map(formatRecord).join(', ')}]`;
      return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  }
}
