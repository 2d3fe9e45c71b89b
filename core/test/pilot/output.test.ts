import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MAX_LINE_LENGTH } from '../../src/process/output.js';

// A real garbage collection before each heap reading: garbage must not pass for retained memory.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
import { Sandbox, eventually, fixture } from '../support/index.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

test('a child writing 100 MB fast never blocks, its last line is kept and the pilot memory stays bounded', async () => {
  const manifest = await sandbox.manifest({ processes: [{ name: 'flood', path: fixture('flood.mjs'), args: ['100'], shutdown_strategy: 'do_not_restart', log_lines: 100 }] });
  const pilot = sandbox.pilot(manifest);
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  await pilot.start();
  const exited = await pilot.waitFor('flood', 'exited', 60_000);
  expect(exited.returnCode).toBe(0);
  const lines = pilot.logs('flood');
  expect(lines).toHaveLength(100);
  expect(lines.at(-1)!.text).toBe('done');
  // 100 kept lines of 1 KiB: the heap must not have grown by anything near the 100 MB written.
  collectGarbage();
  expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(20 * 1024 * 1024);
});

test('invalid UTF-8 and a 10 MB line without newline: no crash, the line is split at the cap, the last line is kept', async () => {
  const manifest = await sandbox.manifest({ processes: [{ name: 'odd', path: fixture('odd-output.mjs'), shutdown_strategy: 'do_not_restart', log_lines: 5000 }] });
  const pilot = sandbox.pilot(manifest);
  await pilot.start();
  await pilot.waitFor('odd', 'exited', 30_000);
  const lines = pilot.logs('odd').map((line) => line.text);
  expect(lines[0]).toBe('fo\uFFFD\uFFFDo');
  const pieces = lines.slice(1, -1);
  expect(pieces.every((piece) => piece.length <= MAX_LINE_LENGTH && /^y+$/.test(piece))).toBe(true);
  expect(pieces.join('').length).toBe(10 * 1024 * 1024);
  expect(lines.at(-1)).toBe('last line without newline');
});

test('stderr and stdout are both captured and tagged', async () => {
  const manifest = await sandbox.manifest({ processes: [{ name: 'e', path: fixture('exit-with.sh'), args: ['0'], shutdown_strategy: 'do_not_restart' }] });
  const pilot = sandbox.pilot(manifest);
  await pilot.start();
  await pilot.waitFor('e', 'exited');
  expect(pilot.logs('e').map((line) => [line.stream, line.text])).toEqual([
    ['stdout', 'about to exit 0'],
    ['stderr', 'failure detail on stderr'],
  ]);
  expect(pilot.logs('e', 10, 'stderr').map((line) => line.text)).toEqual(['failure detail on stderr']);
});

test('the outputBatch hook and an output tap both get every line in order, across chunk boundaries, none lost at exit', async () => {
  // 200,000 numbered lines (many read chunks, lines cut across chunks), then a last line without newline, then exit at once.
  // (writeSync: process.stdout on a pipe is asynchronous, and process.exit() would cut it short in the child.)
  const script = "let s = ''; for (let i = 0; i < 200000; i++) s += 'line ' + i + '\\n'; require('fs').writeSync(1, s + 'tail without newline'); process.exit(0)";
  const manifest = await sandbox.manifest({ processes: [{ name: 'many', path: process.execPath, args: ['-e', script], shutdown_strategy: 'do_not_restart', log_lines: 10 }] });
  const pilot = sandbox.pilot(manifest);
  const batched: string[] = [];
  const single: string[] = [];
  let batches = 0;
  pilot.hooks.outputBatch.tap('test', (info, batch) => {
    expect(info.name).toBe('many');
    batches += 1;
    batched.push(...batch.lines);
  });
  pilot.hooks.output.tap('test', (_info, line) => single.push(line.text));
  await pilot.start();
  await pilot.waitFor('many', 'exited', 30_000);
  await eventually(() => single.length >= 200_001, 'every line through the output hook');
  const want = [...Array.from({ length: 200_000 }, (_, index) => `line ${index}`), 'tail without newline'];
  expect(batched).toEqual(want);
  expect(single).toEqual(want);
  // Delivered per chunk, not per line.
  expect(batches).toBeLessThan(want.length / 10);
  expect(pilot.logs('many').map((line) => line.text)).toEqual(want.slice(-10));
});
