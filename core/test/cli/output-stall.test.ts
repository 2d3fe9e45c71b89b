import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { MARKER_VARIABLE, Sandbox, eventually, fixture } from '../support/index.js';
import { CLI, cleanUp, writeManifest } from './cli-support.js';

let sandbox: Sandbox;
let cli: ChildProcess | undefined;
let readFd: number | undefined;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => {
  if (cli?.exitCode === null && cli.signalCode === null) cli.kill('SIGKILL');
  if (readFd !== undefined) closeSync(readFd);
  readFd = undefined;
  expect(await cleanUp(sandbox)).toEqual([]);
});

const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

test('stdout into a FIFO nobody reads: the pilot drops lines with a count instead of growing, and says so once it can write', async () => {
  const flooded = join(sandbox.directory, 'flooded');
  // 600 MB of output, then the child stays up so the pilot keeps running while the test reads.
  const manifest = writeManifest(sandbox, {
    processes: [{ name: 'flood', path: '/bin/sh', args: ['-c', `"$0" 600 && touch "$1" && exec sleep 1000`, fixture('flood.mjs'), flooded] }],
  });
  const fifo = join(sandbox.directory, 'stdout.fifo');
  execFileSync('mkfifo', [fifo]);
  readFd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const writeFd = openSync(fifo, constants.O_WRONLY);
  try {
    cli = spawn(process.execPath, [CLI, 'run', manifest], { cwd: sandbox.directory, env: { ...process.env, [MARKER_VARIABLE]: sandbox.marker }, stdio: ['ignore', writeFd, 'ignore'] });
  } finally {
    closeSync(writeFd);
  }
  const pid = cli.pid!;
  let maxRss = 0;
  await eventually(() => {
    maxRss = Math.max(maxRss, rssOf(pid));
    return existsSync(flooded);
  }, 'the child to have written 600 MB', 120_000);
  // Far less than the 600 MB the child printed while nobody read the pilot's stdout.
  expect(maxRss).toBeLessThan(250 * 1024 * 1024);

  const reader = new Socket({ fd: readFd, readable: true, writable: false });
  readFd = undefined;
  let text = '';
  reader.setEncoding('utf8').on('data', (chunk: string) => (text = (text + chunk).slice(-1_000_000)));
  await eventually(() => /pilot > dropped \d+ lines of output while stdout was blocked\n/.test(text), 'the dropped-lines notice', 30_000);
  const dropped = Number(/dropped (\d+) lines/.exec(text)![1]);
  expect(dropped).toBeGreaterThan(100_000);
  cli.kill('SIGTERM');
  await new Promise((resolve) => reader.once('close', resolve));
  expect(text).toMatch(/pilot > done: received SIGTERM\n$/);
}, 180_000);
