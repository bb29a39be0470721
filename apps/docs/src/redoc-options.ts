import { SAMPLE_LANGUAGES } from './code-samples.js';

/**
 * The Redocly configuration `redocly build-docs` renders the page with. Redoc 3 shows a code
 * sample only when its label is one of `codeSamples.languages`, so the list is derived from the
 * samples themselves.
 */
export const redoclyDocsConfig = {
  telemetry: 'off',
  openapi: {
    // Otherwise the page posts traces from the reader's browser.
    disableTelemetry: true,
    // Each operation opens with its request sample fully expanded (Redoc's default level, 2,
    // folds every profile to `{ … }`). The limits are shown as text by the docs build
    // (src/limits.ts), not as Redoc's raw JSON of x-altcraft-limits.
    jsonSamplesExpandLevel: 'all',
    codeSamples: {
      languages: [{ lang: 'payload', label: 'Payload' }, ...SAMPLE_LANGUAGES],
    },
  },
};
