// A sink in a process of its own (so it does not share the sender's event loop): parses every
// body (JSON.parse, as a server must) and answers one result per profile. Prints its URL.
import { createServer } from 'node:http';

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
    const { data } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const answer = answerFor(data.length);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(answer) });
    res.end(answer);
  });
});
// Long keep-alive: under load a sender can leave a connection idle for seconds (a GC, a body being
// serialised); a server closing it meanwhile makes the next POST on it fail, ambiguously.
server.keepAliveTimeout = 120_000;
server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
