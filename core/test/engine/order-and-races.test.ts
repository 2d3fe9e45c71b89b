import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { definePlugin } from '../../src/index.js';
import { Sandbox, eventually, fixture, isAlive } from '../support/index.js';
import { Gates } from './gate-strategy.js';

let sandbox: Sandbox;
let gates: Gates;
beforeEach(() => {
  sandbox = new Sandbox();
  gates = new Gates();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

const sleeper = (name: string, dependencies: string[] = []) => ({
  name,
  path: fixture('sleep-forever.sh'),
  dependencies,
  ready_strategy: 'gate',
  ready_timeout_sec: 30,
});

/** Records "spawn x" and "ready x" in the order they happen. */
function timeline(pilot: ReturnType<Sandbox['pilot']>): string[] {
  const events: string[] = [];
  pilot.hooks.spawn.tap('test', (info) => events.push(`spawn ${info.name}`));
  pilot.hooks.ready.tap('test', (info) => events.push(`ready ${info.name}`));
  return events;
}

test('a dependent listed before its dependency still starts only after the dependency is ready', async () => {
  const manifest = await sandbox.manifest({ processes: [sleeper('top', ['mid']), sleeper('mid', ['base']), sleeper('base')] });
  const pilot = sandbox.pilot(manifest, { plugins: [gates.plugin()] });
  const events = timeline(pilot);
  const starting = pilot.start();
  await eventually(() => gates.waiting.includes('base'), 'base waits for readiness');
  expect(events).toEqual(['spawn base']);
  gates.open('base');
  await eventually(() => gates.waiting.includes('mid'), 'mid waits for readiness');
  expect(events).toEqual(['spawn base', 'ready base', 'spawn mid']);
  gates.open('mid');
  gates.open('top');
  await starting;
  expect(events).toEqual(['spawn base', 'ready base', 'spawn mid', 'ready mid', 'spawn top', 'ready top']);
});

test('--only keeps the dependency order whatever the manifest order', async () => {
  const manifest = await sandbox.manifest({ processes: [sleeper('top', ['mid']), sleeper('other'), sleeper('mid', ['base']), sleeper('base')] });
  const pilot = sandbox.pilot(manifest, { plugins: [gates.plugin()], only: ['top'] });
  const events = timeline(pilot);
  for (const name of ['base', 'mid', 'top']) gates.open(name);
  await pilot.start();
  expect(events).toEqual(['spawn base', 'ready base', 'spawn mid', 'ready mid', 'spawn top', 'ready top']);
  expect(pilot.getRunningProcess('other')!.status).toBe('stopped');
});

test('stop() right after start() wins: start rejects with PILOT_STOPPED and nothing runs', async () => {
  const manifest = await sandbox.manifest({ processes: [sleeper('b', ['a']), sleeper('a')] });
  const pilot = sandbox.pilot(manifest, { plugins: [gates.plugin()] });
  const spawned: number[] = [];
  pilot.hooks.spawn.tap('test', (info) => spawned.push(info.pid!));
  const starting = pilot.start();
  await pilot.stop();
  await expect(starting).rejects.toMatchObject({ code: 'PILOT_STOPPED' });
  expect(pilot.isRunning()).toBe(false);
  expect(pilot.getRunningProcess().map((info) => info.status)).toEqual(['stopped', 'stopped']);
  expect(spawned.filter(isAlive)).toEqual([]);
  expect(sandbox.leftovers()).toEqual([]);
});

test('stop() while plugins are still initializing cancels the start: no spawn ever happens', async () => {
  const manifest = await sandbox.manifest({ processes: [sleeper('a')] });
  let release!: () => void;
  const slowInit = definePlugin({
    name: 'slow-init',
    apply: (pilot) => pilot.hooks.initialize.tapPromise('slow-init', () => new Promise<void>((resolve) => (release = resolve))),
  });
  const pilot = sandbox.pilot(manifest, { plugins: [gates.plugin(), slowInit] });
  const spawns: string[] = [];
  pilot.hooks.spawn.tap('test', (info) => spawns.push(info.name));
  const starting = pilot.start();
  await eventually(() => release !== undefined, 'initialize reached the slow plugin');
  const stopping = pilot.stop();
  release();
  await stopping;
  await expect(starting).rejects.toMatchObject({ code: 'PILOT_STOPPED' });
  gates.open('a');
  // Give a late start every chance to happen (a spawn is async): then check nothing did.
  await new Promise((resolve) => setImmediate(resolve));
  expect(spawns).toEqual([]);
  expect(pilot.getRunningProcess('a')!.status).toBe('stopped');
});

test('stop() while a process waits for readiness: the start rejects, every tree is gone, and a new start works', async () => {
  const manifest = await sandbox.manifest({ processes: [sleeper('b', ['a']), sleeper('a')] });
  const pilot = sandbox.pilot(manifest, { plugins: [gates.plugin()] });
  const starting = pilot.start();
  await eventually(() => gates.waiting.includes('a'), 'a waits for readiness');
  const pid = pilot.getRunningProcess('a')!.pid!;
  await pilot.stop();
  await expect(starting).rejects.toMatchObject({ code: 'PILOT_STOPPED' });
  expect(isAlive(pid)).toBe(false);
  gates.open('a');
  gates.open('b');
  await pilot.start();
  expect(pilot.getRunningProcess().map((info) => info.status)).toEqual(['running', 'running']);
});

test('kill_timeout bounds the shutdown even with a restart waiting on a long readiness and a hung plugin hook', async () => {
  const manifest = await sandbox.manifest({
    kill_timeout: 1,
    processes: [{ ...sleeper('slow'), ready_timeout_sec: 60 }],
  });
  const hung = definePlugin({
    name: 'hung-hook',
    apply: (pilot) => pilot.hooks.beforeStop.tapPromise('hung-hook', () => new Promise<void>(() => undefined)),
  });
  const pilot = sandbox.pilot(manifest, { plugins: [gates.plugin(), hung] });
  gates.open('slow');
  await pilot.start();
  // The restart's spawn waits for a gate nobody opens: a readiness that would take 60 s.
  const restarting = pilot.restartProcesses('slow');
  restarting.catch(() => undefined);
  const began = performance.now();
  await pilot.stop();
  const took = performance.now() - began;
  // Far below the 60 s readiness: the 1 s bound plus the kill grace, with room for a loaded machine.
  expect(took).toBeLessThan(15_000);
  expect(pilot.getRunningProcess('slow')!.pid).toBeUndefined();
});

test('the last exit (code and time) survives the restart that follows it', async () => {
  const manifest = await sandbox.manifest({
    processes: [{ name: 'crashy', path: fixture('exit-with.sh'), args: ['3'], restart_backoff: { initial_delay: 0.05 } }],
  });
  const pilot = sandbox.pilot(manifest);
  const restarted = new Promise<void>((resolve) => pilot.hooks.restart.tap('test', () => resolve()));
  void pilot.start().catch(() => undefined);
  await restarted;
  await eventually(() => pilot.getRunningProcess('crashy')!.restarts >= 1, 'a restart happened');
  const info = pilot.getRunningProcess('crashy')!;
  expect(info.lastExit).toMatchObject({ code: 3, signal: null });
  expect(typeof info.lastExit!.time).toBe('number');
});

test('a restart whose spawn fails is reported with the reason, never as a bare restart', async () => {
  const { FakeExecutor } = await import('../../src/testing/index.js');
  const { PilotError } = await import('../../src/index.js');
  const executor = new FakeExecutor();
  const manifest = await sandbox.manifest({ processes: [{ name: 'api', path: fixture('sleep-forever.sh'), restart_backoff: { initial_delay: 0 }, max_restarts: 5 }] });
  const pilot = sandbox.pilot(manifest, { executor });
  const reasons: (string | undefined)[] = [];
  pilot.hooks.restart.tap('test', (info) => reasons.push(info.reason));
  await pilot.start();
  executor.failNextSpawn.set('api', new PilotError('PILOT_SPAWN_FAILED', 'process "api": spawn failed: EMFILE (too many open files)'));
  executor.latest('api')!.exit(1);
  await eventually(() => reasons.length >= 2 && pilot.getRunningProcess('api')!.status === 'running', 'two restarts, then running');
  // The first restart follows a crash (no reason); the second follows the failed spawn.
  expect(reasons.slice(0, 2)).toEqual([undefined, 'process "api": spawn failed: EMFILE (too many open files)']);
  expect(pilot.getRunningProcess('api')!.reason).toBeUndefined();
});
