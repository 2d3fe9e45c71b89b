import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { stopTree, TrackedDescendants } from '../../src/process/stop-tree.js';
import { OwnGroup } from '../../src/process/own-group.js';
import { assertSignalable } from '../../src/process/signals.js';
import { PilotError } from '../../src/index.js';
import { Sandbox, eventually, fixture, isAlive } from '../support/index.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

async function startOne(path: string, extra: Record<string, unknown> = {}) {
  const manifest = await sandbox.manifest({ processes: [{ name: 'p', path: fixture(path), ...extra }] });
  const pilot = sandbox.pilot(manifest);
  await pilot.start();
  return pilot;
}

test('a shell wrapper with background, double-forked and setsid grandchildren: the whole tree is gone after stop', async () => {
  const pilot = await startOne('with-grandchildren.sh');
  await eventually(() => pilot.logs('p').some((line) => line.text === 'family ready'), 'the family to start');
  await eventually(() => sandbox.leftovers().length === 4, 'main + 3 grandchildren');
  await pilot.stop();
  expect(sandbox.leftovers()).toEqual([]);
  expect(pilot.getRunningProcess('p')).toMatchObject({ status: 'stopped', pid: undefined });
});

test('a child that traps SIGTERM is SIGKILLed at its timeout and the exit records SIGKILL', async () => {
  const pilot = await startOne('trap-term.sh', { timeout: 1 });
  await eventually(() => pilot.logs('p').some((line) => line.text.startsWith('trapping')), 'the trap to be set');
  const exits: (string | null)[] = [];
  pilot.hooks.exit.tap('test', (_info, exit) => exits.push(exit.signal));
  await pilot.stop();
  expect(exits).toEqual(['SIGKILL']);
  expect(pilot.logs('p').map((line) => line.text)).toContain('got TERM');
  expect(sandbox.leftovers()).toEqual([]);
});

test('when the main process exits on TERM but a grandchild traps it, the grandchild is still killed', async () => {
  const pilot = await startOne('grandchild-traps.sh', { timeout: 1 });
  await eventually(() => pilot.logs('p').some((line) => line.text.startsWith('grandchild')), 'the grandchild to start');
  await pilot.stop();
  expect(sandbox.leftovers()).toEqual([]);
});

test('a child that exits by itself just as stop is called: stop resolves without error', async () => {
  const manifest = await sandbox.manifest({ processes: [{ name: 'p', path: fixture('exit-with.sh'), args: ['0'], shutdown_strategy: 'do_not_restart' }] });
  const pilot = sandbox.pilot(manifest);
  await pilot.start();
  await expect(pilot.stop()).resolves.toBeUndefined();
  expect(sandbox.leftovers()).toEqual([]);
});

test.each([0, 1, -1, NaN, '12abc', undefined, process.pid])('refuses to signal %p', (pid) => {
  expect(() => assertSignalable(pid, true)).toThrow(PilotError);
  expect(() => assertSignalable(pid, false)).toThrow(/refusing to signal/);
});

test('stopTree validates the pid before any signal', async () => {
  await expect(stopTree(new OwnGroup(-1, undefined, () => false), { signal: 'SIGTERM', timeoutMs: 10, leaderExited: Promise.resolve(), tracked: new TrackedDescendants() })).rejects.toMatchObject({ code: 'PILOT_INVALID_PID' });
});

test('the pilot and its own process group receive no signal when a child is stopped', async () => {
  const received: string[] = [];
  const listener = (signal: NodeJS.Signals) => received.push(signal);
  process.on('SIGTERM', listener);
  process.on('SIGCONT', listener);
  try {
    const pilot = await startOne('sleep-forever.sh');
    await pilot.stop();
  } finally {
    process.off('SIGTERM', listener);
    process.off('SIGCONT', listener);
  }
  expect(received).toEqual([]);
});

test('stop() immediately after start() leaves nothing and ends stopped', async () => {
  const manifest = await sandbox.manifest({
    processes: [
      { name: 'a', path: fixture('sleep-forever.sh') },
      { name: 'b', path: fixture('sleep-forever.sh'), dependencies: ['a'] },
    ],
  });
  const pilot = sandbox.pilot(manifest);
  const starting = pilot.start();
  const stopping = pilot.stop();
  await expect(starting).rejects.toMatchObject({ code: 'PILOT_STOPPED' });
  await stopping;
  expect(sandbox.leftovers()).toEqual([]);
  expect(pilot.getRunningProcess().map((info) => info.status)).toEqual(['stopped', 'stopped']);
  expect(pilot.isRunning()).toBe(false);
});

test('stop() is idempotent and can be called concurrently and repeatedly', async () => {
  const pilot = await startOne('sleep-forever.sh');
  const pid = pilot.getRunningProcess('p')!.pid!;
  await Promise.all([pilot.stop(), pilot.stop()]);
  await pilot.stop();
  expect(isAlive(pid)).toBe(false);
});

test('a stopped pilot can be started again', async () => {
  const pilot = await startOne('sleep-forever.sh');
  const first = pilot.getRunningProcess('p')!.pid;
  await pilot.stop();
  await pilot.start();
  expect(pilot.getRunningProcess('p')).toMatchObject({ status: 'running' });
  expect(pilot.getRunningProcess('p')!.pid).not.toBe(first);
});

test('kill_timeout bounds the whole shutdown even when process timeouts are longer', async () => {
  const manifest = await sandbox.manifest({ kill_timeout: 0.3, processes: [{ name: 'p', path: fixture('trap-term.sh'), timeout: 600 }] });
  const pilot = sandbox.pilot(manifest);
  await pilot.start();
  await eventually(() => pilot.logs('p').some((line) => line.text.startsWith('trapping')), 'the trap to be set');
  const exits: (string | null)[] = [];
  pilot.hooks.exit.tap('test', (_info, exit) => exits.push(exit.signal));
  await pilot.stop();
  expect(exits).toEqual(['SIGKILL']);
});
