import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { Sandbox, fixture } from '../support/index.js';
import { FILE_READY_PLUGIN, CliRun, cleanUp, eventLines, jsonLines, pilot, writeManifest } from './cli-support.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await cleanUp(sandbox)).toEqual([]));

const run = (manifest: Parameters<typeof writeManifest>[1], ...args: string[]) =>
  pilot(['run', writeManifest(sandbox, manifest), ...args], { cwd: sandbox.directory, marker: sandbox.marker });

test('start-up failure: exit 1, the reason and last lines on stderr, dependents never started', async () => {
  const result = await run(
    {
      plugins: [FILE_READY_PLUGIN],
      processes: [
        { name: 'broken', path: fixture('exit-with.sh'), args: ['3'], ready_strategy: 'test-file', ready_params: { path: 'never' }, ready_timeout_sec: 600 },
        { name: 'api', path: fixture('sleep-forever.sh'), dependencies: ['broken'] },
      ],
    },
    '--output',
    'json',
  );
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('error: process "broken" exited with code 3 before it was ready (ready_strategy "test-file")');
  expect(result.stderr).toContain('failure detail on stderr');
  expect(result.stderr).not.toMatch(/\n\s+at /);
  const objects = jsonLines(result.stdout);
  expect(objects.filter((object) => object.event === 'spawned').map((object) => object.process)).toEqual(['broken']);
  expect(objects).toContainEqual(expect.objectContaining({ event: 'error', code: 'PILOT_EXITED_BEFORE_READY', process: 'broken' }));
  expect(objects.at(-1)).toMatchObject({ event: 'exit', code: 1 });
});

test('a shutdown_everything process that fails stops everything and passes on its exit code', async () => {
  const result = await run({
    processes: [
      { name: 'db', path: fixture('with-grandchildren.sh') },
      { name: 'job', path: '/bin/sh', args: ['-c', 'echo working; exit 7'], shutdown_strategy: 'shutdown_everything', dependencies: ['db'] },
    ],
  });
  expect(result.code).toBe(7);
  const events = eventLines(result.stdout);
  expect(events).toContain('job exited with code 7');
  expect(events).toContain('stopping everything: process "job" ended and its shutdown_strategy is shutdown_everything');
  expect(events).toContainEqual(expect.stringMatching(/^db stopped/));
  expect(events.at(-1)).toBe('exit code 7: process "job" exited with code 7 and its shutdown_strategy is shutdown_everything');
});

test('every process finishing with code 0 ends the run with 0; any other ending with 1', async () => {
  const ok = await run({
    processes: [
      { name: 'a', path: fixture('exit-with.sh'), args: ['0'], shutdown_strategy: 'do_not_restart' },
      { name: 'b', path: fixture('exit-with.sh'), args: ['0'], shutdown_strategy: 'do_not_restart', dependencies: ['a'] },
    ],
  });
  expect(ok.code).toBe(0);
  expect(eventLines(ok.stdout).at(-1)).toBe('done: every process finished with exit code 0');
  const bad = await run({
    processes: [
      { name: 'a', path: fixture('exit-with.sh'), args: ['0'], shutdown_strategy: 'do_not_restart' },
      { name: 'b', path: fixture('exit-with.sh'), args: ['4'], shutdown_strategy: 'do_not_restart' },
    ],
  });
  expect(bad.code).toBe(1);
  expect(eventLines(bad.stdout).at(-1)).toBe('exit code 1: every process has ended: "b" exited with code 4');
});

test('a crashing process is restarted, then failed at max_restarts, while the others keep running', async () => {
  const file = writeManifest(sandbox, {
    processes: [
      { name: 'flaky', path: fixture('exit-with.sh'), args: ['2'], max_restarts: 1, restart_backoff: { initial_delay: 0.01 } },
      { name: 'steady', path: fixture('sleep-forever.sh') },
    ],
  });
  const cli = new CliRun(['run', file], { cwd: sandbox.directory, marker: sandbox.marker });
  await cli.until(/^pilot +> flaky failed: /m);
  cli.signal('SIGINT');
  const result = await cli.done;
  expect(result.code).toBe(0);
  const events = eventLines(result.stdout);
  expect(events).toContain('flaky exited with code 2');
  expect(events).toContainEqual(expect.stringMatching(/^flaky restarting in \d+ ms \(attempt 1\)$/));
  expect(events).toContainEqual(expect.stringMatching(/^steady stopped/));
  expect(events.at(-1)).toBe('done: received SIGINT');
});

test('a configuration error found while loading plugins is exit 1 naming the field and the names available', async () => {
  const result = await run({ plugins: [FILE_READY_PLUGIN], processes: [{ name: 'p', path: fixture('sleep-forever.sh'), ready_strategy: 'test-fiel' }] });
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^error: .*pilot\.yaml is invalid:\n {2}- processes\[0\]\.ready_strategy: no loaded plugin provides the readiness strategy "test-fiel" \(did you mean "test-file"\?\)/);
  expect(result.stderr).not.toMatch(/\n\s+at /);
});
