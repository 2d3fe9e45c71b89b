import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { Sandbox, eventually, fixture } from '../support/index.js';
import { FILE_READY_PLUGIN, CliRun, cleanUp, jsonLines, writeManifest } from './cli-support.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await cleanUp(sandbox)).toEqual([]));

/** Every marked process is gone (the engine's watchdog may need a moment to exit after the CLI). */
const nothingLeft = () => eventually(() => sandbox.leftovers().length === 0, 'every process of the test to be gone', 5000);

function start(manifest: Parameters<typeof writeManifest>[1]): CliRun {
  return new CliRun(['run', writeManifest(sandbox, manifest), '--output', 'json'], { cwd: sandbox.directory, marker: sandbox.marker });
}

const events = (run: CliRun, name: string) => jsonLines(run.stdout).filter((object) => object.event === name);

test('SIGINT stops every process in reverse dependency order, grandchildren included, then exits 0', async () => {
  const run = start({
    processes: [
      { name: 'db', path: fixture('with-grandchildren.sh') },
      { name: 'api', path: fixture('with-grandchildren.sh'), dependencies: ['db'] },
      { name: 'web', path: fixture('sleep-forever.sh'), dependencies: ['api'] },
    ],
  });
  await run.until(/"event":"all-ready"/);
  // Both families have forked their background, double-forked and setsid grandchildren.
  await run.until(/"text":"family ready"[\s\S]*"text":"family ready"/);
  run.signal('SIGINT');
  const result = await run.done;
  expect(result.code).toBe(0);
  expect(events(run, 'stopped').map((event) => event.process)).toEqual(['web', 'api', 'db']);
  expect(events(run, 'stop-all')).toEqual([expect.objectContaining({ reason: 'received SIGINT' })]);
  expect(events(run, 'exit')).toEqual([expect.objectContaining({ code: 0, reason: 'received SIGINT' })]);
  await nothingLeft();
});

test.each(['SIGTERM', 'SIGHUP'] as const)('%s stops gracefully too', async (signal) => {
  const run = start({ processes: [{ name: 'db', path: fixture('with-grandchildren.sh') }] });
  await run.until(/"text":"family ready"/);
  run.signal(signal);
  const result = await run.done;
  expect(result.code).toBe(0);
  expect(events(run, 'stop-all')).toEqual([expect.objectContaining({ reason: `received ${signal}` })]);
  await nothingLeft();
});

test('a second SIGINT kills every tree at once instead of waiting for a child that traps SIGTERM', async () => {
  // timeout and kill_timeout far beyond the test timeout: only an immediate kill passes.
  const run = start({
    kill_timeout: 600,
    processes: [
      { name: 'db', path: fixture('with-grandchildren.sh') },
      { name: 'stubborn', path: fixture('trap-term.sh'), timeout: 600, dependencies: ['db'] },
    ],
  });
  await run.until(/"text":"family ready"/);
  await run.until(/"text":"trapping \d+"/);
  run.signal('SIGINT');
  await run.until(/"text":"got TERM"/);
  run.signal('SIGINT');
  const result = await run.done;
  expect(result.code).toBe(130);
  expect(events(run, 'kill-all')).toEqual([expect.objectContaining({ reason: 'received SIGINT again' })]);
  await nothingLeft();
});

test('SIGINT while waiting for readiness stops what started and exits 0', async () => {
  const run = start({
    plugins: [FILE_READY_PLUGIN],
    processes: [
      { name: 'db', path: fixture('with-grandchildren.sh'), ready_strategy: 'test-file', ready_params: { path: 'never' }, ready_timeout_sec: 600 },
      { name: 'api', path: fixture('sleep-forever.sh'), dependencies: ['db'] },
    ],
  });
  await run.until(/"text":"family ready"/);
  run.signal('SIGINT');
  const result = await run.done;
  expect(result.code).toBe(0);
  expect(events(run, 'spawned').map((event) => event.process)).toEqual(['db']);
  expect(events(run, 'error')).toEqual([]);
  expect(result.stderr).toBe('');
  await nothingLeft();
});
