import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Sandbox, eventually } from '../../../core/test/support/index.js';
import readyExit, { exitStrategy } from '../src/index.js';

const fixture = (name: string): string => join(dirname(fileURLToPath(import.meta.url)), 'fixtures', name);

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

/** A one-shot `migrate` step and an `api` that depends on it. */
async function migrateThenApi(step: string, args: string[] = [], extra: Record<string, unknown> = {}) {
  const manifest = await sandbox.manifest({
    processes: [
      { name: 'migrate', path: fixture(step), args, ready_strategy: 'exit', ready_timeout_sec: 60, ...extra },
      { name: 'api', path: fixture('sleep-forever.sh'), dependencies: ['migrate'] },
    ],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyExit()] });
  const events: string[] = [];
  pilot.hooks.spawn.tap('test', (info) => events.push(`spawn ${info.name}`));
  pilot.hooks.exit.tap('test', (info, exit) => events.push(`exit ${info.name} ${exit.code}`));
  pilot.hooks.ready.tap('test', (info) => events.push(`ready ${info.name}`));
  return { pilot, events };
}

test('the plugin registers the strategy "exit" under its package name', () => {
  const plugin = readyExit();
  expect(plugin.name).toBe('@pilot/plugin-ready-exit');
  expect(exitStrategy).toMatchObject({ name: 'exit', acceptsExit: true });
});

test('exit 0: the step is ready, stays exited (not restarted) and its dependents start after it', async () => {
  const { pilot, events } = await migrateThenApi('exit-with.sh', ['0']);
  await pilot.start();
  expect(events).toEqual(['spawn migrate', 'exit migrate 0', 'ready migrate', 'spawn api', 'ready api']);
  await pilot.waitFor('migrate', 'exited');
  expect(pilot.getRunningProcess('migrate')).toMatchObject({ status: 'exited', returnCode: 0, restarts: 0 });
  expect(pilot.getRunningProcess('api')!.status).toBe('running');
});

test('exit 3: start() rejects at once naming the code, and dependents never spawn', async () => {
  const { pilot, events } = await migrateThenApi('exit-with.sh', ['3']);
  // ready_timeout_sec (60) is beyond the test timeout: only an immediate failure passes.
  const error = await pilot.start().then(() => undefined, (e: unknown) => e);
  expect(error).toMatchObject({ code: 'PILOT_READINESS_FAILED', process: 'migrate' });
  expect((error as Error).message).toContain('process "migrate" exited with code 3 (ready_strategy "exit" needs exit code 0)');
  expect(events).not.toContain('spawn api');
  expect(pilot.isRunning()).toBe(false);
});

test('death by a signal fails the step, naming the signal', async () => {
  const { pilot, events } = await migrateThenApi('kill-self.sh');
  const error = await pilot.start().then(() => undefined, (e: unknown) => e);
  expect(error).toMatchObject({ code: 'PILOT_READINESS_FAILED', process: 'migrate' });
  expect((error as Error).message).toContain('process "migrate" was killed by SIGKILL');
  expect(events).not.toContain('spawn api');
});

test('a step that never exits times out naming process and strategy; its tree is killed', async () => {
  const { pilot, events } = await migrateThenApi('hang-with-children.sh', [], { ready_timeout_sec: 0.3 });
  const error = await pilot.start().then(() => undefined, (e: unknown) => e);
  expect(error).toMatchObject({ code: 'PILOT_READINESS_TIMEOUT', process: 'migrate' });
  expect((error as Error).message).toMatch(/process "migrate" was not ready within ready_timeout_sec \(0\.3 s\) using ready_strategy "exit"/);
  expect(events).not.toContain('spawn api');
  expect(sandbox.leftovers()).toEqual([]);
});

test('stop() during the wait cancels it: start() rejects with PILOT_STOPPED and nothing is left', async () => {
  const { pilot, events } = await migrateThenApi('hang-with-children.sh');
  const starting = pilot.start();
  starting.catch(() => undefined);
  await eventually(() => pilot.getRunningProcess('migrate')!.pid !== undefined, 'migrate spawned');
  await pilot.stop();
  await expect(starting).rejects.toMatchObject({ code: 'PILOT_STOPPED' });
  expect(events).not.toContain('spawn api');
  expect(pilot.getRunningProcess('migrate')!.status).toBe('stopped');
  expect(sandbox.leftovers()).toEqual([]);
});

test('ready_params are rejected at start: the strategy takes no options', async () => {
  const { pilot, events } = await migrateThenApi('exit-with.sh', ['0'], { ready_params: { code: 0 } });
  const error = await pilot.start().then(() => undefined, (e: unknown) => e);
  expect(error).toMatchObject({ code: 'PILOT_MANIFEST_INVALID' });
  expect((error as { problems: string[] }).problems).toEqual([expect.stringMatching(/^processes\[0\]\.ready_params: unknown key "code".*\(readiness strategy "exit"\)$/)]);
  expect(events).toEqual([]);
});

test('a manifest naming "exit" finds this package through its package.json, with no plugins option', async () => {
  const manifest = await sandbox.manifest({ processes: [{ name: 'migrate', path: fixture('exit-with.sh'), args: ['0'], ready_strategy: 'exit' }] });
  const pilot = sandbox.pilot(manifest);
  await pilot.start();
  expect(pilot.readiness.ownerOf('exit')).toBe('@pilot/plugin-ready-exit');
});
