import { afterEach, beforeEach, expect, test } from '@jest/globals';
import type { PilotEvent } from '../../src/index.js';
import { FakeExecutor } from '../../src/testing/index.js';
import { Sandbox, eventually, fixture } from '../support/index.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

const twoProcesses = () =>
  sandbox.manifest({
    processes: [
      { name: 'api', path: fixture('sleep-forever.sh'), dependencies: ['db'] },
      { name: 'db', path: fixture('sleep-forever.sh') },
    ],
  });

test('snapshot() has every process with state, pid and uptime', async () => {
  const executor = new FakeExecutor();
  const pilot = sandbox.pilot(await twoProcesses(), { executor });
  expect(pilot.snapshot()).toMatchObject({ running: false, stopping: false, processes: [{ name: 'api', status: 'stopped', pid: undefined, uptimeMs: null }, { name: 'db', status: 'stopped' }] });
  await pilot.start();
  const snapshot = pilot.snapshot();
  expect(snapshot.running).toBe(true);
  expect(snapshot.processes.map((p) => [p.name, p.status, p.pid])).toEqual([
    ['api', 'running', executor.latest('api')!.pid],
    ['db', 'running', executor.latest('db')!.pid],
  ]);
  expect(snapshot.processes.every((p) => typeof p.uptimeMs === 'number' && p.uptimeMs >= 0)).toBe(true);
});

test('subscribe() delivers state changes and log lines in order, and stops when unsubscribed', async () => {
  const executor = new FakeExecutor();
  const pilot = sandbox.pilot(await twoProcesses(), { executor });
  const events: PilotEvent[] = [];
  const unsubscribe = pilot.subscribe((event) => events.push(event), ['state', 'log']);
  await pilot.start();
  executor.latest('db')!.print('hello from db');
  unsubscribe();
  executor.latest('db')!.print('not seen');
  const summary = events.map((e) => (e.type === 'state' ? `${e.name} ${e.from}->${e.to}` : e.type === 'log' ? `${e.name}: ${e.text}` : e.type));
  expect(summary).toEqual(['db stopped->starting', 'db starting->running', 'api stopped->starting', 'api starting->running', 'db: hello from db']);
});

test('events(): a slow consumer gets a bounded queue and is told how many events it missed', async () => {
  const executor = new FakeExecutor();
  const pilot = sandbox.pilot(await twoProcesses(), { executor });
  await pilot.start();
  const iterator = pilot.events({ types: ['log'], highWaterMark: 10 });
  for (let i = 0; i < 1000; i += 1) executor.latest('db')!.print(`line ${i}`);
  const first = await iterator.next();
  expect(first.value).toEqual({ type: 'dropped', count: 990 });
  const rest: string[] = [];
  for (let i = 0; i < 10; i += 1) {
    const { value } = await iterator.next();
    if (value?.type === 'log') rest.push(value.text);
  }
  expect(rest).toEqual(Array.from({ length: 10 }, (_, i) => `line ${990 + i}`));
  await iterator.return!();
  expect(await iterator.next()).toEqual({ value: undefined, done: true });
});

test('with real processes: the stopping and stopped events frame the shutdown', async () => {
  const pilot = sandbox.pilot(await twoProcesses());
  const seen: string[] = [];
  pilot.subscribe((event) => seen.push(event.type === 'state' ? `${event.name}:${event.to}` : event.type), ['state', 'stopping', 'stopped']);
  await pilot.start();
  await pilot.stop();
  await eventually(() => seen.includes('stopped'), 'the stopped event');
  expect(seen.slice(seen.indexOf('stopping'))).toEqual(['stopping', 'api:stopping', 'api:stopped', 'db:stopping', 'db:stopped', 'stopped']);
});
