import { afterEach, expect, test } from '@jest/globals';
import type { Server } from 'node:net';
import { hostname } from 'node:os';
import { lookup } from 'node:dns/promises';
import { eventually } from '../../../core/test/support/index.js';
import { HostAddresses, fixedAddresses } from '../src/host-addresses.js';
import { pollPort } from '../src/port-poller.js';
import { clientSockets, close, freePort, listen } from './ports.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map(close));
});

function connections(server: Server): () => number {
  let count = 0;
  server.on('connection', () => (count += 1));
  return () => count;
}

test('localhost and no host mean both loopback addresses; IP literals are used as is; other names need DNS', () => {
  expect(fixedAddresses(undefined)).toEqual(['127.0.0.1', '::1']);
  expect(fixedAddresses('LocalHost')).toEqual(['127.0.0.1', '::1']);
  expect(fixedAddresses('10.1.2.3')).toEqual(['10.1.2.3']);
  expect(fixedAddresses('[::1]')).toEqual(['::1']);
  expect(fixedAddresses('db.internal')).toBeUndefined();
});

test('an address held before the spawn counts only after it was seen refusing, then accepting again', async () => {
  const port = await freePort();
  const v4 = await listen('127.0.0.1', port);
  const v6 = await listen('::1', port);
  servers.push(v4, v6);
  const v4Connections = connections(v4);
  const v6Connections = connections(v6);
  let aliveChecks = 0;
  const controller = new AbortController();
  const polling = pollPort(
    {
      port,
      addresses: new HostAddresses(undefined),
      intervalMs: 2,
      heldBeforeSpawn: new Set(['127.0.0.1', '::1']),
      isAlive: () => {
        aliveChecks += 1;
        return true;
      },
    },
    controller.signal,
  );
  // Both addresses accept, but both were held: nothing counts, the process is not even asked.
  await eventually(() => v4Connections() >= 2 && v6Connections() >= 2, 'probes reached both servers');
  expect(aliveChecks).toBe(0);
  await close(v4);
  // Every tick probes both addresses: two more ::1 connections mean a 127.0.0.1 probe was refused in between.
  const seen = v6Connections();
  await eventually(() => v6Connections() >= seen + 2, 'two more probe rounds');
  expect(aliveChecks).toBe(0);
  servers.push(await listen('127.0.0.1', port));
  await polling;
  expect(aliveChecks).toBe(1);
});

test('a connection while the process is dead does not count', async () => {
  const port = await freePort();
  servers.push(await listen('127.0.0.1', port));
  const controller = new AbortController();
  let alive = false;
  let checks = 0;
  const polling = pollPort(
    {
      port,
      addresses: new HostAddresses('127.0.0.1'),
      intervalMs: 2,
      heldBeforeSpawn: new Set(),
      isAlive: () => {
        checks += 1;
        return alive;
      },
    },
    controller.signal,
  );
  await eventually(() => checks >= 2, 'two accepted probes while dead');
  alive = true;
  await polling;
});

test('abort rejects with the signal reason and closes the sockets in flight', async () => {
  const before = clientSockets();
  const controller = new AbortController();
  const polling = pollPort(
    { port: await freePort(), addresses: new HostAddresses(undefined), intervalMs: 2, heldBeforeSpawn: new Set(), isAlive: () => true },
    controller.signal,
  );
  const reason = new Error('stopped by the test');
  controller.abort(reason);
  await expect(polling).rejects.toBe(reason);
  await eventually(() => clientSockets() <= before, 'probe sockets closed', 5_000);
});

const resolvable = await lookup(hostname()).then(
  () => true,
  () => false,
);

(resolvable ? test : test.skip)('a DNS name is resolved once and its addresses are probed', async () => {
  const port = await freePort();
  servers.push(await listen('::', port));
  const controller = new AbortController();
  const addresses = new HostAddresses(hostname());
  expect((await addresses.resolved()).length).toBeGreaterThan(0);
  await pollPort({ port, addresses, intervalMs: 2, heldBeforeSpawn: new Set(), isAlive: () => true }, controller.signal);
});
