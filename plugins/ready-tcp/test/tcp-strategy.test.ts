import { afterEach, beforeEach, expect, test } from '@jest/globals';
import type { Server } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Sandbox, eventually, fixture } from '../../../core/test/support/index.js';
import readyTcp from '../src/index.js';
import { clientSockets, close, freePort, listen } from './ports.js';

const listener = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'listen.mjs');

let sandbox: Sandbox;
let servers: Server[];
let sockets: number;
beforeEach(() => {
  sandbox = new Sandbox();
  servers = [];
  sockets = clientSockets();
});
afterEach(async () => {
  await Promise.all(servers.map(close));
  expect(await sandbox.cleanup()).toEqual([]);
});

const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error & { code?: string; process?: string });
const noSocketsLeft = () => eventually(() => clientSockets() <= sockets, 'every probe socket closed', 5_000);

async function runListener(host: string, extra: Record<string, unknown> = {}) {
  const port = await freePort();
  const manifest = await sandbox.manifest({
    processes: [{ name: 'svc', path: listener, args: [host, String(port)], ready_strategy: 'tcp', ready_params: { port, ...extra }, ready_timeout_sec: 20 }],
  });
  return { port, pilot: sandbox.pilot(manifest, { plugins: [readyTcp()] }) };
}

test('default host: a server listening on 127.0.0.1 only is ready', async () => {
  const { pilot } = await runListener('127.0.0.1');
  await pilot.start();
  expect(pilot.getRunningProcess('svc')!.status).toBe('running');
  // The probe may connect before the process's own output arrives.
  await eventually(() => pilot.logs('svc').some((line) => line.text.startsWith('listening on 127.0.0.1:')), 'the listening line');
  await noSocketsLeft();
});

test('default host: a server listening on ::1 only is ready', async () => {
  const { pilot } = await runListener('::1');
  await pilot.start();
  expect(pilot.getRunningProcess('svc')!.status).toBe('running');
  await noSocketsLeft();
});

test('an explicit IP host is used as is', async () => {
  const { pilot } = await runListener('127.0.0.1', { host: '127.0.0.1', interval_ms: 2 });
  await pilot.start();
  expect(pilot.getRunningProcess('svc')!.status).toBe('running');
});

test('core finds the plugin by its package.json when nothing registers it', async () => {
  const port = await freePort();
  const manifest = await sandbox.manifest({
    processes: [{ name: 'svc', path: listener, args: ['127.0.0.1', String(port)], ready_strategy: 'tcp', ready_params: { port }, ready_timeout_sec: 20 }],
  });
  const pilot = sandbox.pilot(manifest);
  await pilot.start();
  expect(pilot.getRunningProcess('svc')!.status).toBe('running');
});

test('timeout: names process and strategy, kills the whole tree, starts no dependent, leaves no socket', async () => {
  const port = await freePort();
  const manifest = await sandbox.manifest({
    processes: [
      { name: 'db', path: fixture('with-grandchildren.sh'), ready_strategy: 'tcp', ready_params: { port }, ready_timeout_sec: 0.5 },
      { name: 'api', path: fixture('sleep-forever.sh'), dependencies: ['db'] },
    ],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyTcp()] });
  const spawned: string[] = [];
  pilot.hooks.spawn.tap('test', (info) => spawned.push(info.name));
  const error = await rejection(pilot.start());
  expect(error).toMatchObject({ code: 'PILOT_READINESS_TIMEOUT', process: 'db' });
  expect(error?.message).toMatch(/process "db" was not ready within ready_timeout_sec \(0\.5 s\) using ready_strategy "tcp"/);
  expect(spawned).toEqual(['db']);
  expect(sandbox.leftovers()).toEqual([]);
  await noSocketsLeft();
});

