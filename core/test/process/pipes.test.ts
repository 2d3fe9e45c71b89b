import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { readdirSync } from 'node:fs';
import type { LogLine } from '../../src/process/output.js';
import { pipePool } from '../../src/process/pipe-pool.js';
import { spawnChild, type SpawnRequest } from '../../src/process/spawn-child.js';
import { MARKER_VARIABLE, Sandbox } from '../support/index.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

function request(command: string, args: string[]): SpawnRequest {
  const env = { ...(process.env as Record<string, string>), [MARKER_VARIABLE]: sandbox.marker };
  return { command, args, cwd: sandbox.directory, env, shell: false, affinity: undefined };
}

/** Spawn, wait for exit and EOF of both pipes; the lines as [stream, text]. */
async function run(command: string, args: string[]): Promise<{ lines: [string, string][]; order: string[] }> {
  const lines: LogLine[] = [];
  const order: string[] = [];
  const child = await spawnChild('p', request(command, args), (line) => lines.push(line));
  await Promise.all([child.exited.then(() => order.push('exit')), child.outputDone.then(() => order.push('eof'))]);
  return { lines: lines.map((line) => [line.stream, line.text]), order };
}

const ofStream = (lines: [string, string][], stream: string) => lines.filter(([s]) => s === stream).map(([, text]) => text);

test('stdout and stderr are real pipes: echo > /dev/stdout and /dev/stderr work, each on its stream', async () => {
  const { lines } = await run('/bin/sh', ['-c', 'echo x > /dev/stdout && echo y > /dev/stderr && stat -L -c %F /dev/stdout /dev/stderr']);
  expect(ofStream(lines, 'stdout')).toEqual(['x', 'fifo', 'fifo']);
  expect(ofStream(lines, 'stderr')).toEqual(['y']);
});

test('a program that opens /dev/stdout itself (nginx access_log style) gets its lines logged', async () => {
  const script = "const fs = require('fs'); for (const [path, text] of [['/dev/stdout', 'access line'], ['/dev/stderr', 'error line']]) { const fd = fs.openSync(path, 'a'); fs.writeSync(fd, text + '\\n'); fs.closeSync(fd); }";
  const { lines } = await run(process.execPath, ['-e', script]);
  expect(ofStream(lines, 'stdout')).toEqual(['access line']);
  expect(ofStream(lines, 'stderr')).toEqual(['error line']);
});

test('the last line printed right before exit is kept, and a grandchild holding the pipe is read until EOF', async () => {
  const { lines, order } = await run('/bin/sh', ['-c', 'echo last words; (sleep 0.3; echo from grandchild) & exit 0']);
  expect(ofStream(lines, 'stdout')).toEqual(['last words', 'from grandchild']);
  // The exit is reported when the leader exits, not when the grandchild lets go of the pipe.
  expect(order).toEqual(['exit', 'eof']);
});

test('no fd is left behind after many spawns (the pool holds a bounded, counted set)', async () => {
  const openFds = () => readdirSync('/proc/self/fd').length - pipePool.heldFds();
  await run('/bin/true', []);
  const before = openFds();
  for (let round = 0; round < 5; round += 1) await Promise.all(Array.from({ length: 20 }, () => run('/bin/sh', ['-c', 'echo out; echo err >&2'])));
  expect(openFds()).toBe(before);
  expect(pipePool.heldFds()).toBeLessThanOrEqual(2 * 2 * 20 + 64);
});
