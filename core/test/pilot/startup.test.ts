import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { z } from 'zod';
import { definePlugin, type ReadinessStrategy } from '../../src/index.js';
import { Sandbox, fixture } from '../support/index.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

/** Ready when the process prints a line starting with `ready_params.line`: a tiny strategy for these tests. */
const lineStrategy: ReadinessStrategy<{ line: string }> = {
  name: 'line',
  options: z.strictObject({ line: z.string({ error: 'expected the line to wait for' }) }),
  wait: (context) =>
    new Promise<void>((resolve) => {
      if (context.lines().some((line) => line.text.startsWith(context.options.line))) return resolve();
      const off = context.onLine((line) => {
        if (line.text.startsWith(context.options.line)) {
          off();
          resolve();
        }
      });
      context.signal.addEventListener('abort', off, { once: true });
    }),
};
const linePlugin = definePlugin({ name: 'test-line', apply: (pilot) => pilot.readiness.register(lineStrategy) });

test('independent processes start in parallel; a process starts as soon as its own dependencies are ready', async () => {
  const manifest = await sandbox.manifest({
    processes: [
      { name: 'slow', path: fixture('sleep-forever.sh'), ready_strategy: 'line', ready_params: { line: 'never' }, ready_timeout_sec: 30 },
      { name: 'fast', path: fixture('sleep-forever.sh'), ready_strategy: 'line', ready_params: { line: `started` } },
      { name: 'after-fast', path: fixture('sleep-forever.sh'), dependencies: ['fast'] },
    ],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [linePlugin] });
  const starting = pilot.start();
  starting.catch(() => undefined);
  // after-fast runs while slow is still waiting for readiness: start-up is not sequential.
  await pilot.waitFor('after-fast', 'running', 10_000);
  expect(pilot.getRunningProcess('slow')!.status).toBe('starting');
  await pilot.stop();
  await expect(starting).rejects.toMatchObject({ code: 'PILOT_STOPPED' });
});

test('readiness that never arrives: timeout naming process and strategy, its tree killed, dependents never started', async () => {
  const manifest = await sandbox.manifest({
    processes: [
      { name: 'db', path: fixture('with-grandchildren.sh'), ready_strategy: 'line', ready_params: { line: 'never' }, ready_timeout_sec: 0.3 },
      { name: 'api', path: fixture('sleep-forever.sh'), dependencies: ['db'] },
      { name: 'other', path: fixture('sleep-forever.sh') },
    ],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [linePlugin] });
  const spawned: string[] = [];
  pilot.hooks.spawn.tap('test', (info) => spawned.push(info.name));
  const error = await pilot.start().then(() => undefined, (e: unknown) => e);
  expect(error).toMatchObject({ code: 'PILOT_READINESS_TIMEOUT', process: 'db' });
  expect((error as Error).message).toMatch(/process "db" was not ready within ready_timeout_sec \(0\.3 s\) using ready_strategy "line"/);
  expect(spawned).not.toContain('api');
  expect(sandbox.leftovers()).toEqual([]);
  expect(pilot.isRunning()).toBe(false);
});

test('a process that exits before it is ready fails start at once with its exit code and last stderr lines', async () => {
  const manifest = await sandbox.manifest({
    processes: [{ name: 'broken', path: fixture('exit-with.sh'), args: ['3'], ready_strategy: 'line', ready_params: { line: 'never' }, ready_timeout_sec: 60 }],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [linePlugin] });
  // ready_timeout_sec is far beyond the test timeout: only an immediate failure passes.
  const error = await pilot.start().then(() => undefined, (e: unknown) => e);
  expect(error).toMatchObject({ code: 'PILOT_EXITED_BEFORE_READY', process: 'broken', logs: ['failure detail on stderr'] });
  expect((error as Error).message).toContain('process "broken" exited with code 3 before it was ready');
  expect((error as Error).message).toContain('failure detail on stderr');
});

