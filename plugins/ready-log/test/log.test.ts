import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { definePlugin, type WaitStrategy } from '@pilot/core';
import { Sandbox, eventually } from '../../../core/test/support/index.js';
import readyLog, { logStrategy, type LogOptions } from '../src/index.js';

const say = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'say.sh');

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

/** A pilot over one process `p` running say.sh with `script`, ready by `log` with `params`. */
async function logPilot(script: string[], params: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const manifest = await sandbox.manifest({
    processes: [
      { name: 'p', path: say, args: script, ready_strategy: 'log', ready_params: params, ready_timeout_sec: 60, ...extra },
      { name: 'after', path: say, dependencies: ['p'] },
    ],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyLog()] });
  const spawned: string[] = [];
  pilot.hooks.spawn.tap('test', (info) => spawned.push(info.name));
  return { pilot, spawned };
}

/** The path of a trigger file the fixture waits for; `fire()` creates it. */
function trigger(name = 'go') {
  const path = join(sandbox.directory, name);
  return { wait: `wait:${path}`, fire: () => writeFileSync(path, '') };
}

const texts = (pilot: { logs(name: string): { text: string }[] }) => pilot.logs('p').map((line) => line.text);

test('the plugin registers the strategy "log" under its package name', () => {
  expect(readyLog().name).toBe('@pilot/plugin-ready-log');
  expect(logStrategy.name).toBe('log');
});

test('ready when a line matches the pattern; dependents start after it', async () => {
  const { pilot, spawned } = await logPilot(['out:booting', 'out:listening on port 8080'], { pattern: 'listening on port \\d+' });
  await pilot.start();
  expect(pilot.getRunningProcess('p')!.status).toBe('running');
  expect(spawned).toEqual(['p', 'after']);
});

test('lines printed before the wait began count: no race with early output', async () => {
  const go = trigger();
  // The wait begins only once two lines are out, so the first match is necessarily early output.
  const late: WaitStrategy<LogOptions> = {
    ...logStrategy,
    name: 'late-log',
    async wait(context) {
      await eventually(() => context.lines().length >= 2, 'two lines printed');
      return logStrategy.wait(context);
    },
  };
  const latePlugin = definePlugin({ name: 'late-log', apply: (pilot) => pilot.readiness.register(late) });
  const manifest = await sandbox.manifest({
    processes: [{ name: 'p', path: say, args: ['out:ready 1', 'err:ready 2', go.wait, 'out:ready 3'], ready_strategy: 'late-log', ready_params: { pattern: '^ready', count: 3 }, ready_timeout_sec: 60 }],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [latePlugin] });
  const starting = pilot.start();
  starting.catch(() => undefined);
  await eventually(() => texts(pilot).length === 2, 'the early lines');
  expect(pilot.getRunningProcess('p')!.status).toBe('starting');
  go.fire();
  await starting;
  expect(pilot.getRunningProcess('p')!.status).toBe('running');
});

test('count: ready only at the nth matching line', async () => {
  const go = trigger();
  const { pilot } = await logPilot(['out:tick', 'out:other', 'out:tick', go.wait, 'out:tick'], { pattern: 'tick', count: 3 });
  const starting = pilot.start();
  starting.catch(() => undefined);
  await eventually(() => texts(pilot).length === 3, 'two ticks printed');
  // Listeners run before lines reach logs(): the strategy has seen both ticks and is not ready.
  expect(pilot.getRunningProcess('p')!.status).toBe('starting');
  go.fire();
  await starting;
  expect(pilot.getRunningProcess('p')!.status).toBe('running');
});

test('stream: stdout ignores a matching stderr line', async () => {
  const go = trigger();
  const { pilot } = await logPilot(['err:ready', go.wait, 'out:ready'], { pattern: 'ready', stream: 'stdout' });
  const starting = pilot.start();
  starting.catch(() => undefined);
  await eventually(() => texts(pilot).includes('ready'), 'the stderr line');
  expect(pilot.getRunningProcess('p')!.status).toBe('starting');
  go.fire();
  await starting;
  expect(pilot.logs('p').map((line) => line.stream)).toEqual(['stderr', 'stdout']);
});

