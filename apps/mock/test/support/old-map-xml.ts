// The XML cut as it was before it was made linear (one regex, quadratic on unclosed `<!`, `<a`):
// kept as the oracle the new cut is compared with on ordinary bodies.
import { escapeXml, unescapeXml } from '../../src/record/scrub.js';

const XML_PIECE = /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<[?!][\s\S]*?>|<(\/?)([^\s/>]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)|</g;
const XML_ATTRIBUTE = /([^\s=/>]+)(\s*=\s*)(?:"([^"]*)"|'([^']*)')/g;

export function oldMapXml(text: string, leaf: (key: string | undefined, text: string) => string, keyOf: (name: string) => string, trim = false): string {
  const open: string[] = [];
  return text.replace(XML_PIECE, (whole, cdata: string | undefined, close: string | undefined, name: string | undefined, attributes: string | undefined, selfClosing: string | undefined, plain: string | undefined) => {
    if (cdata !== undefined) return escapeXml(leaf(open.at(-1), cdata));
    if (plain !== undefined) {
      if (plain.trim() === '') return trim ? '' : plain;
      return escapeXml(leaf(open.at(-1), unescapeXml(trim ? plain.trim() : plain)));
    }
    if (name === undefined) return whole === '<' ? '&lt;' : whole.startsWith('<!--') ? '' : whole.startsWith('<?xml') ? whole : '';
    if (close) {
      open.pop();
      return `</${keyOf(name)}>`;
    }
    const attrs = (attributes ?? '').replace(XML_ATTRIBUTE, (_, attr: string, eq: string, dq?: string, sq?: string) => ` ${keyOf(attr)}${trim ? '=' : eq}"${escapeXml(leaf(attr, unescapeXml(dq ?? sq ?? '')))}"`);
    if (!selfClosing) open.push(name);
    return `<${keyOf(name)}${trim ? attrs.replace(/^\s+/, ' ') : attrs}${selfClosing ? '/' : ''}>`;
  });
}

/** The old token regex of tokensOf's XML part. */
export const OLD_XML_TOKEN = /<token(?:\s[^>]*)?>([^<]*)<\/token\s*>/g;
