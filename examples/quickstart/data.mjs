// The data service: serves a few records over HTTP, then writes its ready file.
import { createServer } from 'node:http';
import { rmSync, writeFileSync } from 'node:fs';

const port = Number(process.env.DATA_PORT ?? 47101);
const readyFile = process.env.READY_FILE ?? 'data.ready';
const records = [
  { id: 1, title: 'write a manifest' },
  { id: 2, title: 'pilot run' },
  { id: 3, title: 'Ctrl-C' },
];

// A ready file left by an earlier run must not announce this one.
rmSync(readyFile, { force: true });
const server = createServer((request, response) => {
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify(request.url === '/records' ? records : { error: 'try /records' }));
});
server.listen(port, '127.0.0.1', () => {
  console.log(`data: ${records.length} records on http://127.0.0.1:${port}/records`);
  writeFileSync(readyFile, `${process.pid}\n`);
});

process.on('SIGTERM', () => {
  console.log('data: SIGTERM, closing');
  rmSync(readyFile, { force: true });
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
