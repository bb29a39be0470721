import type { components } from './generated/schema.js';

type Schemas = components['schemas'];

/** Omit over each member of a union, so the union stays discriminated. */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * A batch request, as the contract's JSON schema types it: a union discriminated by
 * `matching` (or by `custom_request` instead). The token is not part of it: the client adds it.
 */
export type ImportAndStartBatchRequest = DistributiveOmit<Schemas['ImportAndStartBatchRequest'], 'token'>;

/** The fields of one profile: typed system fields, subscriptions, and free-form custom fields. */
export type ProfileData = Schemas['ProfileData'];
export type ProfileBatchItem = Schemas['ProfileBatchItem'];
export type Subscription = Schemas['Subscription'];
export type Attachment = Schemas['Attachment'];
export type MatchingMode = NonNullable<ImportAndStartBatchRequest['matching']>;

/** What the synchronous operation answers: one result per profile, in the order sent. */
export type ImportAndStartBatchResult = Schemas['ImportAndStartBatchResult'];
export type BatchResultItem = Schemas['BatchResultItem'];

/** What the task operation answers: the background task's identifier. */
export type ImportAndStartBatchTaskResult = Schemas['ImportAndStartBatchTaskResult'];

/** The envelope of a failed request. */
export type ErrorEnvelope = Schemas['ErrorEnvelope'];
