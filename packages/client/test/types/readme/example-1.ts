// Extracted from README.md by scripts/extract-readme-examples.mjs.
export {};
import { createAltcraftClient } from '@altcraft-api/client';

// Fail early, and say what to do: an unset variable would otherwise surface as "token is required".
const token = process.env.ALTCRAFT_TOKEN;
if (!token) throw new Error('ALTCRAFT_TOKEN is not set: export the API token before running this');

const client = createAltcraftClient({
  baseUrl: 'https://example.com/api/v1.1', // the API root; the mock's is http://127.0.0.1:4010/api/v1.1
  token,
});

const { result } = await client.importAndStartBatch({
  workflow_id: 12,
  matching: 'custom',
  field_name: 'CRM_ID',
  data: [
    { data: { _fname: 'Alina', email: 'alina@example.com', CRM_ID: '00066' } },
    { data: { _fname: 'Victor', email: 'victor@example.com', CRM_ID: '00076' } },
  ],
});
for (const [index, item] of result.entries()) {
  console.log(index, item.profile_id ?? `failed: ${item.error_text}`);
}
