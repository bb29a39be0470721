// Extracted from README.md by scripts/extract-readme-examples.mjs.
export {};
import { createAltcraftClient, importProfiles, type ProfileData } from '@altcraft-api/client';

const client = createAltcraftClient({ baseUrl: 'https://example.com/api/v1.1', token: 'abcdefghijklmnqrstuvwxyz' });

async function* customers(): AsyncGenerator<ProfileData> {
  for (let i = 0; i < 1_000_000; i++) yield { email: `customer${i}@example.com`, CRM_ID: String(i).padStart(8, '0') };
}

const summary = await importProfiles(client, {
  workflow_id: 12,
  matching: 'custom',
  field_name: 'CRM_ID',
  skip_triggers: true,
  profiles: customers(),
  format: 'json', // or 'xml'
  concurrency: 4,
  onSend: ({ first, count }) => console.log(`sending profiles ${first}..${first + count - 1}`),
  onOutcome: (outcome) => {
    // { index, status: 'imported', profileId } | { index, status: 'failed' | 'unknown', error }
    if (outcome.status === 'failed') console.error(outcome.index, outcome.error.kind, outcome.error.retryable ? 'resend later' : 'fix the profile');
    if (outcome.status === 'unknown') console.error(outcome.index, 'may have been imported');
  },
  onProgress: ({ settled, requests, checkpoint }) => console.log(settled, requests, checkpoint),
});
console.log(summary.imported, summary.failed, summary.unknown, summary.checkpoint);
if (summary.stopped) console.error(`stopped (${summary.stopped.reason}): ${summary.stopped.error?.message ?? ''}`);
