import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { Sandbox, eventually } from '../support/index.js';
import { CliRun, cleanUp, pilot } from './cli-support.js';
import { FakeControlServer } from './fake-control-server.js';

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

const cli = (...args: string[]) => pilot(args, { cwd: sandbox.directory, marker: sandbox.marker });

test('status (and its alias ps) shows a table of the processes found through .pilot/control.json', async () => {
  const result = await cli('status');
  expect(result.code).toBe(0);
  expect(result.stdout).toBe(
    [
      'NAME  STATUS   PID   RESTARTS  UPTIME  CPU   MEMORY    LAST EXIT',
      'db    running  4242  0         1h 2m   1.3%  31.3 MiB  -',
      'api   failed   -     3         -       -     -         code 2',
      '',
    ].join('\n'),
  );
  const alias = await cli('ps', '--json');
  expect(JSON.parse(alias.stdout)).toMatchObject({ processes: [{ name: 'db' }, { name: 'api' }] });
  expect(server.requests).toEqual(['GET /v1/processes', 'GET /v1/processes']);
});

test('start, stop and restart NAME post to the process and print its new state', async () => {
  expect((await cli('restart', 'db')).stdout).toBe('db: running (pid 5151)\n');
  expect((await cli('stop', 'db')).stdout).toBe('db: stopped\n');
  expect((await cli('start', 'db')).stdout).toBe('db: running (pid 5151)\n');
  expect(server.requests).toEqual(['POST /v1/processes/db/restart', 'POST /v1/processes/db/stop', 'POST /v1/processes/db/start']);
});

test("an unknown process name: the server's message, exit 1", async () => {
  const result = await cli('restart', 'nope');
  expect(result.code).toBe(1);
  expect(result.stderr).toBe('error: no process is named "nope"; known: db, api\n');
});

test('logs -f of an unknown process fails at once with the server\'s message', async () => {
  const result = await cli('logs', 'nope', '-f');
  expect(result.code).toBe(1);
  expect(result.stderr).toBe('error: no process is named "nope"; known: db, api\n');
  await eventually(() => server.listeners === 0, 'the event stream to be closed');
});

test('logs NAME -n N prints the last lines', async () => {
  const result = await cli('logs', 'api', '-n', '2');
  expect(result.code).toBe(0);
  expect(result.stdout).toBe('api two\napi three\n');
  expect(server.requests).toEqual(['GET /v1/processes/api/logs?lines=2']);
});

test('logs -f prints the tail, then new lines of that process only, until the pilot stops', async () => {
  const run = new CliRun(['logs', 'db', '-f', '-n', '1'], { cwd: sandbox.directory, marker: sandbox.marker });
  await run.until(/^db three\n/);
  server.log('api', 'not this one');
  server.log('db', 'live line');
  await run.until(/live line\n/);
  await server.close();
  const result = await run.done;
  expect(result.code).toBe(0);
  expect(result.stdout).toBe('db three\nlive line\n');
  expect(result.stderr).toContain('the pilot stopped');
});

test('--socket points at a socket directly; --manifest at another directory', async () => {
  const elsewhere = await pilot(['status', '--socket', server.socket], { cwd: '/' });
  expect(elsewhere.code).toBe(0);
  const byManifest = await pilot(['status', '--manifest', join(sandbox.directory, 'pilot.yaml')], { cwd: '/' });
  expect(byManifest.code).toBe(1);
  expect(byManifest.stderr).toContain('does not exist; pass the manifest the running pilot was started with');
  sandbox.file('pilot.yaml', 'processes: []\n');
  expect((await pilot(['status', '-m', join(sandbox.directory, 'pilot.yaml')], { cwd: '/' })).code).toBe(0);
});

test('no pilot running: no control.json, or a stale one whose socket is gone, is a clear error (exit 1)', async () => {
  await server.close();
  const stale = await cli('status');
  expect(stale.code).toBe(1);
  expect(stale.stderr).toMatch(/^error: no pilot is running: nothing listens on socket .*control\.sock/);
  expect(stale.stderr).toContain('Start one with "pilot run"');
  rmSync(join(sandbox.directory, '.pilot'), { recursive: true });
  const none = await cli('logs', 'db');
  expect(none.code).toBe(1);
  expect(none.stderr).toContain(`error: no pilot is running for ${sandbox.directory}: ${join(sandbox.directory, '.pilot', 'control.json')} does not exist`);
  expect(none.stderr).not.toMatch(/\n\s+at /);
});

test('a control.json that is not JSON and a bad --url are reported as such', async () => {
  writeFileSync(join(sandbox.directory, '.pilot', 'control.json'), '{ nope');
  const broken = await cli('status');
  expect(broken.code).toBe(1);
  expect(broken.stderr).toContain('control.json is not valid JSON; delete it and restart the pilot');
  const badUrl = await cli('status', '--url', 'ftp://example.com');
  expect(badUrl.code).toBe(2);
  expect(badUrl.stderr).toContain('--url: expected an http:// URL');
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

test('logs escape terminal control sequences; SGR colours pass only when colour is on', async () => {
  const text = '\x1b]0;owned\x07\x1b[2J\x1b[31mred\x1b[0m';
  const piped = await follow();
  server.raw(frame(text));
  await piped.until(/red/);
  expect(piped.stdout).toBe('db three\n\\x1b]0;owned\\x07\\x1b[2J\\x1b[31mred\\x1b[0m\n');
  const colored = new CliRun(['logs', 'db', '-f', '-n', '1'], { cwd: sandbox.directory, marker: sandbox.marker, env: { FORCE_COLOR: '1' } });
  await colored.until(/^db three\n/);
  server.raw(frame(text));
  await colored.until(/red/);
  expect(colored.stdout).toBe('db three\n\\x1b]0;owned\\x07\\x1b[2J\x1b[31mred\x1b[0m\n');
});
