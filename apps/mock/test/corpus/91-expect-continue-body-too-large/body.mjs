// A valid-looking JSON body one byte over 10,485,760.
export default () => {
  const head = '{"token":"abcdefghijklmnqrstuvwxyz","workflow_id":12,"data":[{"data":{"email":"a@example.com","note":"';
  const tail = '"}}]}';
  return head + 'x'.repeat(10_485_761 - head.length - tail.length) + tail;
};
