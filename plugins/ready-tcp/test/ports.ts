import { createServer, type Server } from 'node:net';

/** A port that is free on both 127.0.0.1 and ::1 right now (the kernel picks it for `::`). */
export async function freePort(): Promise<number> {
  const server = await listen('::', 0);
  const { port } = server.address() as { port: number };
  await close(server);
  return port;
}

/** A server of the test process listening on `host`:`port` (only that family for an IP). */
export function listen(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen({ host, port, ipv6Only: host === '::1' }, () => resolve(server));
  });
}

/** Close `server` and every connection it holds. */
export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}

/** Client TCP sockets of this process that Node still tracks. */
export function clientSockets(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length;
}
