// <a><a>...</a></a> 100,000 levels deep inside a profile.
export default () => `<xml><token>abcdefghijklmnqrstuvwxyz</token><workflow_id>12</workflow_id><data>${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</data></xml>`;
