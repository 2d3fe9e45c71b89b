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
