import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level, so equal inputs give equal text whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** A short stable key for "this input to this model", for reusing answers within a run. */
export function inputKey(modelKey: string, input: unknown): string {
  return createHash('sha1').update(modelKey).update('\0').update(canonicalJson(input)).digest('base64');
}

/**
 * A bounded Map that forgets the least recently used entries: two generations of at most max/2
 * entries each; a hit in the old generation moves the entry to the new one. O(1) per operation
 * (deleting from the front of one big Map would leave V8 skipping tombstones on every eviction).
 */
export class LruMap<K, V> {
  private current = new Map<K, V>();
  private previous = new Map<K, V>();
  private readonly half: number;
  constructor(max: number) {
    this.half = Math.max(0, Math.floor(max / 2));
  }
  get(key: K): V | undefined {
    const v = this.current.get(key);
    if (v !== undefined) return v;
    const old = this.previous.get(key);
    if (old !== undefined) {
      this.previous.delete(key);
      this.set(key, old);
    }
    return old;
  }
  set(key: K, value: V): void {
    if (this.half === 0) return;
    if (!this.current.has(key) && this.current.size >= this.half) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, value);
  }
  get size(): number {
    return this.current.size + this.previous.size;
  }
}
