/**
 * Large typed arrays moved onto SharedArrayBuffers, in place, so that posting the structure that holds
 * them to a worker shares them instead of copying them: structured clone copies an ordinary buffer
 * and shares a shared one. The trust thread (trust-thread.ts) posts each window's trust memory; at 4M
 * sessions the buyers' revenue is ~33 MB of its ~39 MB, in a few dozen arrays.
 */

type AnyTypedArray = Exclude<NodeJS.TypedArray, DataView>;

/**
 * Every typed array of at least `minBytes` reachable from `root` through plain objects, arrays and
 * Map values replaced by an equal one on a SharedArrayBuffer (arrays shared already are left).
 * Nothing may write to the arrays afterwards without knowing that another thread reads them. Returns
 * the bytes moved.
 */
export function shareLargeArrays(root: object, minBytes = 4096): number {
  const moved = new Map<AnyTypedArray, AnyTypedArray>();
  let bytes = 0;
  const shared = (a: AnyTypedArray): AnyTypedArray => {
    let copy = moved.get(a);
    if (!copy) {
      const Kind = a.constructor as new (buffer: SharedArrayBuffer) => AnyTypedArray;
      copy = new Kind(new SharedArrayBuffer(a.byteLength));
      copy.set(a as never);
      moved.set(a, copy);
      bytes += a.byteLength;
    }
    return copy;
  };
  const large = (v: unknown): v is AnyTypedArray =>
    ArrayBuffer.isView(v) &&
    !(v instanceof DataView) &&
    !(v.buffer instanceof SharedArrayBuffer) &&
    v.byteLength >= minBytes;
  const seen = new Set<object>();
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== "object" || ArrayBuffer.isView(node) || seen.has(node)) return;
    seen.add(node);
    if (node instanceof Map) {
      for (const [key, value] of node) {
        if (large(value)) node.set(key, shared(value));
        else visit(value);
      }
      return;
    }
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const value = record[key];
      if (large(value)) record[key] = shared(value);
      else visit(value);
    }
  };
  visit(root);
  return bytes;
}