test('an unknown ready_strategy is an error listing the available names, never "ready at once"', async () => {
  const manifest = await sandbox.manifest({ processes: [{ name: 'p', path: fixture('sleep-forever.sh'), ready_strategy: 'lin' }] });
  const pilot = sandbox.pilot(manifest, { plugins: [linePlugin] });
  const spawned: string[] = [];
  pilot.hooks.spawn.tap('test', (info) => spawned.push(info.name));
  const error = await pilot.start().then(() => undefined, (e: unknown) => e);
  expect(error).toMatchObject({ code: 'PILOT_UNKNOWN_NAME' });
  expect((error as Error).message).toMatch(/processes\[0\]\.ready_strategy: no loaded plugin provides the readiness strategy "lin" \(did you mean "line"\?\); available: .*line/);
  expect(spawned).toEqual([]);
});

test('unknown stats handler and control server names are errors too, all reported together', async () => {
  const manifest = await sandbox.manifest({
    control_server: 'nope-server',
    processes: [{ name: 'p', path: fixture('sleep-forever.sh'), stat_handlers: ['nope-stats'], lifecycle_hooks: ['nope-hooks'] }],
  });
  const pilot = sandbox.pilot(manifest);
  const error = await pilot.start().then(() => undefined, (e: unknown) => e);
  expect((error as { problems: string[] }).problems).toEqual([
    expect.stringMatching(/^processes\[0\]\.lifecycle_hooks\[0\]: no loaded plugin provides the lifecycle hook group "nope-hooks"/),
    expect.stringMatching(/^processes\[0\]\.stat_handlers\[0\]: no loaded plugin provides the stats handler "nope-stats"/),
    expect.stringMatching(/^control_server: no loaded plugin provides the control server "nope-server"/),
  ]);
});

test('ready_params are validated against the strategy schema when the pilot initializes', async () => {
  const manifest = await sandbox.manifest({ processes: [{ name: 'p', path: fixture('sleep-forever.sh'), ready_strategy: 'line', ready_params: { line: 5, extra: 1 } }] });
  const pilot = sandbox.pilot(manifest, { plugins: [linePlugin] });
  const error = await pilot.initialize().then(() => undefined, (e: unknown) => e);
  expect((error as { problems: string[] }).problems).toEqual([
    'processes[0].ready_params.line: expected the line to wait for, got 5 (readiness strategy "line")',
    expect.stringMatching(/^processes\[0\]\.ready_params: unknown key "extra"/),
  ]);
});

test('--only style subsets start the named processes and their dependencies only', async () => {
  const manifest = await sandbox.manifest({
    processes: [
      { name: 'db', path: fixture('sleep-forever.sh') },
      { name: 'api', path: fixture('sleep-forever.sh'), dependencies: ['db'] },
      { name: 'worker', path: fixture('sleep-forever.sh') },
    ],
  });
  const pilot = sandbox.pilot(manifest, { only: ['api'] });
  await pilot.start();
  expect(pilot.getRunningProcess().map((info) => [info.name, info.status])).toEqual([
    ['db', 'running'],
    ['api', 'running'],
    ['worker', 'stopped'],
  ]);
});

test('a missing working directory at spawn time is reported as such, not as "spawn ENOENT"', async () => {
  const dir = sandbox.file('gone', '');
  const manifest = await sandbox.manifest({ processes: [{ name: 'p', path: fixture('sleep-forever.sh') }] });
  const pilot = sandbox.pilot({ ...manifest, processes: [{ ...manifest.processes[0]!, working_directory: `${dir}/missing` }] });
  const error = await pilot.start().then(() => undefined, (e: unknown) => e);
  expect(error).toMatchObject({ code: 'PILOT_WORKING_DIRECTORY_NOT_FOUND' });
  expect((error as Error).message).toMatch(/process "p": working directory .*missing (does not exist|is not a directory)/);
});
