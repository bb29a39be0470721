// The attribute names of one tag, to refuse a repeated one, kept as positions in the document
// instead of strings: a Set of a million sliced names spent its time in the garbage collector
// and in cache misses, and grew slower per name as it grew. Open addressing over one typed
// array of (start + 1, length, hash) triples, so a probe touches one cache line.

export class NameSet {
  private table = new Int32Array(3 * 64);
  private count = 0;

  constructor(private readonly src: string) {}

  /** Adds the name `src[start, start + length)`; false if it is there already. */
  add(start: number, length: number): boolean {
    const src = this.src;
    let hash = 0x811c9dc5;
    for (let k = 0; k < length; k++) hash = Math.imul(hash ^ src.charCodeAt(start + k), 0x01000193);
    if (6 * (this.count + 1) > this.table.length) this.grow();
    const table = this.table;
    const mask = table.length / 3 - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const at = 3 * slot;
      const other = table[at]! - 1;
      if (other < 0) {
        table[at] = start + 1;
        table[at + 1] = length;
        table[at + 2] = hash;
        this.count++;
        return true;
      }
      if (table[at + 2] === hash && table[at + 1] === length && this.same(other, start, length)) return false;
    }
  }

  private same(a: number, b: number, length: number): boolean {
    for (let k = 0; k < length; k++) if (this.src.charCodeAt(a + k) !== this.src.charCodeAt(b + k)) return false;
    return true;
  }

  private grow(): void {
    const old = this.table;
    const table = (this.table = new Int32Array(old.length * 2));
    const mask = table.length / 3 - 1;
    for (let from = 0; from < old.length; from += 3) {
      if (old[from] === 0) continue;
      let slot = old[from + 2]! & mask;
      while (table[3 * slot] !== 0) slot = (slot + 1) & mask;
      table[3 * slot] = old[from]!;
      table[3 * slot + 1] = old[from + 1]!;
      table[3 * slot + 2] = old[from + 2]!;
    }
  }
}
