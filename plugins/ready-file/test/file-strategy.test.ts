import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Sandbox, eventually, fixture } from '../../../core/test/support/index.js';
import readyFile from '../src/index.js';
import { inotifyWatches, noWatchesLeft } from './inotify-watches.js';

const writeFile = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'write-file.sh');

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error & { code?: string; process?: string });

test('ready once the process creates the file; a relative path resolves against the manifest directory', async () => {
  // The child runs in the fixtures directory: only resolution against the manifest's directory finds the file.
  const manifest = await sandbox.manifest({
    processes: [{ name: 'svc', path: writeFile, args: [join(sandbox.directory, 'ready.flag')], ready_strategy: 'file', ready_params: { path: 'ready.flag' }, ready_timeout_sec: 20 }],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyFile()] });
  await pilot.start();
  const info = pilot.getRunningProcess('svc')!;
  expect(info.status).toBe('running');
  expect(readFileSync(join(sandbox.directory, 'ready.flag'), 'utf8').trim()).toBe(String(info.pid));
  await noWatchesLeft(sandbox.directory);
});

test('core finds the plugin by its package.json when nothing registers it', async () => {
  const manifest = await sandbox.manifest({
    processes: [{ name: 'svc', path: writeFile, args: [join(sandbox.directory, 'ready.flag')], ready_strategy: 'file', ready_params: { path: 'ready.flag' }, ready_timeout_sec: 20 }],
  });
  const pilot = sandbox.pilot(manifest);
  await pilot.start();
  expect(pilot.getRunningProcess('svc')!.status).toBe('running');
});

test('a directory that does not exist yet is polled until it appears, then the file counts', async () => {
  const manifest = await sandbox.manifest({
    processes: [{ name: 'svc', path: writeFile, args: [join(sandbox.directory, 'later', 'deep', 'ready.flag')], ready_strategy: 'file', ready_params: { path: 'later/deep/ready.flag' }, ready_timeout_sec: 20 }],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyFile()] });
  await pilot.start();
  expect(pilot.getRunningProcess('svc')!.status).toBe('running');
});

test('a file left by an earlier run is not taken as ready, and it is not deleted', async () => {
  writeFileSync(join(sandbox.directory, 'ready.flag'), 'earlier run');
  const manifest = await sandbox.manifest({
    processes: [{ name: 'svc', path: fixture('sleep-forever.sh'), ready_strategy: 'file', ready_params: { path: 'ready.flag' }, ready_timeout_sec: 0.5 }],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyFile()] });
  const error = await rejection(pilot.start());
  expect(error).toMatchObject({ code: 'PILOT_READINESS_TIMEOUT', process: 'svc' });
  expect(error?.message).toContain('ready_strategy "file"');
  expect(readFileSync(join(sandbox.directory, 'ready.flag'), 'utf8')).toBe('earlier run');
  expect(sandbox.leftovers()).toEqual([]);
});

test('a file left by an earlier run counts once this spawn rewrites it', async () => {
  writeFileSync(join(sandbox.directory, 'ready.flag'), 'earlier run');
  const manifest = await sandbox.manifest({
    processes: [{ name: 'svc', path: writeFile, args: [join(sandbox.directory, 'ready.flag')], ready_strategy: 'file', ready_params: { path: 'ready.flag' }, ready_timeout_sec: 20 }],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyFile()] });
  await pilot.start();
  expect(readFileSync(join(sandbox.directory, 'ready.flag'), 'utf8').trim()).toBe(String(pilot.getRunningProcess('svc')!.pid));
});

test('timeout: names process and strategy, kills the whole tree, starts no dependent, leaves nothing', async () => {
  const manifest = await sandbox.manifest({
    processes: [
      { name: 'db', path: fixture('with-grandchildren.sh'), ready_strategy: 'file', ready_params: { path: 'never.flag' }, ready_timeout_sec: 0.5 },
      { name: 'api', path: fixture('sleep-forever.sh'), dependencies: ['db'] },
    ],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyFile()] });
  const spawned: string[] = [];
  pilot.hooks.spawn.tap('test', (info) => spawned.push(info.name));
  const error = await rejection(pilot.start());
  expect(error).toMatchObject({ code: 'PILOT_READINESS_TIMEOUT', process: 'db' });
  expect(error?.message).toMatch(/process "db" was not ready within ready_timeout_sec \(0\.5 s\) using ready_strategy "file"/);
  expect(spawned).toEqual(['db']);
  expect(sandbox.leftovers()).toEqual([]);
  await noWatchesLeft(sandbox.directory);
});

test('a process that exits before it is ready fails the start at once', async () => {
  const manifest = await sandbox.manifest({
    processes: [{ name: 'broken', path: fixture('exit-with.sh'), args: ['3'], ready_strategy: 'file', ready_params: { path: 'never.flag' }, ready_timeout_sec: 120 }],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyFile()] });
  // ready_timeout_sec is far beyond the test timeout: only an immediate failure passes.
  const error = await rejection(pilot.start());
  expect(error).toMatchObject({ code: 'PILOT_EXITED_BEFORE_READY', process: 'broken' });
  expect(error?.message).toContain('exited with code 3 before it was ready (ready_strategy "file")');
  await noWatchesLeft(sandbox.directory);
});

test('stop() during the wait cancels it at once and releases the watch', async () => {
  const manifest = await sandbox.manifest({
    processes: [{ name: 'svc', path: fixture('sleep-forever.sh'), ready_strategy: 'file', ready_params: { path: 'never.flag' }, ready_timeout_sec: 120 }],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyFile()] });
  const starting = rejection(pilot.start());
  await eventually(() => pilot.getRunningProcess('svc')?.pid !== undefined && inotifyWatches(sandbox.directory) === 1, 'svc spawned and its directory watched');
  await pilot.stop();
  expect(await starting).toMatchObject({ code: 'PILOT_STOPPED' });
  await noWatchesLeft(sandbox.directory);
  expect(sandbox.leftovers()).toEqual([]);
});

test('bad options are reported at start, naming each process and option; nothing is spawned', async () => {
  const manifest = await sandbox.manifest({
    processes: [
      { name: 'a', path: fixture('sleep-forever.sh'), ready_strategy: 'file' },
      { name: 'b', path: fixture('sleep-forever.sh'), ready_strategy: 'file', ready_params: { path: 42 } },
      { name: 'c', path: fixture('sleep-forever.sh'), ready_strategy: 'file', ready_params: { path: '' } },
      { name: 'd', path: fixture('sleep-forever.sh'), ready_strategy: 'file', ready_params: { path: 'x', paht: 'y' } },
    ],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyFile()] });
  const spawned: string[] = [];
  pilot.hooks.spawn.tap('test', (info) => spawned.push(info.name));
  const error = await rejection(pilot.start());
  expect(error).toMatchObject({ code: 'PILOT_MANIFEST_INVALID' });
  expect(error?.message).toContain('processes[0].ready_params.path: required (expected a file path (string)) but missing');
  expect(error?.message).toContain('processes[1].ready_params.path: expected a file path (string), got 42');
  expect(error?.message).toContain('processes[2].ready_params.path: expected a non-empty file path, got ""');
  expect(error?.message).toContain('processes[3].ready_params: unknown key "paht"');
  expect(spawned).toEqual([]);
});
