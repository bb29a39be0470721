// The XML codec must keep producing exactly the objects and bytes it produced before its
// rewrite (issue 14): the digests below were recorded from the fast-xml-parser codec, before
// the streaming decoder and the compiled encoder replaced it. `RECORD_XML_DIGESTS=1 pnpm vitest
// run test/xml.fidelity.test.ts` prints the current digests instead of checking them.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createBatchEncoder } from '../src/batch.js';
import { requestXml, responseXml } from '../src/xml.js';
import { deterministicRequest } from './support/arbitrary.js';

const RECORDED = {
  requestXml: '79b35164fa7d521d1e938a386f7b4768fb9b6f26cc1fe195c095ddb6c6f3aae0',
  requestDecoded: 'c7fa4470fa90229ccc33394845fa5f0f335bf5b9ffce9563ed6f2aa814e46674',
  styledDecoded: 'c7fa4470fa90229ccc33394845fa5f0f335bf5b9ffce9563ed6f2aa814e46674',
  batchBody: '3cd948b8317b9b4f9b24ca8e69e509d9bf71d9e9e14294cb4b3497818064a5bc',
  batchDecoded: 'c7fa4470fa90229ccc33394845fa5f0f335bf5b9ffce9563ed6f2aa814e46674',
  resultXml: 'e948b5ffc65be1fdad6fcc26c844a9d5f303ea2a9f153cac7a9c293d4a530f4f',
  resultDecoded: '8645e9e08d36c0b4070ca91a869bc102d420af1348f16e578cd906650bc776d9',
  envelopeXml: 'dabfda5e810b46ba051073cc7bf48d2793f3241241c077a2d81eca2101c0bee3',
  envelopeDecoded: '3e04bdd8cdd545a56e7fe7adbdaf58bf56e92afccfbdf921cbb20815fc2e3d63',
};

const digest = (text: string) => createHash('sha256').update(text).digest('hex');
const record = process.env.RECORD_XML_DIGESTS === '1';

/**
 * The same document written the way other producers write XML: a declaration, CRLF between
 * elements, comments, a processing instruction, CDATA, character references, single-quoted
 * attributes and `<x></x>` for empty elements. It must decode to the same objects.
 */
function restyle(xml: string): string {
  let count = 0;
  return (
    '<?xml version="1.0" encoding="UTF-8"?><!-- written by hand --><?producer test?>' +
    xml
      .replace(/>\n( *)</g, '>\r\n$1<')
      .replace(/<data>/g, (tag) => (++count % 100 === 0 ? `<!-- item ${count} -->${tag}` : tag))
      .replace(/<([A-Za-z_][\w.-]*)((?: [a-z]+="true")*)\/>/g, '<$1$2></$1>')
      .replace(/string="true"/g, "string='true'")
      .replace(/<note>Tom &amp; Jerry &lt;3<\/note>/g, '<note><![CDATA[Tom & Jerry <3]]></note>')
      .replace(/&amp;/g, '&#38;')
      .replace(/&lt;/g, '&#x3C;')
      .replace(/Алиса/g, '&#x410;&#1083;иса')
      .replace(/😀/g, '&#x1F600;')
  );
}

describe('the XML codec keeps today’s objects and bytes', () => {
  const request = deterministicRequest(10_000);
  const fields = Object.fromEntries(Object.entries(request).filter(([name]) => name !== 'data'));
  const profiles = request.data.map((item) => item.data);
  const result = { error: 0, error_text: 'Successful operation', result: profiles.map((_, i) => (i % 10 === 3 ? { error: 1, error_text: 'Invalid email & <phone>' } : { profile_id: `5f19953a03e42272162${String(i).padStart(5, '0')}` })) };
  const envelope = { error: 400, error_text: 'Invalid request', error_debug: '/data/3/data/email: must match format "email" & <more>' };

  it('on a 10,000-profile document and its answers', () => {
    const requestText = requestXml.encode(request);
    const batchBody = createBatchEncoder('xml', fields).body(profiles);
    const resultCodec = responseXml('importAndStartBatch', 200);
    const envelopeCodec = responseXml('importAndStartBatch', 400);
    const resultText = resultCodec.encode(result);
    const envelopeText = envelopeCodec.encode(envelope);
    const actual = {
      requestXml: digest(requestText),
      requestDecoded: digest(JSON.stringify(requestXml.decode(requestText))),
      styledDecoded: digest(JSON.stringify(requestXml.decode(restyle(requestText)))),
      batchBody: digest(batchBody),
      batchDecoded: digest(JSON.stringify(requestXml.decode(batchBody))),
      resultXml: digest(resultText),
      resultDecoded: digest(JSON.stringify(resultCodec.decode(resultText))),
      envelopeXml: digest(envelopeText),
      envelopeDecoded: digest(JSON.stringify(envelopeCodec.decode(envelopeText))),
    };
    if (record) console.log(JSON.stringify(actual, null, 2));
    else expect(actual).toEqual(RECORDED);
  }, 120_000);
});
