import { expect, test } from '@jest/globals';
import { AddressProber, type ConnectOutcome } from '../src/address-prober.js';
import { eventually } from '../../../core/test/support/index.js';
import { clientSockets, close, freePort, listen } from './ports.js';

function attempt(prober: AddressProber): Promise<ConnectOutcome> {
  return new Promise((resolve) => prober.attempt(resolve));
}

async function idle(prober: AddressProber): Promise<void> {
  await eventually(() => prober.idle, 'the prober is idle again');
}

test('one prober makes attempt after attempt with the same socket: refused, refused, then accepted', async () => {
  const port = await freePort();
  const prober = new AddressProber('127.0.0.1', port);
  try {
    expect(await attempt(prober)).toBe('closed');
    await idle(prober);
    expect(await attempt(prober)).toBe('closed');
    await idle(prober);
    const server = await listen('127.0.0.1', port);
    let connections = 0;
    server.on('connection', () => (connections += 1));
    try {
      expect(await attempt(prober)).toBe('open');
      await eventually(() => connections === 1, 'the server saw the connection');
      await idle(prober);
      expect(await attempt(prober)).toBe('open');
    } finally {
      await close(server);
    }
  } finally {
    prober.dispose();
  }
});

test('a second attempt while one is in flight is refused loudly', async () => {
  const prober = new AddressProber('127.0.0.1', await freePort());
  const first = attempt(prober);
  expect(() => prober.attempt(() => undefined)).toThrow('a connection attempt to 127.0.0.1 is still in flight');
  expect(await first).toBe('closed');
  prober.dispose();
});

test('a cancelled attempt never reports, and dispose releases the socket', async () => {
  const before = clientSockets();
  const prober = new AddressProber('127.0.0.1', await freePort());
  const outcomes: ConnectOutcome[] = [];
  prober.attempt((outcome) => outcomes.push(outcome));
  prober.cancel();
  await idle(prober);
  // The socket is usable again after a cancel, and reports normally.
  expect(await attempt(prober)).toBe('closed');
  expect(outcomes).toEqual([]);
  prober.dispose();
  expect(prober.idle).toBe(false);
  await eventually(() => clientSockets() <= before, 'probe socket closed', 5_000);
});

test('an accepted connection can be taken from the outcome callback; it stays open for its new owner', async () => {
  const port = await freePort();
  const server = await listen('127.0.0.1', port);
  const received: Buffer[] = [];
  server.removeAllListeners('connection');
  server.on('connection', (socket) => socket.on('data', (chunk) => received.push(chunk)));
  const prober = new AddressProber('127.0.0.1', port);
  try {
    expect(() => prober.takeConnection()).toThrow('no accepted connection to 127.0.0.1 to take');
    const socket = await new Promise<import('node:net').Socket>((resolve) =>
      prober.attempt((outcome) => {
        expect(outcome).toBe('open');
        resolve(prober.takeConnection());
      }),
    );
    expect(prober.idle).toBe(false);
    prober.dispose(); // must not close the taken socket
    socket.write('hello');
    await eventually(() => Buffer.concat(received).toString() === 'hello', 'the server got the bytes');
    socket.destroy();
  } finally {
    prober.dispose();
    await close(server);
  }
});

test('a taken connection reset before its new owner listens for errors does not crash the process', async () => {
  const port = await freePort();
  const server = await listen('127.0.0.1', port);
  server.removeAllListeners('connection');
  const accepted: import('node:net').Socket[] = [];
  server.on('connection', (socket) => accepted.push(socket));
  const prober = new AddressProber('127.0.0.1', port);
  try {
    const socket = await new Promise<import('node:net').Socket>((resolve) => prober.attempt(() => resolve(prober.takeConnection())));
    await eventually(() => accepted.length === 1, 'the server accepted');
    accepted[0]!.resetAndDestroy();
    // Without a listener of its own the socket would emit an unhandled 'error' (ECONNRESET).
    await eventually(() => socket.destroyed, 'the reset reached the client');
    expect((socket.errored as NodeJS.ErrnoException | null)?.code).toBe('ECONNRESET');
  } finally {
    prober.dispose();
    await close(server);
  }
});
