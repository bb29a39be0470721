// The attribute names of one tag, to refuse a repeated one, kept as positions in the document
// instead of strings: a Set of a million sliced names spent its time in the garbage collector
// and in cache misses, and grew slower per name as it grew. A Set is no defence either: V8
// hashes a string longer than 16,383 characters by its length alone, so a few hundred long
// names of one length make it compare every name with every other.
//
// The hash is drawn at random for each set from a universal family, so that no document can be
// built to collide (a fixed FNV-1a let one be: its low bits depend only on the low bits of its
// state, and a tag of 131,072 names built block by block to agree in them took 17 s to read).
// A name of up to 64 characters hashes to the sum of k[i] * charCode[i] mod 2^32 with 64 random
// keys k: two distinct ones agree with probability at most 2^-17, and their top bits, which pick
// the slot, about as often as random numbers do. A longer name is cut into blocks of 64 hashed
// so, and the block hashes are the coefficients of a polynomial in a random base mod a prime,
// mixed by a random odd multiplier; doubles, five times slower per step than the sums, but one
// step per block. Keys for every position of a 10 MB name would have been 40 MB; folding the
// positions onto 64 keys alone would let names that swap characters 64 apart collide.

/** A prime below 2^26: a value below it times a base below it, plus a block hash below 2^32,
 * stays below 2^53, exact in a double. */
const P = 67_108_859;
const BLOCK = 64;

/** `BLOCK` keys, then the base and the odd multiplier of long names. */
const cryptoRandom = (): Int32Array => crypto.getRandomValues(new Int32Array(BLOCK + 2));

export class NameSet {
  private table = new Int32Array(3 * 64);
  private count = 0;
  private readonly keys: Int32Array;
  private readonly base: number;
  private readonly multiplier: number;

  /** `random` is for tests, to find names that collide; readers leave it random. */
  constructor(
    private readonly src: string,
    random: () => Int32Array = cryptoRandom,
  ) {
    this.keys = random();
    this.base = 2 + ((this.keys[BLOCK]! >>> 0) % (P - 2));
    this.multiplier = this.keys[BLOCK + 1]! | 1;
  }

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

  /** The name's hash: its block sum if short, else the polynomial of its block sums. */
  hash(start: number, length: number): number {
    if (length <= BLOCK) return this.blockSum(start, length, length);
    let hash = length % P;
    for (let at = 0; at < length; at += BLOCK) {
      const x = hash * this.base + (this.blockSum(start + at, Math.min(BLOCK, length - at), 0) >>> 0);
      // x / P may round up to the next integer when x is just below a multiple of it.
      hash = x - Math.floor(x / P) * P;
      if (hash < 0) hash += P;
    }
    return Math.imul(hash, this.multiplier);
  }

  private blockSum(start: number, length: number, sum: number): number {
    const src = this.src;
    const keys = this.keys;
    for (let k = 0; k < length; k++) sum = (sum + Math.imul(keys[k]!, src.charCodeAt(start + k))) | 0;
    return sum;
  }

  /** The hash's top bits: a difference of characters that are even numbers apart leaves the
   * low bits of two sums alike, never the top ones. */
  private slot(hash: number, mask: number): number {
    return hash >>> Math.clz32(mask);
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
