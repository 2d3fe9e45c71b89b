import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { RestartPolicy } from '../../src/process/restart-policy.js';
import { Sandbox, fixture, isAlive } from '../support/index.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

const fast = { initial_delay: 0.01, max_delay: 0.08, multiplier: 2, reset_after: 10 };

test('the backoff doubles up to its cap and resets after a stable uptime', () => {
  const policy = new RestartPolicy({ initial_delay: 0.5, max_delay: 3, multiplier: 2, reset_after: 10 }, null);
  const delays = Array.from({ length: 5 }, () => policy.next(0)).map((d) => (d.restart ? d.delayMs : -1));
  expect(delays).toEqual([500, 1000, 2000, 3000, 3000]);
  expect(policy.next(10_000)).toEqual({ restart: true, delayMs: 500, attempt: 1 });
});

test('a crash loop backs off, then with max_restarts the process is failed and not restarted', async () => {
  const manifest = await sandbox.manifest({
    processes: [{ name: 'crash', path: fixture('exit-with.sh'), args: ['7'], restart_backoff: fast, max_restarts: 3 }],
  });
  const pilot = sandbox.pilot(manifest);
  const delays: number[] = [];
  pilot.hooks.restart.tap('test', (_info, delayMs) => delays.push(delayMs));
  await pilot.start();
  const failed = await pilot.waitFor('crash', 'failed', 20_000);
  expect(failed).toMatchObject({ restarts: 3, returnCode: 7, pid: undefined });
  expect(failed.reason).toMatch(/gave up after 3 restarts in a row \(max_restarts: 3\)/);
  expect(delays).toEqual([10, 20, 40]);
});

test('do_not_restart records the exit code and does not restart', async () => {
  const manifest = await sandbox.manifest({ processes: [{ name: 'once', path: fixture('exit-with.sh'), args: ['4'], shutdown_strategy: 'do_not_restart' }] });
  const pilot = sandbox.pilot(manifest);
  const restarts: string[] = [];
  pilot.hooks.restart.tap('test', (info) => restarts.push(info.name));
  await pilot.start();
  const exited = await pilot.waitFor('once', 'exited');
  expect(exited).toMatchObject({ returnCode: 4, restarts: 0 });
  expect(restarts).toEqual([]);
  expect(pilot.logs('once').map((line) => line.text)).toEqual(['about to exit 4', 'failure detail on stderr']);
});

test('shutdown_everything stops every process once, dependents first', async () => {
  const manifest = await sandbox.manifest({
    processes: [
      { name: 'db', path: fixture('sleep-forever.sh') },
      { name: 'api', path: fixture('sleep-forever.sh'), dependencies: ['db'] },
      { name: 'job', path: fixture('sleep-forever.sh'), shutdown_strategy: 'shutdown_everything' },
    ],
  });
  const pilot = sandbox.pilot(manifest);
  const stopped: string[] = [];
  const shutdowns: string[] = [];
  pilot.hooks.stopped.tap('test', (info) => stopped.push(info.name));
  pilot.hooks.shutdown.tap('test', (reason) => shutdowns.push(reason));
  await pilot.start();
  const whenStopped = pilot.whenStopped();
  pilot.crashProcess('job');
  await expect(whenStopped).resolves.toBe('shutdown_everything');
  expect(stopped.indexOf('api')).toBeLessThan(stopped.indexOf('db'));
  expect(stopped.sort()).toEqual(['api', 'db']);
  expect(shutdowns).toEqual(['shutdown_everything']);
  expect(pilot.lastStop).toMatchObject({ reason: 'shutdown_everything', process: 'job', code: null });
  expect(sandbox.leftovers()).toEqual([]);
});

test('a crashed process is restarted with a new pid', async () => {
  const manifest = await sandbox.manifest({ processes: [{ name: 'p', path: fixture('sleep-forever.sh'), restart_backoff: fast }] });
  const pilot = sandbox.pilot(manifest);
  await pilot.start();
  const before = pilot.getRunningProcess('p')!.pid!;
  const restarted = new Promise((resolve) => pilot.hooks.ready.tap('test', resolve));
  pilot.crashProcess('p');
  await restarted;
  const after = pilot.getRunningProcess('p')!;
  expect(after).toMatchObject({ status: 'running', restarts: 1 });
  expect(after.pid).not.toBe(before);
  expect(isAlive(before)).toBe(false);
});

test('stop() during a restart backoff cancels the pending spawn', async () => {
  const manifest = await sandbox.manifest({
    processes: [{ name: 'p', path: fixture('sleep-forever.sh'), restart_backoff: { ...fast, initial_delay: 0.3 } }],
  });
  const pilot = sandbox.pilot(manifest);
  await pilot.start();
  const spawns: number[] = [];
  pilot.hooks.spawn.tap('test', (info) => spawns.push(info.pid!));
  pilot.crashProcess('p');
  await pilot.waitFor('p', 'restarting');
  await pilot.stop();
  expect(pilot.getRunningProcess('p')!.status).toBe('stopped');
  // The cancelled backoff would have fired after 300 ms: no spawn may follow within twice that.
  await expect(pilot.waitFor('p', 'starting', 600)).rejects.toMatchObject({ code: 'PILOT_WAIT_TIMEOUT' });
  expect(spawns).toEqual([]);
});

test('startProcess on a running process is rejected; restartProcesses gives exactly one new instance', async () => {
  const manifest = await sandbox.manifest({ processes: [{ name: 'p', path: fixture('sleep-forever.sh') }] });
  const pilot = sandbox.pilot(manifest);
  await pilot.start();
  const first = pilot.getRunningProcess('p')!.pid!;
  await expect(pilot.startProcess('p')).rejects.toMatchObject({ code: 'PILOT_ALREADY_RUNNING' });
  expect(sandbox.leftovers()).toEqual([first]);
  await pilot.restartProcesses(['p']);
  const second = pilot.getRunningProcess('p')!;
  expect(second.pid).not.toBe(first);
  expect(second.restarts).toBe(1);
  expect(sandbox.leftovers()).toEqual([second.pid]);
});

test('stopProcess then startProcess brings one process back; unknown names are rejected', async () => {
  const manifest = await sandbox.manifest({ processes: [{ name: 'p', path: fixture('sleep-forever.sh') }] });
  const pilot = sandbox.pilot(manifest);
  await pilot.start();
  await pilot.stopProcess('p');
  expect(pilot.getRunningProcess('p')!.status).toBe('stopped');
  await pilot.startProcess('p');
  expect(pilot.getRunningProcess('p')!.status).toBe('running');
  await expect(pilot.stopProcess('nope')).rejects.toThrow(/no process is named "nope"; known: p/);
});
