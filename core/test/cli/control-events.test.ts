import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { Sandbox, eventually } from '../support/index.js';
import { CliRun, cleanUp } from './cli-support.js';
import { FakeControlServer } from './fake-control-server.js';

/** `pilot logs -f` against a server that sends its event stream in awkward pieces, or cuts it. */
let sandbox: Sandbox;
let server: FakeControlServer;
beforeEach(async () => {
  sandbox = new Sandbox();
  server = new FakeControlServer(sandbox.directory);
  await server.listen();
});
afterEach(async () => {
  await server.close();
  expect(await cleanUp(sandbox)).toEqual([]);
});

/** `pilot logs db -f -n 1`, resolved once it printed the tail (it is subscribed by then). */
async function follow(): Promise<CliRun> {
  const run = new CliRun(['logs', 'db', '-f', '-n', '1'], { cwd: sandbox.directory, marker: sandbox.marker });
  await run.until(/^db three\n/);
  return run;
}

const frame = (text: string, time = 5000) => `event: log\ndata: ${JSON.stringify({ name: 'db', stream: 'stdout', text, time })}\n\n`;

test('events split anywhere (byte by byte: UTF-8 characters and CRLF across chunks) arrive whole', async () => {
  const run = await follow();
  const bytes = Buffer.from(frame('héllo ✓ split').replace(/\n/g, '\r\n') + frame('second'));
  for (let index = 0; index < bytes.length; index += 1) server.raw(bytes.subarray(index, index + 1));
  await run.until(/second\n/);
  expect(run.stdout).toBe('db three\nhéllo ✓ split\nsecond\n');
});

test('a 12 MB chunk of 3000 events, and an oversized line, cost no crash and lose no event', async () => {
  const run = await follow();
  const long = 'y'.repeat(4000);
  const events = Array.from({ length: 3000 }, (_, index) => frame(`${index} ${long}`)).join('');
  // A line longer than the client keeps (4 Mi characters) is skipped, the events around it are not.
  server.raw(`${events}: ${'z'.repeat(5 * 1024 * 1024)}\n${frame('after')}`);
  await run.until(/after\n/, 'stdout', 30_000);
  const lines = run.stdout.split('\n');
  expect(lines.length).toBe(3003);
  expect(lines[1]).toBe(`0 ${long}`);
  expect(lines[3000]).toBe(`2999 ${long}`);
  expect(lines.at(-2)).toBe('after');
});

test('event: dropped is shown on stderr as a gap; stdout keeps only the lines', async () => {
  const run = await follow();
  server.raw(`event: dropped\ndata: ${JSON.stringify({ log: 1234, state: 0 })}\n\n${frame('after the gap')}`);
  await run.until(/after the gap\n/);
  await run.until(/dropped/, 'stderr');
  expect(run.stderr).toBe('pilot logs: the pilot dropped 1234 log lines (of all its processes) because this command read more slowly than they came; the output above has a gap there\n');
  expect(run.stdout).toBe('db three\nafter the gap\n');
});

test('a stream cut by the server (not ended) is a clear error with exit 1, never "looks like a bug"', async () => {
  const run = await follow();
  // Half an event, then the connection is gone.
  server.raw('event: log\ndata: {"name":"db","te');
  server.cut();
  const result = await run.done;
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/^error: the connection to the pilot at socket .*control\.sock was cut before the event stream ended: .*run the command again\n$/);
  expect(result.stdout).toBe('db three\n');
});

test('the reader of stdout going away (pilot logs -f | head) ends the command quietly', async () => {
  const run = await follow();
  run.child.stdout!.destroy();
  for (let index = 0; index < 50; index += 1) server.raw(frame(`line ${index}`));
  const result = await run.done;
  expect(result.code).toBe(0);
  expect(result.stderr).toBe('');
  await eventually(() => server.listeners === 0, 'the event stream to be closed');
});
