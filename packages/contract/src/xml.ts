import { document } from './document.js';
import { operations, type OperationId } from './operations.js';
import { decodeDocument } from './xml/decode.js';
import { encodeDocument, encodeFragment } from './xml/encode.js';
import { XmlDecodeError, XmlEncodeError } from './xml/errors.js';
import { shapeOf } from './xml/shape.js';

export { XmlDecodeError, XmlEncodeError };

// The XML encoding of this API (spec/DECISIONS.md, "XML"):
// - the document's root element is <xml>; a field is an element named after it;
// - an array is its elements repeated; `array="true"` marks a one-element (or, empty, a
//   zero-element) array where the schema does not say the field is an array;
// - text converts to the type the schema gives the field; in free-form fields numeric text
//   becomes a number and true/false a boolean, unless the element has `string="true"`;
// - a profile item (`{"data": {...}}` in JSON) is one <data> element holding the fields
//   directly (the schema's `x-altcraft-xml-unwrap`).
// The codec walks the contract's schemas to know each field's type; it never validates: a
// decoded body still goes through validateRequest, so nothing is dropped or guessed silently.
// Decoding accepts exactly well-formed XML 1.0 without a DTD (xml/decode.ts); encoding writes
// what decoding reads back, or refuses with a pointer (xml/encode.ts).

export interface XmlCodec<T = unknown> {
  /** Decodes an XML document into the same object its JSON twin parses to. */
  decode(xml: string): T;
  /** Encodes an object of the JSON model as an XML document rooted at <xml>. */
  encode(value: T): string;
  /** The root element's name (`xml`). */
  readonly root: string;
  /**
   * One field of the root object as compact XML, without the root: `fragment('data', [item])`
   * is `<data>...</data>`. A document is `<root>` + its fields' fragments + `</root>`.
   */
  fragment(name: string, value: unknown): string;
}

/** A codec for bodies of the component schema `schemaName`, following its `xml` annotations. */
export function createXmlCodec<T = unknown>(schemaName: string): XmlCodec<T> {
  const schema = document.components.schemas[schemaName];
  if (schema === undefined) throw new Error(`no schema ${schemaName} in the contract`);
  const shape = shapeOf(schema);
  const root = ((schema as { xml?: { name?: string } }).xml?.name ?? schemaName) as string;
  return {
    decode: (xml: string): T => decodeDocument(xml, root, shape) as T,
    encode(value: T): string {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new XmlEncodeError('the body must be an object', '');
      return encodeDocument(root, value as Record<string, unknown>, shape);
    },
    root,
    fragment: (name: string, value: unknown): string => encodeFragment(name, value, shape),
  };
}

/** Codec of the request body shared by both batch operations. */
export const requestXml: XmlCodec = createXmlCodec('ImportAndStartBatchRequest');

/** Codec of the task status request's body. */
export const taskStatusRequestXml: XmlCodec = createXmlCodec('TaskStatusRequest');

/** Codec of the request body of `operationId`. */
export function requestXmlOf(operationId: OperationId): XmlCodec {
  return operations[operationId].requestSchema === 'TaskStatusRequest' ? taskStatusRequestXml : requestXml;
}

const responseCodecs = new Map<string, XmlCodec>();

/** Codec of the response bodies of `operationId` (HTTP 200) or of the error envelope. */
export function responseXml(operationId: OperationId, status = 200): XmlCodec {
  const name = status === 200 ? operations[operationId].successSchema : 'ErrorEnvelope';
  let codec = responseCodecs.get(name);
  if (!codec) responseCodecs.set(name, (codec = createXmlCodec(name)));
  return codec;
}
