// The page's icon, shipped with it: a browser asks for /favicon.ico whatever the page says, and
// got a 404 (and the page must load nothing from elsewhere). A 16x16 ICO is small enough to draw
// here, so the build needs no image tool and no binary file in the repository.

/** Pixel rows, top first: `#` the mark, `o` the field, `.` transparent (an import arrow on a tile). */
export const FAVICON_ROWS = [
  '..oooooooooooo..',
  '.oooooooooooooo.',
  'oooooooooooooooo',
  'ooooooo##ooooooo',
  'ooooooo##ooooooo',
  'ooooooo##ooooooo',
  'ooooooo##ooooooo',
  'oooo#oo##oo#oooo',
  'ooooo#o##o#ooooo',
  'oooooo####oooooo',
  'ooooooo##ooooooo',
  'oooooooooooooooo',
  'ooo##########ooo',
  'oooooooooooooooo',
  '.oooooooooooooo.',
  '..oooooooooooo..',
];

/** RGBA of each character of FAVICON_ROWS. */
export const FAVICON_COLOURS: Record<string, [number, number, number, number]> = {
  '#': [255, 255, 255, 255],
  o: [31, 94, 168, 255],
  '.': [0, 0, 0, 0],
};

/** The icon as an ICO file: one 16x16 32-bit BMP image (bottom-up rows, BGRA, an empty AND mask). */
export function faviconIco(): Buffer {
  const size = 16;
  const pixels = Buffer.alloc(size * size * 4);
  FAVICON_ROWS.forEach((row, y) => {
    [...row].forEach((cell, x) => {
      const [r, g, b, a] = FAVICON_COLOURS[cell]!;
      pixels.set([b, g, r, a], ((size - 1 - y) * size + x) * 4);
    });
  });
  const mask = Buffer.alloc(size * 4); // 16 bits a row, padded to 32: all zero, alpha decides
  const header = Buffer.alloc(40);
  header.writeUInt32LE(40, 0);
  header.writeInt32LE(size, 4);
  header.writeInt32LE(size * 2, 8); // the XOR image and the AND mask, stacked
  header.writeUInt16LE(1, 12);
  header.writeUInt16LE(32, 14);
  header.writeUInt32LE(pixels.length + mask.length, 20);
  const image = Buffer.concat([header, pixels, mask]);
  const directory = Buffer.alloc(22);
  directory.writeUInt16LE(0, 0);
  directory.writeUInt16LE(1, 2); // an icon
  directory.writeUInt16LE(1, 4); // one image
  directory.writeUInt8(size, 6);
  directory.writeUInt8(size, 7);
  directory.writeUInt16LE(1, 10);
  directory.writeUInt16LE(32, 12);
  directory.writeUInt32LE(image.length, 14);
  directory.writeUInt32LE(22, 18);
  return Buffer.concat([directory, image]);
}

/** The page with its icon declared, so that a browser asks for the shipped file. */
export function withFavicon(html: string): string {
  if (!html.includes('</head>')) throw new Error('dist/index.html has no </head> to declare the icon in');
  return html.replace('</head>', '<link rel="icon" type="image/x-icon" href="favicon.ico"></head>');
}
