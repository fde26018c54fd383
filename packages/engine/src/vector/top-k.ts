/**
 * Ascending Unicode code point order, which is the UTF-8 byte order keys are stored in (JavaScript's
 * `<` compares UTF-16 code units, which puts U+E000..U+FFFF after the astral planes). Moving the
 * surrogates above the rest of the BMP turns one order into the other.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800) x += x < 0xe000 ? 0x2000 : -0x800;
    if (y >= 0xd800) y += y < 0xe000 ? 0x2000 : -0x800;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * The best `k` of a stream of (score, slot) pairs: higher score first, equal scores by key
 * ascending. A min-heap whose root is the worst kept entry, so a candidate that does not beat
 * `floor` can be skipped without touching the heap.
 */
export class TopK {
  readonly #k: number;
  readonly #keys: readonly string[];
  readonly #scores: Float64Array;
  readonly #slots: Int32Array;
  #size = 0;

  constructor(k: number, keys: readonly string[]) {
    this.#k = k;
    this.#keys = keys;
    this.#scores = new Float64Array(k);
    this.#slots = new Int32Array(k);
  }

  get full(): boolean {
    return this.#size === this.#k;
  }

  /** The worst kept score; only meaningful when full. */
  get floor(): number {
    return this.#scores[0] as number;
  }

  /** Whether (score a, slot i) ranks below (score b, slot j). */
  #worse(a: number, i: number, b: number, j: number): boolean {
    return a < b || (a === b && compareKeys(this.#keys[i] as string, this.#keys[j] as string) > 0);
  }

  offer(score: number, slot: number): void {
    const scores = this.#scores;
    const slots = this.#slots;
    if (this.#size < this.#k) {
      let i = this.#size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!this.#worse(score, slot, scores[p] as number, slots[p] as number)) break;
        scores[i] = scores[p] as number;
        slots[i] = slots[p] as number;
        i = p;
      }
      scores[i] = score;
      slots[i] = slot;
      return;
    }
    if (!this.#worse(scores[0] as number, slots[0] as number, score, slot)) return;
    let i = 0;
    const n = this.#size;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && this.#worse(scores[r] as number, slots[r] as number, scores[l] as number, slots[l] as number)) c = r;
      if (!this.#worse(scores[c] as number, slots[c] as number, score, slot)) break;
      scores[i] = scores[c] as number;
      slots[i] = slots[c] as number;
      i = c;
    }
    scores[i] = score;
    slots[i] = slot;
  }

  /** The kept entries, best first. */
  sorted(): { score: number; slot: number }[] {
    const out: { score: number; slot: number }[] = [];
    for (let i = 0; i < this.#size; i++) out.push({ score: this.#scores[i] as number, slot: this.#slots[i] as number });
    return out.sort((x, y) => (x.score !== y.score ? y.score - x.score : compareKeys(this.#keys[x.slot] as string, this.#keys[y.slot] as string)));
  }
}
