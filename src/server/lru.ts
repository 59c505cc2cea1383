// A small least-recently-used map bounded by a total weight (bytes, or 1 per entry).
export class Lru<K, V> {
  readonly #map = new Map<K, { value: V; weight: number }>();
  readonly #max: number;
  #total = 0;

  constructor(maxWeight: number) {
    this.#max = maxWeight;
  }

  get(key: K): V | undefined {
    const e = this.#map.get(key);
    if (!e) return undefined;
    this.#map.delete(key);
    this.#map.set(key, e);
    return e.value;
  }

  set(key: K, value: V, weight = 1): void {
    this.delete(key);
    if (weight > this.#max) return;
    this.#map.set(key, { value, weight });
    this.#total += weight;
    for (const [k, e] of this.#map) {
      if (this.#total <= this.#max) break;
      this.#map.delete(k);
      this.#total -= e.weight;
    }
  }

  delete(key: K): void {
    const e = this.#map.get(key);
    if (!e) return;
    this.#map.delete(key);
    this.#total -= e.weight;
  }
}
