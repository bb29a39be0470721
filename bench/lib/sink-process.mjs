// A sink in a process of its own (so it does not share the sender's event loop): answers each
// batch with one result per profile, counted without parsing the body. Prints its URL.
import { createServer } from 'node:http';

const marker = Buffer.from('{"data":');
const answers = new Map();
function answerFor(count) {
  if (!answers.has(count)) {
    const result = Array.from({ length: count }, (_, i) => `{"profile_id":"${i.toString(16).padStart(24, '0')}"}`).join(',');
    answers.set(count, `{"error":0,"error_text":"Successful operation","result":[${result}]}`);
  }
  return answers.get(count);
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    let count = 0;
    for (let at = body.indexOf(marker); at !== -1; at = body.indexOf(marker, at + marker.length)) count++;
    const answer = answerFor(count);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(answer) });
    res.end(answer);
  });
});
server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
