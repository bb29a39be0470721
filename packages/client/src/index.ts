export {
  createAltcraftClient,
  type AltcraftClient,
  type AltcraftClientOptions,
  type CallOptions,
  type Format,
} from './client.js';
export { planBatches, type PlannedBatch, type PlannerOptions, type Unsendable } from './batch-planner.js';
export {
  importProfiles,
  type ImportProfilesOptions,
  type ImportProgress,
  type ImportSummary,
  type OutcomeError,
  type ProfileOutcome,
  type RetryOptions,
} from './import-profiles.js';
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
