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

export const families: Record<string, (bytes: number) => string> = {
  // The issue's own: one element with tens of thousands of attributes.
  attributes: (bytes) => repeat(bytes, (i) => ` a${i}="v"`, '<xml><email', '>x</email></xml>'),
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
};
