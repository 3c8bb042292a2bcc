/**
 * A bounded cache from strings to values computed from them alone (pure functions: parsed ARNs, service
 * prefixes, fingerprints). Two generations: when the young map is full it becomes the old one and the
 * previous old one is dropped, and a key found in the old map moves back to the young one, so a long
 * run of distinct keys (session ARNs) never evicts the few keys a batch keeps asking about, and memory
 * stays under two maps of `limit` entries. Keys longer than `maxKeyLength` are computed, never kept.
 */
export class StringCache<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();

  constructor(
    private readonly limit: number,
    private readonly compute: (key: string) => V,
    private readonly maxKeyLength = 2048,
  ) {}

  get(key: string): V {
    if (key.length > this.maxKeyLength) return this.compute(key);
    let value = this.young.get(key);
    if (value !== undefined || this.young.has(key)) return value as V;
    value = this.old.get(key);
    if (value === undefined && !this.old.has(key)) value = this.compute(key);
    if (this.young.size >= this.limit) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value as V);
    return value as V;
  }
}
