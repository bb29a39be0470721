// Extracted from README.md by scripts/extract-readme-examples.mjs.
export {};
import {
  AltcraftApiError,
  AltcraftNetworkError,
  AltcraftTimeoutError,
  AltcraftValidationError,
  createAltcraftClient,
} from '@altcraft-api/client';

const client = createAltcraftClient({ baseUrl: 'https://example.com/api/v1.1', token: 'abcdefghijklmnqrstuvwxyz' });

try {
  await client.importAndStartBatch({ workflow_id: 12, data: [{ data: { email: 'a@example.com' } }] });
} catch (error) {
  if (error instanceof AltcraftApiError) {
    // HTTP error status, or HTTP 200 whose body's `error` is not 0
    console.error(error.status, error.code, error.text, error.debug, error.requestId);
  } else if (error instanceof AltcraftValidationError) {
    console.error(error.violations); // [{ pointer: '/data/0/data/email', message: '...' }]; nothing was sent
  } else if (error instanceof AltcraftTimeoutError || error instanceof AltcraftNetworkError) {
    // mayHaveReachedServer: false means the request was never sent and is safe to retry
    console.error(error.mayHaveReachedServer);
  }
}
