import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, existsSync, lstatSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ReadinessSession } from '@pilot/core';
import { Sandbox, eventually } from '../../../core/test/support/index.js';
import { fifoStrategy } from '../src/index.js';
import { directContext } from '../../../core/test/support/direct-context.js';
import { nothingHeldIn } from './leaks.js';

let sandbox: Sandbox;
let controller: AbortController;
let session: ReadinessSession | undefined;
const fds: number[] = [];
beforeEach(() => {
  sandbox = new Sandbox();
  controller = new AbortController();
  session = undefined;
});
afterEach(async () => {
  // Whatever a test left waiting ends here, so a failure never keeps a watcher alive.
  controller.abort(new Error('test over'));
  await session?.dispose();
  closeTestFds();
  expect(await sandbox.cleanup()).toEqual([]);
});

/** Close the fds this test opened itself, before checking that the strategy left none. */
function closeTestFds(): void {
  for (const fd of fds.splice(0)) closeSync(fd);
}

/** Open the FIFO for writing without blocking; ENXIO (no reader yet) counts as not yet. */
function openWriter(path: string): number | undefined {
  try {
    const fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
    fds.push(fd);
    return fd;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENXIO') return undefined;
    throw error;
  }
}

test('begin() where the directory does not exist yet: a FIFO the process makes later is opened and read', async () => {
  session = await fifoStrategy.begin(directContext({ path: 'later/late.fifo' }, sandbox.directory, controller.signal));
  expect(existsSync(join(sandbox.directory, 'later'))).toBe(false);
  const waiting = session.ready();
  waiting.catch(() => undefined);
  const path = join(sandbox.directory, 'later', 'late.fifo');
  execFileSync('mkdir', [join(sandbox.directory, 'later')]);
  execFileSync('mkfifo', [path]);
  let fd: number | undefined;
  await eventually(() => (fd = openWriter(path)) !== undefined, 'a reader on the new FIFO');
  writeSync(fd!, 'ready\n');
  await waiting;
  await session.dispose();
  session = undefined;
  closeTestFds();
  await nothingHeldIn(sandbox.directory);
  // A FIFO the process made is left to it.
  expect(existsSync(path)).toBe(true);
});

test('abort rejects with the signal reason; dispose() releases the watch and removes the FIFO it made', async () => {
  session = await fifoStrategy.begin(directContext({ path: 'never.fifo' }, sandbox.directory, controller.signal));
  expect(lstatSync(join(sandbox.directory, 'never.fifo')).isFIFO()).toBe(true);
  const waiting = session.ready();
  const reason = new Error('stopped by the test');
  controller.abort(reason);
  await expect(waiting).rejects.toBe(reason);
  await session.dispose();
  session = undefined;
  await nothingHeldIn(sandbox.directory);
  expect(existsSync(join(sandbox.directory, 'never.fifo'))).toBe(false);
});

test('begin() replaces a FIFO of an earlier run: a writer still holding the old one cannot make this spawn ready', async () => {
  const path = join(sandbox.directory, 'stale.fifo');
  execFileSync('mkfifo', [path]);
  // A leftover of the earlier run, holding the old FIFO open (so its inode cannot be reused either).
  const stale = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
  fds.push(stale);
  const staleIno = lstatSync(path).ino;
  const context = directContext({ path: 'stale.fifo' }, sandbox.directory, controller.signal);
  session = await fifoStrategy.begin(context);
  expect(session.env).toEqual({ PILOT_READY_FIFO: path });
  expect(lstatSync(path).isFIFO()).toBe(true);
  expect(lstatSync(path).ino).not.toBe(staleIno);
  const waiting = session.ready();
  waiting.catch(() => undefined);
  writeSync(stale, 'ready\n');
  // Nobody read the old FIFO: its "ready" is still there, unseen by this spawn's reader.
  const buffer = Buffer.alloc(64);
  expect(buffer.toString('latin1', 0, readSync(stale, buffer))).toBe('ready\n');
  writeSync(openWriter(path)!, 'ready\n');
  await waiting;
  await session.dispose();
  session = undefined;
  closeTestFds();
  await nothingHeldIn(sandbox.directory);
  expect(existsSync(path)).toBe(false);
});
