import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { existsSync, lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Sandbox, eventually, fixture } from '../../../core/test/support/index.js';
import readyFifo from '../src/index.js';
import { fdsUnder, inotifyWatches, nothingHeldIn } from './leaks.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const writeLines = join(fixtures, 'write-lines.sh');

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error & { code?: string; process?: string });

test('the pilot makes the FIFO, passes it in PILOT_READY_FIFO, reads "ready" after other lines, then removes it', async () => {
  const manifest = await sandbox.manifest({
    processes: [{ name: 'svc', path: writeLines, args: ['starting up', 'ready'], ready_strategy: 'fifo', ready_params: { path: 'ready.fifo' }, ready_timeout_sec: 20 }],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyFifo()] });
  await pilot.start();
  expect(pilot.getRunningProcess('svc')!.status).toBe('running');
  expect(existsSync(join(sandbox.directory, 'ready.fifo'))).toBe(false);
  await nothingHeldIn(sandbox.directory);
});

test('`pipe` is the same strategy, and core finds the plugin by its package.json', async () => {
  const manifest = await sandbox.manifest({
    processes: [{ name: 'svc', path: writeLines, args: ['ready'], ready_strategy: 'pipe', ready_params: { path: 'ready.fifo' }, ready_timeout_sec: 20 }],
  });
  const pilot = sandbox.pilot(manifest);
  await pilot.start();
  expect(pilot.getRunningProcess('svc')!.status).toBe('running');
});

test('a process that replaces the FIFO with its own (process_pilot style) is read; its FIFO is left to it', async () => {
  const path = join(sandbox.directory, 'own.fifo');
  const manifest = await sandbox.manifest({
    processes: [{ name: 'svc', path: join(fixtures, 'own-fifo.mjs'), args: [path], ready_strategy: 'pipe', ready_params: { path: 'own.fifo' }, ready_timeout_sec: 20 }],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyFifo()] });
  await pilot.start();
  expect(pilot.getRunningProcess('svc')!.status).toBe('running');
  expect(lstatSync(path).isFIFO()).toBe(true);
  await nothingHeldIn(sandbox.directory);
});

test('a token split across writes counts once its line is complete', async () => {
  const manifest = await sandbox.manifest({
    processes: [{ name: 'svc', path: join(fixtures, 'split-ready.mjs'), ready_strategy: 'fifo', ready_params: { path: 'ready.fifo' }, ready_timeout_sec: 20 }],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyFifo()] });
  let ready = false;
  const starting = pilot.start().then(() => (ready = true));
  await eventually(() => pilot.logs('svc').some((line) => line.text === 'half written'), '"rea" written');
  expect(ready).toBe(false);
  process.kill(pilot.getRunningProcess('svc')!.pid!, 'SIGUSR1');
  await starting;
  expect(pilot.getRunningProcess('svc')!.status).toBe('running');
});

test('lines other than "ready" are ignored', async () => {
  const manifest = await sandbox.manifest({
    processes: [{ name: 'svc', path: writeLines, args: ['readyish', 'not ready', 'READY', 'ready now'], ready_strategy: 'fifo', ready_params: { path: 'ready.fifo' }, ready_timeout_sec: 0.5 }],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyFifo()] });
  const starting = rejection(pilot.start());
  await eventually(() => pilot.logs('svc').some((line) => line.text === 'wrote 4 lines'), 'all four lines written');
  expect(await starting).toMatchObject({ code: 'PILOT_READINESS_TIMEOUT', process: 'svc' });
});

test('timeout: names process and strategy, kills the whole tree, starts no dependent, removes the FIFO', async () => {
  const manifest = await sandbox.manifest({
    processes: [
      { name: 'db', path: fixture('with-grandchildren.sh'), ready_strategy: 'fifo', ready_params: { path: 'db.fifo' }, ready_timeout_sec: 0.5 },
      { name: 'api', path: fixture('sleep-forever.sh'), dependencies: ['db'] },
    ],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyFifo()] });
  const spawned: string[] = [];
  pilot.hooks.spawn.tap('test', (info) => spawned.push(info.name));
  const error = await rejection(pilot.start());
  expect(error).toMatchObject({ code: 'PILOT_READINESS_TIMEOUT', process: 'db' });
  expect(error?.message).toMatch(/process "db" was not ready within ready_timeout_sec \(0\.5 s\) using ready_strategy "fifo"/);
  expect(spawned).toEqual(['db']);
  expect(sandbox.leftovers()).toEqual([]);
  expect(existsSync(join(sandbox.directory, 'db.fifo'))).toBe(false);
  await nothingHeldIn(sandbox.directory);
});

