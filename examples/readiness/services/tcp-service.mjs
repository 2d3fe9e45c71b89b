// Ready as soon as it listens on PORT. Readiness probes connect and hang up at once: a server that
// writes to its sockets needs an 'error' listener, or the ECONNRESET kills it.
import { createServer } from 'node:net';

const server = createServer((socket) => {
  socket.on('error', () => undefined);
  socket.end('hello\n');
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`sockets: listening on ${process.env.PORT}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
