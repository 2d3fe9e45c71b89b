import { expect, test } from '@jest/globals';
import { connect, type Socket, type TcpNetConnectOpts } from 'node:net';
import { isSelfConnection } from '../src/self-connection.js';
import { close, freePort, listen } from './ports.js';

function connected(options: TcpNetConnectOpts): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(options);
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

test('a socket that connected to itself (source port = target port, nobody listening) is recognised', async () => {
  for (const host of ['127.0.0.1', '::1']) {
    const port = await freePort();
    // Binding the source port to the target port forces what Linux does by chance now and then.
    const socket = await connected({ host, port, localAddress: host, localPort: port });
    expect(isSelfConnection(socket)).toBe(true);
    socket.destroy();
  }
});

test('a connection to a listening server is not a self-connection', async () => {
  const port = await freePort();
  const server = await listen('127.0.0.1', port);
  const socket = await connected({ host: '127.0.0.1', port });
  expect(isSelfConnection(socket)).toBe(false);
  socket.destroy();
  await close(server);
});
