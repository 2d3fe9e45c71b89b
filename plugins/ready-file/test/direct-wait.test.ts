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

test('wait() without prepare(): a file that appears later counts', async () => {
  const controller = new AbortController();
  const waiting = fileStrategy.wait(directContext({ path: 'ready.flag' }, sandbox.directory, controller.signal));
  writeFileSync(join(sandbox.directory, 'ready.flag'), 'now');
  await waiting;
  await noWatchesLeft(sandbox.directory);
});

test('wait() without prepare(): a file changed before spawnedAt is stale; abort rejects with its reason and releases the watch', async () => {
  writeFileSync(join(sandbox.directory, 'ready.flag'), 'earlier run');
  const controller = new AbortController();
  // A spawn one minute from now: the file is older than it by far.
  const waiting = fileStrategy.wait(directContext({ path: 'ready.flag' }, sandbox.directory, controller.signal, Date.now() + 60_000));
  const outcome = waiting.then(() => 'ready', (error: unknown) => error);
  expect(inotifyWatches(sandbox.directory)).toBe(1);
  const reason = new Error('stopped by the test');
  controller.abort(reason);
  expect(await outcome).toBe(reason);
  await noWatchesLeft(sandbox.directory);
});

test('prepare() then wait(): an existing file counts only after it changes; cleanup releases the watch', async () => {
  const path = join(sandbox.directory, 'ready.flag');
  writeFileSync(path, 'earlier run');
  const controller = new AbortController();
  const context = directContext({ path: 'ready.flag' }, sandbox.directory, controller.signal);
  const preparation = await fileStrategy.prepare!(context);
  let settled = false;
  const waiting = fileStrategy.wait(context).finally(() => (settled = true));
  await new Promise((resolve) => setImmediate(resolve));
  expect(settled).toBe(false);
  writeFileSync(path, 'this spawn');
  await waiting;
  await preparation?.cleanup?.();
  await noWatchesLeft(sandbox.directory);
});

test('an already aborted signal rejects at once', async () => {
  const controller = new AbortController();
  controller.abort(new Error('gone'));
  await expect(fileStrategy.wait(directContext({ path: 'x' }, sandbox.directory, controller.signal))).rejects.toThrow('gone');
  await noWatchesLeft(sandbox.directory);
});
