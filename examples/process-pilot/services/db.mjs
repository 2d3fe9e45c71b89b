#!/usr/bin/env node
// "db": a TCP service. Ready (ready_strategy: tcp) once it accepts connections on DB_PORT.
import { createServer } from 'node:net';

const port = Number(process.env.DB_PORT ?? 47200);
const server = createServer((socket) => {
  // Readiness probes (and many clients) hang up at once: a reset must not crash the server.
  socket.on('error', () => undefined);
  socket.end('hello from db\n');
});
server.on('error', (error) => {
  console.error(`db: cannot listen on port ${port}: ${error.code}`);
  process.exit(1);
});
server.listen(port, 'localhost', () => console.log(`db: listening on localhost:${port}`));
process.on('SIGTERM', () => {
  console.log('db: SIGTERM, closing');
  server.close(() => process.exit(0));
});
