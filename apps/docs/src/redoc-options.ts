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
    // Shows x-altcraft-limits next to each operation.
    showExtensions: ['x-altcraft-limits'],
    codeSamples: {
      languages: [{ lang: 'payload', label: 'Payload' }, ...SAMPLE_LANGUAGES],
    },
  },
};
