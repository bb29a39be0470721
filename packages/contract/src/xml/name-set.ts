// The attribute names of one tag, to refuse a repeated one, kept as positions in the document
// instead of strings: a Set of a million sliced names spent its time in the garbage collector
// and in cache misses, and grew slower per name as it grew. A Set is no defence either: V8
// hashes a string longer than 16,383 characters by its length alone, so a few hundred long
// names of one length make it compare every name with every other.
//
// The hash is a polynomial in a base drawn at random for each set, modulo a prime: two
// distinct names of at most L characters agree for at most L of the p bases, whatever the
// sender chose, so no document can be built to collide (a fixed FNV-1a let one be: its low
// bits depend only on the low bits of its state, and a tag of 131,072 names built block by
// block to agree in them took 17 s to read). Open addressing over one typed array of
// (start + 1, length, hash) triples, so a probe touches one cache line.

/** A prime below 2^26: a hash times a base stays below 2^53, exact in a double. */
const P = 67_108_859;

const randomBase = (): number => {
  const [word] = crypto.getRandomValues(new Uint32Array(1));
  return 2 + (word! % (P - 2));
};

export class NameSet {
  private table = new Int32Array(3 * 64);
  private count = 0;

  /** `base` is for tests, to find names that collide; readers leave it random. */
  constructor(
    private readonly src: string,
    private readonly base = randomBase(),
  ) {}

  /** Adds the name `src[start, start + length)`; false if it is there already. */
  add(start: number, length: number): boolean {
    const hash = this.hash(start, length);
    if (6 * (this.count + 1) > this.table.length) this.grow();
    const table = this.table;
    const mask = table.length / 3 - 1;
    for (let slot = this.slot(hash, mask); ; slot = (slot + 1) & mask) {
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

  /** The name's polynomial in the base, mod P; starting from 1 keeps a name of n characters
   * a polynomial of degree n, so names of different lengths are different polynomials too. */
  hash(start: number, length: number): number {
    const src = this.src;
    const base = this.base;
    let hash = 1;
    for (let k = 0; k < length; k++) {
      const x = hash * base + src.charCodeAt(start + k);
      // x / P may round up to the next integer when x is just below a multiple of P.
      hash = x - Math.floor(x / P) * P;
      if (hash < 0) hash += P;
    }
    return hash;
  }

  /** Fibonacci hashing: the top bits of the hash times 2^32/φ depend on all of its bits. */
  private slot(hash: number, mask: number): number {
    return Math.imul(hash, 0x9e3779b1) >>> Math.clz32(mask);
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
      let slot = this.slot(old[from + 2]!, mask);
      while (table[3 * slot] !== 0) slot = (slot + 1) & mask;
      table[3 * slot] = old[from]!;
      table[3 * slot + 1] = old[from + 1]!;
      table[3 * slot + 2] = old[from + 2]!;
    }
  }
}
