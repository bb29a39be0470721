export {
  MAX_ANSWER_BYTES,
  createAltcraftClient,
  type AltcraftClient,
  type AltcraftClientOptions,
  type CallOptions,
  type Format,
} from './client.js';
export { planBatches, type Body, type PlannedBatch, type PlannerOptions, type Unsendable } from './batch-planner.js';
export type { StopReason } from './policy.js';
export { finalState, taskIdOf, type TaskStatus, type WaitOptions } from './tasks.js';
export { followTask, type FollowOptions, type Verdict } from './task-follow.js';
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
  AltcraftConfigError,
  AltcraftError,
  AltcraftNetworkError,
  AltcraftRedirectError,
  AltcraftResponseError,
  AltcraftTaskTimeoutError,
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