test('several FIFOs without a writer at once: timers fire and fs calls complete meanwhile; clean timeout', async () => {
  const names = ['a', 'b', 'c', 'd', 'e', 'f'];
  const manifest = await sandbox.manifest({
    processes: names.map((name) => ({ name, path: fixture('sleep-forever.sh'), ready_strategy: 'fifo', ready_params: { path: `${name}.fifo` }, ready_timeout_sec: 3 })),
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyFifo()] });
  let settled = false;
  const starting = rejection(pilot.start()).finally(() => (settled = true));
  await eventually(() => names.every((name) => pilot.getRunningProcess(name)?.pid !== undefined), 'all six spawned');
  await eventually(() => fdsUnder(sandbox.directory).length === names.length, 'six FIFOs open for reading');
  // A parked thread-pool thread per FIFO would starve these: 16 reads need the pool's 4 threads.
  const file = sandbox.file('data.txt', 'x'.repeat(1000));
  const reads = await Promise.all(Array.from({ length: 16 }, () => readFile(file, 'utf8')));
  let ticks = 0;
  await new Promise<void>((resolve) => {
    const tick = () => (++ticks === 5 ? resolve() : setTimeout(tick, 1));
    setTimeout(tick, 1);
  });
  expect(reads.every((text) => text.length === 1000)).toBe(true);
  expect(settled).toBe(false);
  const error = await starting;
  expect(error).toMatchObject({ code: 'PILOT_READINESS_TIMEOUT' });
  expect(sandbox.leftovers()).toEqual([]);
  for (const name of names) expect(existsSync(join(sandbox.directory, `${name}.fifo`))).toBe(false);
  await nothingHeldIn(sandbox.directory);
});

test('a regular file at the FIFO path is an error at start and is never deleted', async () => {
  writeFileSync(join(sandbox.directory, 'ready.fifo'), 'not a pipe');
  const manifest = await sandbox.manifest({
    processes: [{ name: 'svc', path: writeLines, args: ['ready'], ready_strategy: 'fifo', ready_params: { path: 'ready.fifo' }, ready_timeout_sec: 20 }],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyFifo()] });
  const spawned: string[] = [];
  pilot.hooks.spawn.tap('test', (info) => spawned.push(info.name));
  const error = await rejection(pilot.start());
  expect(error).toMatchObject({ code: 'PILOT_READINESS_FAILED', process: 'svc' });
  expect(error?.message).toContain(`expected a FIFO (named pipe) at ${join(sandbox.directory, 'ready.fifo')}, found a regular file; it was left untouched`);
  expect(readFileSync(join(sandbox.directory, 'ready.fifo'), 'utf8')).toBe('not a pipe');
  expect(spawned).toEqual([]);
  await nothingHeldIn(sandbox.directory);
});

test('a directory at the FIFO path is an error at start and is never deleted', async () => {
  mkdirSync(join(sandbox.directory, 'ready.fifo'));
  writeFileSync(join(sandbox.directory, 'ready.fifo', 'keep.txt'), 'kept');
  const manifest = await sandbox.manifest({
    processes: [{ name: 'svc', path: writeLines, args: ['ready'], ready_strategy: 'pipe', ready_params: { path: 'ready.fifo' }, ready_timeout_sec: 20 }],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyFifo()] });
  const error = await rejection(pilot.start());
  expect(error).toMatchObject({ code: 'PILOT_READINESS_FAILED', process: 'svc' });
  expect(error?.message).toContain('ready_strategy "pipe" expected a FIFO (named pipe)');
  expect(error?.message).toContain('found a directory; it was left untouched');
  expect(readFileSync(join(sandbox.directory, 'ready.fifo', 'keep.txt'), 'utf8')).toBe('kept');
});

test('a process that turns the path into a regular file during the wait fails it; the file stays', async () => {
  const path = join(sandbox.directory, 'ready.fifo');
  const script = sandbox.file('to-file.sh', `#!/bin/sh\nrm -f "$1"\necho plain > "$1"\nexec sleep 1000\n`, true);
  const manifest = await sandbox.manifest({
    processes: [{ name: 'svc', path: script, args: [path], ready_strategy: 'fifo', ready_params: { path: 'ready.fifo' }, ready_timeout_sec: 120 }],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyFifo()] });
  const error = await rejection(pilot.start());
  expect(error).toMatchObject({ code: 'PILOT_READINESS_FAILED', process: 'svc' });
  expect(error?.message).toContain('found a regular file; it was left untouched');
  // The shell creates the file before it writes into it: the wait may fail in between.
  expect(lstatSync(path).isFile()).toBe(true);
  expect(sandbox.leftovers()).toEqual([]);
});

