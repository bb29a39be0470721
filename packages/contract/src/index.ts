export { document, documentText, isJsonObject, pointerChild, resolveSchemaRef, type JsonSchema, type OpenApiDocument } from './document.js';
export { operations, type OperationId, type OperationInfo } from './operations.js';
export { BODY_TOO_LARGE_DEBUG, MAX_ANSWER_BYTES, MAX_BODY_BYTES, MAX_PROFILES, isWithinBodyLimit } from './limits.js';
export { createRedactor, MIN_PIECE } from './redact.js';
export {
  MATCHING_MODES,
  MAX_VIOLATIONS,
  validateRequest,
  validateResponse,
  validateTaskStatusRequest,
  type ValidateOptions,
  type ValidationResult,
  type Violation,
} from './validate.js';
export { XmlDecodeError, XmlEncodeError, createXmlCodec, requestXml, requestXmlOf, responseXml, taskStatusRequestXml, type XmlCodec } from './xml.js';
export { MEDIA_TYPES, formatOfMediaType, type BodyFormat } from './media-types.js';
export { listExamples, type ContractExample, type MediaType } from './examples.js';
export { createBatchEncoder, type BatchEncoder, type BatchFormat } from './batch.js';
