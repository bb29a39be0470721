// One profile whose <email> element carries 92,000 attributes: about 1 MB of XML.
const attributes = Array.from({ length: 92_000 }, (_, i) => ` a${i}="v"`).join('');
export default () => `<xml><token>abcdefghijklmnqrstuvwxyz</token><workflow_id>12</workflow_id><data><data><email${attributes}>a@example.com</email></data></data></xml>`;