test('stream: stderr matches stderr lines only; flags apply (i = case-insensitive)', async () => {
  const { pilot } = await logPilot(['out:READY on stdout', 'err:Ready on stderr'], { pattern: '^ready on', flags: 'i', stream: 'stderr' });
  await pilot.start();
  expect(pilot.getRunningProcess('p')!.status).toBe('running');
  // The stdout line came first, yet only the stderr line could make the process ready.
  expect(pilot.logs('p', undefined, 'stderr').map((line) => line.text)).toEqual(['Ready on stderr']);
  await eventually(() => texts(pilot).includes('READY on stdout'), 'the stdout line read too');
});

test('no matching line: timeout naming process and strategy, tree killed, dependents never started', async () => {
  const { pilot, spawned } = await logPilot(['out:booting'], { pattern: 'never printed' }, { ready_timeout_sec: 0.3 });
  const error = await pilot.start().then(() => undefined, (e: unknown) => e);
  expect(error).toMatchObject({ code: 'PILOT_READINESS_TIMEOUT', process: 'p' });
  expect((error as Error).message).toMatch(/process "p" was not ready within ready_timeout_sec \(0\.3 s\) using ready_strategy "log"/);
  expect(spawned).toEqual(['p']);
  expect(sandbox.leftovers()).toEqual([]);
});

test('a process that exits before the line fails at once with its exit code', async () => {
  const { pilot, spawned } = await logPilot(['out:booting', 'err:cannot bind', 'exit:4'], { pattern: 'listening' });
  const error = await pilot.start().then(() => undefined, (e: unknown) => e);
  expect(error).toMatchObject({ code: 'PILOT_EXITED_BEFORE_READY', process: 'p' });
  expect((error as Error).message).toContain('process "p" exited with code 4 before it was ready (ready_strategy "log")');
  expect(spawned).toEqual(['p']);
});

test('stop() during the wait cancels it: start() rejects with PILOT_STOPPED and nothing is left', async () => {
  const { pilot, spawned } = await logPilot(['out:booting'], { pattern: 'never printed' });
  const starting = pilot.start();
  starting.catch(() => undefined);
  await eventually(() => texts(pilot).includes('booting'), 'the first line');
  await pilot.stop();
  await expect(starting).rejects.toMatchObject({ code: 'PILOT_STOPPED' });
  expect(spawned).toEqual(['p']);
  expect(sandbox.leftovers()).toEqual([]);
});

test('bad options are reported at start naming processes[i].ready_params.<key>', async () => {
  const { pilot, spawned } = await logPilot([], { pattern: 'listening (on', stream: 'stdio', count: 0 });
  const error = await pilot.start().then(() => undefined, (e: unknown) => e);
  expect(error).toMatchObject({ code: 'PILOT_MANIFEST_INVALID' });
  expect((error as { problems: string[] }).problems).toEqual([
    'processes[0].ready_params.stream: expected one of "stdout", "stderr", "both", got "stdio" (readiness strategy "log")',
    'processes[0].ready_params.count: expected a whole number of matching lines >= 1, got 0 (readiness strategy "log")',
    expect.stringMatching(/^processes\[0\]\.ready_params\.pattern: expected a valid regular expression \(Invalid regular expression: .*\), got "listening \(on" \(readiness strategy "log"\)$/),
  ]);
  expect(spawned).toEqual([]);
});

test('a missing pattern and flags that make matching stateful are rejected', async () => {
  const { pilot } = await logPilot([], { flags: 'g' });
  const error = await pilot.initialize().then(() => undefined, (e: unknown) => e);
  expect((error as { problems: string[] }).problems).toEqual([
    expect.stringMatching(/^processes\[0\]\.ready_params\.pattern: required \(expected a regular expression/),
    expect.stringMatching(/^processes\[0\]\.ready_params\.flags: expected RegExp flags among d, i, m, s, u, v \(g and y are not allowed\), got "g"/),
  ]);
});

test('a manifest naming "log" finds this package through its package.json, with no plugins option', async () => {
  const manifest = await sandbox.manifest({ processes: [{ name: 'p', path: say, args: ['out:up'], ready_strategy: 'log', ready_params: { pattern: 'up' } }] });
  const pilot = sandbox.pilot(manifest);
  await pilot.start();
  expect(pilot.readiness.ownerOf('log')).toBe('@pilot/plugin-ready-log');
});

test('an unknown key is named with a suggestion', async () => {
  const { pilot } = await logPilot([], { pattern: 'up', cuont: 2 });
  const error = await pilot.initialize().then(() => undefined, (e: unknown) => e);
  expect((error as { problems: string[] }).problems).toEqual([expect.stringMatching(/^processes\[0\]\.ready_params: unknown key "cuont" \(did you mean "count"\?\)/)]);
});
