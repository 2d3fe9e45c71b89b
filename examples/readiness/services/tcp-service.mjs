// Ready as soon as it listens on PORT.
import { createServer } from 'node:net';

const server = createServer((socket) => socket.end('hello\n'));
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`sockets: listening on ${process.env.PORT}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
