// The ceiling of the capacity benchmark: a bare node:http server that reads each request and answers a fixed
// body (a real KMS answer captured from the emulator), with the headers a JSON 1.1 service sends. Nothing
// else: no routing, no auth, no state. Usage: node bench/ceiling-server.mjs <body-file> <content-type> [port]
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const body = readFileSync(process.argv[2]);
const contentType = process.argv[3] ?? 'application/x-amz-json-1.1';
let n = 0;
const server = createServer({ keepAlive: true }, (req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(200, { 'content-type': contentType, 'x-amzn-requestid': `ceiling-${++n}`, 'content-length': String(body.length) });
    res.end(body);
  });
});
server.listen(Number(process.argv[4] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`ceiling listening on http://127.0.0.1:${server.address().port}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
