/** Seeded random texts from every corner of Unicode, for round-trip tests: the same on every run. */
export function randomTexts(seed: number): () => string {
  let state = seed >>> 0;
  const random = () => ((state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
  const POOLS = [
    [0x00, 0x1f], // control characters
    [0x20, 0x7e],
    [0x7f, 0xff], // DEL and Latin-1
    [0x400, 0x4ff], // Cyrillic
    [0xd800, 0xdfff], // lone surrogates
    [0xe000, 0xffff],
    [0x10000, 0x10ffff], // astral
  ] as const;
  return () => {
    let text = '';
    for (let n = 1 + Math.floor(random() * 24); n > 0; n--) {
      if (random() < 0.15) text += ['"', '\\', '\\u00e9', '/', '~1', '~0'][Math.floor(random() * 6)];
      else {
        const [low, high] = POOLS[Math.floor(random() * POOLS.length)]!;
        text += String.fromCodePoint(low + Math.floor(random() * (high - low + 1)));
      }
    }
    return text;
  };
}