test('a process that exits before it is ready fails the start at once', async () => {
  const port = await freePort();
  const manifest = await sandbox.manifest({
    processes: [{ name: 'broken', path: fixture('exit-with.sh'), args: ['3'], ready_strategy: 'tcp', ready_params: { port }, ready_timeout_sec: 120 }],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyTcp()] });
  const error = await rejection(pilot.start());
  expect(error).toMatchObject({ code: 'PILOT_EXITED_BEFORE_READY', process: 'broken' });
  expect(error?.message).toContain('exited with code 3 before it was ready (ready_strategy "tcp")');
  await noSocketsLeft();
});

test('stop() during the wait cancels it at once and closes every probe socket', async () => {
  const port = await freePort();
  const manifest = await sandbox.manifest({
    processes: [{ name: 'svc', path: fixture('sleep-forever.sh'), ready_strategy: 'tcp', ready_params: { port }, ready_timeout_sec: 120 }],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyTcp()] });
  const starting = rejection(pilot.start());
  await eventually(() => pilot.getRunningProcess('svc')?.pid !== undefined, 'svc spawned');
  await pilot.stop();
  expect(await starting).toMatchObject({ code: 'PILOT_STOPPED' });
  expect(sandbox.leftovers()).toEqual([]);
  await noSocketsLeft();
});

test('a port held by another process while our process fails with EADDRINUSE is not ready', async () => {
  const port = await freePort();
  // The test process holds the port on both loopback addresses, as a stray server would.
  servers.push(await listen('::', port));
  const manifest = await sandbox.manifest({
    processes: [{ name: 'svc', path: listener, args: ['127.0.0.1', String(port)], ready_strategy: 'tcp', ready_params: { port }, ready_timeout_sec: 120 }],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyTcp()] });
  const error = await rejection(pilot.start());
  expect(error).toMatchObject({ code: 'PILOT_EXITED_BEFORE_READY', process: 'svc' });
  expect(error?.message).toContain('EADDRINUSE');
});

test('a port held by another process is not ready while our process lives without listening', async () => {
  const port = await freePort();
  servers.push(await listen('::', port));
  const manifest = await sandbox.manifest({
    processes: [{ name: 'svc', path: fixture('sleep-forever.sh'), ready_strategy: 'tcp', ready_params: { port }, ready_timeout_sec: 0.5 }],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyTcp()] });
  const error = await rejection(pilot.start());
  expect(error).toMatchObject({ code: 'PILOT_READINESS_TIMEOUT', process: 'svc' });
  await noSocketsLeft();
});

test('bad options are reported at start, naming each process and option; nothing is spawned', async () => {
  const process = (name: string, ready_params: Record<string, unknown>) => ({ name, path: fixture('sleep-forever.sh'), ready_strategy: 'tcp', ready_params });
  const manifest = await sandbox.manifest({
    processes: [
      process('a', {}),
      process('b', { port: 'abc' }),
      process('c', { port: 70000 }),
      process('d', { port: 80.5 }),
      process('e', { port: 80, host: '' }),
      process('f', { port: 80, interval_ms: 0 }),
      process('g', { port: 80, prot: 81 }),
    ],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyTcp()] });
  const spawned: string[] = [];
  pilot.hooks.spawn.tap('test', (info) => spawned.push(info.name));
  const error = await rejection(pilot.start());
  expect(error).toMatchObject({ code: 'PILOT_MANIFEST_INVALID' });
  expect(error?.message).toContain('processes[0].ready_params.port: required (expected an integer 1-65535) but missing');
  expect(error?.message).toContain('processes[1].ready_params.port: expected an integer 1-65535, got "abc"');
  expect(error?.message).toContain('processes[2].ready_params.port: expected an integer 1-65535, got 70000');
  expect(error?.message).toContain('processes[3].ready_params.port: expected an integer 1-65535, got 80.5');
  expect(error?.message).toContain('processes[4].ready_params.host: expected a non-empty host name or IP address, got ""');
  expect(error?.message).toContain('processes[5].ready_params.interval_ms: expected an integer 1-1000 (milliseconds), got 0');
  expect(error?.message).toContain('processes[6].ready_params: unknown key "prot"');
  expect(spawned).toEqual([]);
});
