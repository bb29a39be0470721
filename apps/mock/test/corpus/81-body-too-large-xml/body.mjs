// An XML body one byte over 10,485,760.
export default () => {
  const head = '<xml><token>abcdefghijklmnqrstuvwxyz</token><workflow_id>12</workflow_id><data><email>a@example.com</email><note>';
  const tail = '</note></data></xml>';
  return head + 'x'.repeat(10_485_761 - head.length - tail.length) + tail;
};
