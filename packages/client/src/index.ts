export {
  createAltcraftClient,
  type AltcraftClient,
  type AltcraftClientOptions,
  type CallOptions,
  type Format,
} from './client.js';
export {
  AltcraftApiError,
  AltcraftError,
  AltcraftNetworkError,
  AltcraftResponseError,
  AltcraftTimeoutError,
  AltcraftValidationError,
} from './errors.js';
export type {
  Attachment,
  BatchResultItem,
  ErrorEnvelope,
  ImportAndStartBatchRequest,
  ImportAndStartBatchResult,
  ImportAndStartBatchTaskResult,
  MatchingMode,
  ProfileBatchItem,
  ProfileData,
  Subscription,
} from './types.js';
export type { Violation } from '@altcraft-api/contract';
