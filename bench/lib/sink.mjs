// A local HTTP sink on a free port of 127.0.0.1: reads each request body and answers a fixed
// body, so a benchmark measures the sender, not the server.
import { createServer } from 'node:http';

export async function startSink(answer = () => '{"error":0,"error_text":"Successful operation","result":[]}') {
  let requests = 0;
  let bytes = 0;
  const server = createServer((req, res) => {
    let size = 0;
    req.on('data', (chunk) => (size += chunk.length));
    req.on('end', () => {
      requests++;
      bytes += size;
      const body = answer(req, size);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => ({ requests, bytes }),
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))),
  };
}
