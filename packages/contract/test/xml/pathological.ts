// Documents built to find reading costs that grow faster than the input: each family repeats
// one construct (or stretches one token) until the document is about `bytes` long. They are
// well formed, so the reader reads each to its end.

const repeat = (bytes: number, unit: (i: number) => string, head = '<xml>', tail = '</xml>'): string => {
  const parts = [head];
  let length = head.length + tail.length;
  for (let i = 0; length < bytes; i++) {
    const piece = unit(i);
    parts.push(piece);
    length += piece.length;
  }
  parts.push(tail);
  // One flat string, as a server holds a body read from its socket.
  return Buffer.from(parts.join('')).toString();
};

/** `make` with each filler unit repeated as often as keeps the document about `bytes` long. */
const stretch = (bytes: number, make: (filler: (unit: string) => string) => string): string => {
  let unitLength = 0;
  const overhead = make((unit) => {
    unitLength += unit.length;
    return '';
  }).length;
  const times = Math.max(0, Math.floor((bytes - overhead) / unitLength));
  return make((unit) => unit.repeat(times));
};

/**
 * Attribute names whose FNV-1a hashes (the duplicate check's first hash, fixed and unseeded)
 * agree in their low 20 bits, the bits that hash indexed its table by. FNV-1a's low k bits
 * depend only on the low k bits of its state, so a birthday search finds two 4-character
 * blocks that lead one state to the same low bits; chaining 18 such pairs gives 2^18 names,
 * name i taking the first or second block of pair b as bit b of i says. (The review's
 * generator: one tag of 131,072 of them read in 17 s against 17 ms for ordinary names.)
 */
const fnvStep = (hash: number, text: string): number => {
  for (let k = 0; k < text.length; k++) hash = Math.imul(hash ^ text.charCodeAt(k), 0x01000193);
  return hash;
};
let fnvPairs: [string, string][] | undefined;
export const fnvColliding = (i: number): string => {
  if (!fnvPairs) {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
    const low = (1 << 20) - 1;
    fnvPairs = [];
    for (let block = 0, hash = fnvStep(0x811c9dc5, 'a'); block < 18; block++) {
      const seen = new Map<number, string>();
      let pair: [string, string] | undefined;
      for (let n = 0; !pair; n++) {
        const text = [0, 1, 2, 3].map((d) => alphabet[Math.floor(n / alphabet.length ** d) % alphabet.length]).join('');
        const key = fnvStep(hash, text) & low;
        const other = seen.get(key);
        if (other === undefined) seen.set(key, text);
        else pair = [other, text];
      }
      fnvPairs.push(pair);
      hash = fnvStep(hash, pair[0]);
    }
  }
  return 'a' + fnvPairs.map((pair, b) => pair[(i >> b) & 1]).join('');
};

export const families: Record<string, (bytes: number) => string> = {
  // The issue's own: one element with tens of thousands of attributes.
  attributes: (bytes) => repeat(bytes, (i) => ` a${i}="v"`, '<xml><email', '>x</email></xml>'),
  'attributes, names built to collide in the old FNV-1a set': (bytes) => repeat(bytes, (i) => ` ${fnvColliding(i)}="v"`, '<xml><email', '/></xml>'),
  // V8 hashes a string longer than 16,383 characters by its length: in a Set these would all collide.
  'attributes, names of 16,400 characters': (bytes) => repeat(bytes, (i) => ` ${'n'.repeat(16_394)}${i.toString(36).padStart(6, '0')}="v"`, '<xml><email', '/></xml>'),
  'attribute references': (bytes) => repeat(bytes, (i) => ` a${i}="&amp;&#x41;&#0000065;\r\n\t"`, '<xml><email', '/></xml>'),
  'attributes, long names': (bytes) => repeat(bytes, (i) => ` ${'n'.repeat(200)}${i}='v'`, '<xml><email', '/></xml>'),
  'sibling elements, one name': (bytes) => repeat(bytes, () => '<email>x</email>'),
  'sibling elements, distinct names': (bytes) => repeat(bytes, (i) => `<f${i}>1</f${i}>`),
  'sibling profiles': (bytes) => repeat(bytes, (i) => `<data><email>u${i}@example.com</email><phones>1</phones><phones>2</phones><x${i % 300}>y</x${i % 300}></data>`),
  'sibling elements, long shared prefix': (bytes) => repeat(bytes, (i) => `<${'p'.repeat(1000)}${i % 7}/>`),
  nesting: (bytes) => stretch(bytes, (f) => `<xml>${f('<a>')}${f('</a>')}</xml>`),
  'nesting with siblings': (bytes) => stretch(bytes, (f) => `<xml>${f('<a><b/>')}${f('</a>')}</xml>`),
  'long element name': (bytes) => stretch(bytes, (f) => `<xml><${f('n')}>x</${f('n')}></xml>`),
  'long attribute name': (bytes) => stretch(bytes, (f) => `<xml><email ${f('n')}="${f('v')}"/></xml>`),
  'entity references': (bytes) => repeat(bytes, () => '&amp;&lt;&gt;&apos;&quot;', '<xml><email>', '</email></xml>'),
  'character references': (bytes) => repeat(bytes, () => '&#x1F600;&#65;&#x41;&#x000000041;', '<xml><email>', '</email></xml>'),
  'references between children': (bytes) => repeat(bytes, () => '<a/>&#32;&#x20;', '<xml><f>', '</f></xml>'),
  'CDATA sections': (bytes) => repeat(bytes, () => '<![CDATA[x<&]]>', '<xml><email>', '</email></xml>'),
  'text, CDATA and comments interleaved': (bytes) => repeat(bytes, () => 'x\r\n<!--c--><![CDATA[]]]]>', '<xml><email>', '</email></xml>'),
  comments: (bytes) => repeat(bytes, () => '<!-- c - c -->'),
  'processing instructions': (bytes) => repeat(bytes, () => '<?p x?>'),
  'long comment': (bytes) => stretch(bytes, (f) => `<xml><!--${f('-a')}${f('-b')}--></xml>`),
  whitespace: (bytes) => stretch(bytes, (f) => `<xml>${f(' ')}<email>x</email>${f('\r\n')}</xml>`),
  'whitespace in tags': (bytes) => stretch(bytes, (f) => `<xml><email${f(' ')}string="true"${f('\n')}>x</email   ></xml>`),
  'long number-like text': (bytes) => stretch(bytes, (f) => `<xml><f>${f('1')}.${f('1')}e</f></xml>`),
  // An integer past 2^53 is checked digit for digit against its double: only after the zeros.
  'integer past 2^53 after leading zeros': (bytes) => stretch(bytes, (f) => `<xml><f>-${f('0')}1000000000000000000000</f></xml>`),
};
