import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { Sandbox, eventually, fixture } from '../support/index.js';
import { FILE_READY_PLUGIN, CliRun, cleanUp, eventLines, jsonLines, pilot, writeManifest } from './cli-support.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await cleanUp(sandbox)).toEqual([]));

/** A stack of one server that is ready once it has created `ready`, plus what `extra` adds. */
function stack(extra: Parameters<typeof writeManifest>[1]['processes'] = []): string {
  return writeManifest(sandbox, {
    plugins: [FILE_READY_PLUGIN],
    processes: [
      { name: 'web', path: fixture('touch-then-sleep.sh'), args: [join(sandbox.directory, 'ready'), '0.1'], ready_strategy: 'test-file', ready_params: { path: join(sandbox.directory, 'ready') } },
      ...extra,
    ],
  });
}

const options = () => ({ cwd: sandbox.directory, marker: sandbox.marker });

test('the command runs once everything is ready, its output is prefixed cmd, and pilot run exits with its code', async () => {
  // The command sees the stack ready (the file exists) and runs in the invoking directory.
  const result = await pilot(['run', stack(), '--', 'sh', '-c', 'test -e ready && echo "stack is up in $(pwd)"; echo to stderr >&2; exit 5'], options());
  expect(result.code).toBe(5);
  const lines = result.stdout.split('\n');
  expect(lines).toContain(`cmd   | stack is up in ${sandbox.directory}`);
  expect(lines).toContain('cmd   | to stderr');
  const events = eventLines(result.stdout);
  const ready = events.findIndex((line) => line.startsWith('all 1 process ready'));
  const started = events.findIndex((line) => /^cmd started \(pid \d+\)$/.test(line));
  expect(ready).toBeGreaterThan(-1);
  expect(started).toBeGreaterThan(ready);
  expect(events).toContain('cmd exited with code 5');
  expect(events).toContain('stopping everything: the command exited with code 5');
  expect(events).toContainEqual(expect.stringMatching(/^web stopped/));
  expect(events.at(-1)).toBe('exit code 5: the command exited with code 5');
});

test('exit code 0 passes through; argv is passed literally, without a shell; json output carries the command as process cmd', async () => {
  const result = await pilot(['run', stack(), '-o', 'json', '--', 'printf', '%s\\n', '$HOME; echo not a shell'], options());
  expect(result.code).toBe(0);
  const objects = jsonLines(result.stdout);
  expect(objects).toContainEqual(expect.objectContaining({ type: 'log', process: 'cmd', stream: 'stdout', text: '$HOME; echo not a shell' }));
  expect(objects).toContainEqual(expect.objectContaining({ event: 'spawned', process: 'cmd', readiness: null }));
  expect(objects.at(-1)).toMatchObject({ event: 'exit', code: 0, reason: 'the command exited with code 0' });
});

test('a start-up failure exits 1 without running the command', async () => {
  const file = writeManifest(sandbox, {
    plugins: [FILE_READY_PLUGIN],
    processes: [{ name: 'broken', path: fixture('exit-with.sh'), args: ['3'], ready_strategy: 'test-file', ready_params: { path: 'never' } }],
  });
  const result = await pilot(['run', file, '--', 'touch', 'command-ran'], options());
  expect(result.code).toBe(1);
  expect(existsSync(join(sandbox.directory, 'command-ran'))).toBe(false);
  expect(eventLines(result.stdout)).not.toContainEqual(expect.stringMatching(/^cmd /));
  expect(eventLines(result.stdout).at(-1)).toBe('exit code 1: start-up failed (process "broken")');
});

test('a command that is not on PATH exits 127 and stops the stack', async () => {
  const result = await pilot(['run', stack(), '--', 'no-such-command-for-pilot'], options());
  expect(result.code).toBe(127);
  const events = eventLines(result.stdout);
  expect(events).toContainEqual(expect.stringMatching(/^error: the command after --: "no-such-command-for-pilot" was not found on PATH \(searched /));
  expect(events.at(-1)).toBe('exit code 127: the command could not be started');
});

test('Ctrl-C is passed on to the command; its exit code is the run\'s, and the stack stops after it', async () => {
  const run = new CliRun(['run', stack(), '--', 'sh', '-c', 'trap "echo got INT; exit 3" INT; echo waiting; while :; do sleep 0.05; done'], options());
  await run.until(/^cmd +\| waiting$/m);
  run.signal('SIGINT');
  const result = await run.done;
  expect(result.code).toBe(3);
  expect(result.stdout).toMatch(/^cmd +\| got INT$/m);
  const events = eventLines(result.stdout);
  expect(events.findIndex((line) => line === 'cmd exited with code 3')).toBeLessThan(events.findIndex((line) => line.startsWith('web stopping')));
  expect(events.at(-1)).toBe('exit code 3: received SIGINT; the command exited with code 3');
});

test('a shutdown_everything process ending while the command runs stops the command and exits non-zero, even for its code 0', async () => {
  const file = stack([{ name: 'job', path: '/bin/sh', args: ['-c', 'while [ ! -e go ]; do sleep 0.02; done; exit 0'], shutdown_strategy: 'shutdown_everything' }]);
  const run = new CliRun(['run', file, '--', 'sh', '-c', 'echo running; touch go; exec sleep 1000'], options());
  const result = await run.done;
  expect(result.code).toBe(1);
  const events = eventLines(result.stdout);
  expect(events).toContain('cmd was killed by SIGTERM');
  expect(events.at(-1)).toBe('exit code 1: process "job" exited with code 0 and its shutdown_strategy is shutdown_everything; the command was stopped before it finished');
});

test('SIGKILL of the pilot while the command runs: the command, its children and the stack are all gone', async () => {
  const run = new CliRun(['run', stack(), '--', 'sh', '-c', 'sleep 1000 & echo running; wait'], options());
  await run.until(/^cmd +\| running$/m);
  // The command, its sleep and the stack's server, all marked through the inherited environment.
  expect(sandbox.leftovers().length).toBeGreaterThanOrEqual(3);
  run.signal('SIGKILL');
  await run.done;
  await eventually(() => sandbox.leftovers().length === 0, 'the command and the stack to be killed by the lifeline', 5000);
});

test('--timestamps puts an HH:MM:SS.mmm column before every pretty line; the manifest defaults to ./pilot.yaml before --', async () => {
  stack();
  const result = await pilot(['run', '--timestamps', '--', 'echo', 'hi'], options());
  expect(result.code).toBe(0);
  const lines = result.stdout.split('\n').filter((line) => line.length > 0);
  expect(lines.length).toBeGreaterThan(5);
  for (const line of lines) expect(line).toMatch(/^\d\d:\d\d:\d\d\.\d{3} (pilot > |web   \| |cmd   \| )/);
  expect(lines).toContainEqual(expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} cmd   \| hi$/));
});

test('usage errors: two manifests, nothing after --, --stop-after with a command', async () => {
  const file = stack();
  const two = await pilot(['run', file, 'other.yaml'], options());
  expect(two.code).toBe(2);
  expect(two.stderr).toContain('pilot run takes one manifest, got');
  expect(two.stderr).toContain('put it after --');
  const empty = await pilot(['run', file, '--'], options());
  expect(empty.code).toBe(2);
  expect(empty.stderr).toContain('nothing after --');
  const both = await pilot(['run', file, '--stop-after', '1', '--', 'true'], options());
  expect(both.code).toBe(2);
  expect(both.stderr).toContain('--stop-after cannot be combined with a command');
});
