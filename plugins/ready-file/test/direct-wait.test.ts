import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox } from '../../../core/test/support/index.js';
import { fileStrategy } from '../src/index.js';
import { directContext } from '../../../core/test/support/direct-context.js';
import { inotifyWatches, noWatchesLeft } from './inotify-watches.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

test('begin() then ready(): a file that appears later counts; dispose() releases the watch', async () => {
  const controller = new AbortController();
  const session = await fileStrategy.begin(directContext({ path: 'ready.flag' }, sandbox.directory, controller.signal));
  const waiting = session.ready();
  writeFileSync(join(sandbox.directory, 'ready.flag'), 'now');
  await waiting;
  await session.dispose();
  await noWatchesLeft(sandbox.directory);
});

test('begin() then ready(): an existing file counts only after it changes', async () => {
  const path = join(sandbox.directory, 'ready.flag');
  writeFileSync(path, 'earlier run');
  const controller = new AbortController();
  const session = await fileStrategy.begin(directContext({ path: 'ready.flag' }, sandbox.directory, controller.signal));
  let settled = false;
  const waiting = session.ready().finally(() => (settled = true));
  await new Promise((resolve) => setImmediate(resolve));
  expect(settled).toBe(false);
  writeFileSync(path, 'this spawn');
  await waiting;
  await session.dispose();
  await noWatchesLeft(sandbox.directory);
});

test('abort rejects ready() with the signal reason; the watch lives until dispose()', async () => {
  writeFileSync(join(sandbox.directory, 'ready.flag'), 'earlier run');
  const controller = new AbortController();
  const session = await fileStrategy.begin(directContext({ path: 'ready.flag' }, sandbox.directory, controller.signal));
  const outcome = session.ready().then(() => 'ready', (error: unknown) => error);
  expect(inotifyWatches(sandbox.directory)).toBe(1);
  const reason = new Error('stopped by the test');
  controller.abort(reason);
  expect(await outcome).toBe(reason);
  await session.dispose();
  await noWatchesLeft(sandbox.directory);
});

test('an already aborted signal rejects ready() at once', async () => {
  const controller = new AbortController();
  controller.abort(new Error('gone'));
  const session = await fileStrategy.begin(directContext({ path: 'x' }, sandbox.directory, controller.signal));
  await expect(session.ready()).rejects.toThrow('gone');
  await session.dispose();
  await noWatchesLeft(sandbox.directory);
});
