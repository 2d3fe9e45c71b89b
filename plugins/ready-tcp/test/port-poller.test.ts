import { afterEach, expect, test } from '@jest/globals';
import type { Server } from 'node:net';
import { hostname } from 'node:os';
import { lookup } from 'node:dns/promises';
import { eventually } from '../../../core/test/support/index.js';
import { HostAddresses, fixedAddresses } from '../src/host-addresses.js';
import { adaptiveInterval, FIRST_INTERVAL_MS, MAX_INTERVAL_MS } from '../src/interval.js';
import { pollPort } from '../src/port-poller.js';
import { clientSockets, close, freePort, listen } from './ports.js';

const servers: Server[] = [];
const controllers: AbortController[] = [];
afterEach(async () => {
  // A failed test must not leave a poller (and its long timer) running.
  for (const controller of controllers.splice(0)) controller.abort(new Error('test over'));
  await Promise.all(servers.splice(0).map(close));
});

/** An AbortController that is aborted after the test, whatever its outcome. */
function abortLater(): AbortController {
  const controller = new AbortController();
  controllers.push(controller);
  return controller;
}

/** A process the test declares dead or alive, counting how often the poller asks. */
function processLife(): { alive: boolean; checks: number; isAlive: () => boolean } {
  const life = {
    alive: false,
    checks: 0,
    isAlive: () => {
      life.checks += 1;
      return life.alive;
    },
  };
  return life;
}

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
  const controller = abortLater();
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
  // ::1 is probed on every 4th round and 127.0.0.1 on every round: two more ::1 connections mean a 127.0.0.1 probe was refused in between.
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
  const controller = abortLater();
  const life = processLife();
  const polling = pollPort({ port, addresses: new HostAddresses('127.0.0.1'), intervalMs: 2, heldBeforeSpawn: new Set(), isAlive: life.isAlive }, controller.signal);
  await eventually(() => life.checks >= 2, 'two accepted probes while dead');
  life.alive = true;
  await polling;
});

test('abort rejects with the signal reason and closes the sockets in flight', async () => {
  const before = clientSockets();
  const controller = abortLater();
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
  const controller = abortLater();
  const addresses = new HostAddresses(hostname());
  expect((await addresses.resolved()).length).toBeGreaterThan(0);
  await pollPort({ port, addresses, intervalMs: 2, heldBeforeSpawn: new Set(), isAlive: () => true }, controller.signal);
});

test('without interval_ms the pause starts short and grows to 1% of the wait, capped', () => {
  expect(adaptiveInterval(0)).toBe(FIRST_INTERVAL_MS);
  expect(adaptiveInterval(400)).toBe(FIRST_INTERVAL_MS);
  expect(adaptiveInterval(1_000)).toBe(FIRST_INTERVAL_MS);
  expect(adaptiveInterval(2_000)).toBe(20);
  expect(adaptiveInterval(5_000)).toBe(50);
  expect(adaptiveInterval(60_000)).toBe(MAX_INTERVAL_MS);
});

test('with the adaptive pause (no intervalMs) a server is found, and the address that accepted is returned', async () => {
  const port = await freePort();
  const controller = abortLater();
  const polling = pollPort({ port, addresses: new HostAddresses(undefined), heldBeforeSpawn: new Set(), isAlive: () => true }, controller.signal);
  servers.push(await listen('::1', port));
  await expect(polling).resolves.toEqual({ address: '::1', socket: undefined });
});

/** Hints the test gives by hand, as the process's printed lines would. */
function hintSource(): { hints: (listener: () => void) => () => void; hint: () => void; listeners: () => number } {
  const listeners = new Set<() => void>();
  return {
    hints: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    hint: () => {
      for (const listener of [...listeners]) listener();
    },
    listeners: () => listeners.size,
  };
}

/** Counts the poller's rounds: it asks for the current addresses once per round. */
class CountingAddresses extends HostAddresses {
  rounds = 0;
  override current(): readonly string[] {
    this.rounds += 1;
    return super.current();
  }
}

test('a hint (a printed line) triggers a round at once, however long the pause', async () => {
  const port = await freePort();
  const source = hintSource();
  const controller = abortLater();
  // With a 10-minute pause only the hint can find the server within the test's time.
  const polling = pollPort({ port, addresses: new HostAddresses('127.0.0.1'), intervalMs: 600_000, heldBeforeSpawn: new Set(), isAlive: () => true, hints: source.hints }, controller.signal);
  servers.push(await listen('127.0.0.1', port));
  source.hint();
  await expect(polling).resolves.toEqual({ address: '127.0.0.1', socket: undefined });
  expect(source.listeners()).toBe(0);
});

test('a hint reaching an idle prober starts an attempt at once', async () => {
  const port = await freePort();
  servers.push(await listen('127.0.0.1', port));
  const source = hintSource();
  const controller = abortLater();
  const life = processLife();
  const polling = pollPort(
    { port, addresses: new HostAddresses('127.0.0.1'), intervalMs: 600_000, heldBeforeSpawn: new Set(), isAlive: life.isAlive, hints: source.hints },
    controller.signal,
  );
  // The first round's connection is accepted but the process is "dead": no attempt is in flight after it.
  await eventually(() => life.checks === 1, 'the first round judged');
  life.alive = true;
  source.hint();
  await expect(polling).resolves.toEqual({ address: '127.0.0.1', socket: undefined });
  expect(life.checks).toBe(2);
});

test('hints close together give one round now and one when the spacing is up, never one per line', async () => {
  const source = hintSource();
  const addresses = new CountingAddresses(undefined);
  const controller = abortLater();
  const polling = pollPort({ port: await freePort(), addresses, intervalMs: 600_000, heldBeforeSpawn: new Set(), isAlive: () => true, hints: source.hints }, controller.signal);
  expect(addresses.rounds).toBe(1);
  for (let line = 0; line < 5; line += 1) source.hint();
  expect(addresses.rounds).toBe(2);
  // The later lines are not dropped: the last of them may be "listening on ...".
  await eventually(() => addresses.rounds >= 3, 'the deferred round');
  expect(addresses.rounds).toBe(3);
  controller.abort(new Error('done'));
  await expect(polling).rejects.toThrow('done');
  expect(source.listeners()).toBe(0);
});

test('an error thrown by isAlive rejects the wait instead of reaching the process', async () => {
  const port = await freePort();
  servers.push(await listen('127.0.0.1', port));
  const controller = abortLater();
  const failure = new Error('isAlive failed');
  const polling = pollPort(
    {
      port,
      addresses: new HostAddresses('127.0.0.1'),
      intervalMs: 2,
      heldBeforeSpawn: new Set(),
      isAlive: () => {
        throw failure;
      },
    },
    controller.signal,
  );
  await expect(polling).rejects.toBe(failure);
});

test('a refusal recorded in a shared seenRefusing set counts for a later poller of the same wait', async () => {
  const port = await freePort();
  servers.push(await listen('127.0.0.1', port));
  const controller = abortLater();
  // 127.0.0.1 was held before the spawn, but an earlier poller (or a refused GET) saw it refuse since.
  const found = await pollPort(
    { port, addresses: new HostAddresses('127.0.0.1'), intervalMs: 2, heldBeforeSpawn: new Set(['127.0.0.1']), seenRefusing: new Set(['127.0.0.1']), isAlive: () => true },
    controller.signal,
  );
  expect(found.address).toBe('127.0.0.1');
});