test('a directory that does not exist yet is left to the process, which creates it and its FIFO', async () => {
  const path = join(sandbox.directory, 'run', 'deep', 'own.fifo');
  const manifest = await sandbox.manifest({
    processes: [{ name: 'svc', path: join(fixtures, 'own-fifo.mjs'), args: [path], ready_strategy: 'pipe', ready_params: { path: 'run/deep/own.fifo' }, ready_timeout_sec: 20 }],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyFifo()] });
  await pilot.start();
  expect(lstatSync(path).isFIFO()).toBe(true);
  await nothingHeldIn(sandbox.directory);
});

test('a parent path that is not a directory is an error at start naming it', async () => {
  writeFileSync(join(sandbox.directory, 'plain'), '');
  const manifest = await sandbox.manifest({
    processes: [{ name: 'svc', path: writeLines, args: ['ready'], ready_strategy: 'fifo', ready_params: { path: 'plain/ready.fifo' }, ready_timeout_sec: 20 }],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyFifo()] });
  const error = await rejection(pilot.start());
  expect(error).toMatchObject({ code: 'PILOT_READINESS_FAILED', process: 'svc' });
  expect(error?.message).toContain(`ready_strategy "fifo" cannot look at ${join(sandbox.directory, 'plain/ready.fifo')}: ENOTDIR`);
});

test('a process that exits before it is ready fails the start at once and the FIFO is removed', async () => {
  const manifest = await sandbox.manifest({
    processes: [{ name: 'broken', path: fixture('exit-with.sh'), args: ['3'], ready_strategy: 'fifo', ready_params: { path: 'ready.fifo' }, ready_timeout_sec: 120 }],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyFifo()] });
  const error = await rejection(pilot.start());
  expect(error).toMatchObject({ code: 'PILOT_EXITED_BEFORE_READY', process: 'broken' });
  expect(error?.message).toContain('exited with code 3 before it was ready (ready_strategy "fifo")');
  expect(existsSync(join(sandbox.directory, 'ready.fifo'))).toBe(false);
  await nothingHeldIn(sandbox.directory);
});

test('stop() during the wait cancels it at once, releases fd and watch, removes the FIFO', async () => {
  const manifest = await sandbox.manifest({
    processes: [{ name: 'svc', path: fixture('sleep-forever.sh'), ready_strategy: 'fifo', ready_params: { path: 'ready.fifo' }, ready_timeout_sec: 120 }],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyFifo()] });
  const starting = rejection(pilot.start());
  await eventually(() => pilot.getRunningProcess('svc')?.pid !== undefined && inotifyWatches(sandbox.directory) === 1, 'svc spawned and its FIFO watched');
  expect(fdsUnder(sandbox.directory)).toEqual([join(sandbox.directory, 'ready.fifo')]);
  await pilot.stop();
  expect(await starting).toMatchObject({ code: 'PILOT_STOPPED' });
  expect(existsSync(join(sandbox.directory, 'ready.fifo'))).toBe(false);
  await nothingHeldIn(sandbox.directory);
  expect(sandbox.leftovers()).toEqual([]);
});

test('bad options are reported at start, naming each process and option; nothing is spawned', async () => {
  const process = (name: string, ready_params: Record<string, unknown>) => ({ name, path: fixture('sleep-forever.sh'), ready_strategy: 'fifo', ready_params });
  const manifest = await sandbox.manifest({
    processes: [process('a', {}), process('b', { path: 5 }), process('c', { path: '' }), process('d', { path: 'x', port: 1 })],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyFifo()] });
  const spawned: string[] = [];
  pilot.hooks.spawn.tap('test', (info) => spawned.push(info.name));
  const error = await rejection(pilot.start());
  expect(error).toMatchObject({ code: 'PILOT_MANIFEST_INVALID' });
  expect(error?.message).toContain('processes[0].ready_params.path: required (expected a FIFO path (string)) but missing');
  expect(error?.message).toContain('processes[1].ready_params.path: expected a FIFO path (string), got 5');
  expect(error?.message).toContain('processes[2].ready_params.path: expected a non-empty FIFO path, got ""');
  expect(error?.message).toContain('processes[3].ready_params: unknown key "port"');
  expect(spawned).toEqual([]);
});
