// 10,001 profiles, one more than the page recommends per request, in XML.
export default () =>
  `<xml><token>abcdefghijklmnqrstuvwxyz</token><workflow_id>12</workflow_id>${Array.from({ length: 10_001 }, (_, i) => `<data><email>p${i}@example.com</email></data>`).join('')}</xml>`;
