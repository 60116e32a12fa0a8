/**
 * Gives every parallel instance its own copy of a function object, as Flink does by serializing functions: fields
 * set in `open` or while processing (a counter, the subtask index) belong to one instance. The copy is shallow:
 * the object's own properties are copied, its prototype is shared. Plain functions (closures) cannot be copied;
 * what they capture is shared by the instances of one process.
 */
export function instantiateFunction<F>(fn: F): F {
  if (typeof fn !== 'object' || fn === null) return fn;
  const copy = Object.create(Object.getPrototypeOf(fn) as object | null) as F;
  Object.defineProperties(copy, Object.getOwnPropertyDescriptors(fn));
  return copy;
}
