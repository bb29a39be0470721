// The redaction lives in the contract package so the mock's recorder shares its guarantees.
export { createRedactor, MIN_PIECE } from '@altcraft-api/contract';
