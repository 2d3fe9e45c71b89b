import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { manifestJsonSchema } from '@pilot/core';
import { Sandbox, eventually } from '../../../core/test/support/index.js';
import readyHttp, { httpStrategy } from '../src/index.js';
import { fixture, freePort, selfSignedCertificate } from './support.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

/** A pilot over `web` (server.mjs configured by `env`), ready by `http` with `params`, and `after` depending on it. */
async function httpPilot(env: Record<string, string>, params: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const manifest = await sandbox.manifest({
    processes: [
      { name: 'web', path: fixture('server.mjs'), env, ready_strategy: 'http', ready_params: params, ready_timeout_sec: 60, ...extra },
      { name: 'after', path: '/bin/sleep', args: ['1000'], dependencies: ['web'] },
    ],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyHttp()] });
  const spawned: string[] = [];
  pilot.hooks.spawn.tap('test', (info) => spawned.push(info.name));
  return { pilot, spawned };
}

/** A trigger file the server waits for; `fire()` creates it. */
function trigger(name = 'go') {
  const path = join(sandbox.directory, name);
  return { path, fire: () => writeFileSync(path, '') };
}

const requests = (pilot: { logs(name: string): { text: string }[] }) => pilot.logs('web').filter((line) => line.text.startsWith('request '));

/** Start without awaiting, so a test can look at the process while it waits. */
function startInBackground(pilot: { start(): Promise<void> }) {
  const starting = pilot.start();
  starting.catch(() => undefined);
  return starting;
}

test('the plugin registers the strategy "http" under its package name', () => {
  expect(readyHttp().name).toBe('@pilot/plugin-ready-http');
  expect(httpStrategy.name).toBe('http');
});

test('ready once GET port+path answers 200; dependents start after it', async () => {
  const port = await freePort();
  const { pilot, spawned } = await httpPilot({ PORT: String(port) }, { port, path: '/health' });
  await pilot.start();
  expect(spawned).toEqual(['web', 'after']);
  // The server's log line may trail its answer through the pipe.
  await eventually(() => requests(pilot).some((line) => line.text === 'request GET /health -'), 'the server logged GET /health');
});

test('a server that is not listening yet is retried until it is', async () => {
  const port = await freePort();
  const go = trigger();
  const { pilot } = await httpPilot({ PORT: String(port), LISTEN_WHEN: go.path }, { port });
  const starting = startInBackground(pilot);
  await eventually(() => pilot.getRunningProcess('web')!.pid !== undefined, 'web spawned');
  expect(pilot.getRunningProcess('web')!.status).toBe('starting');
  go.fire();
  await starting;
  expect(pilot.getRunningProcess('web')!.status).toBe('running');
});

test('url: the full URL is requested, with the extra headers', async () => {
  const port = await freePort();
  const { pilot } = await httpPilot({ PORT: String(port) }, { url: `http://127.0.0.1:${port}/ready?deep=1`, headers: { 'X-Probe': 'pilot' } });
  await pilot.start();
  await eventually(() => requests(pilot).some((line) => line.text === 'request GET /ready?deep=1 pilot'), 'the server logged the URL and header');
});

test('default status range 200-399: a 503 is not ready, the 200 that follows is', async () => {
  const port = await freePort();
  const go = trigger();
  const { pilot } = await httpPilot({ PORT: String(port), STATUS: '503', LATER_WHEN: go.path, LATER_STATUS: '200' }, { port });
  const starting = startInBackground(pilot);
  await eventually(() => requests(pilot).length >= 2, 'two requests answered 503');
  expect(pilot.getRunningProcess('web')!.status).toBe('starting');
  go.fire();
  await starting;
  expect(pilot.getRunningProcess('web')!.status).toBe('running');
});

test('status: [200, 299] refuses a 301 that the default range would accept', async () => {
  const port = await freePort();
  const go = trigger();
  const { pilot } = await httpPilot({ PORT: String(port), STATUS: '301', LATER_WHEN: go.path, LATER_STATUS: '204' }, { port, status: [200, 299] });
  const starting = startInBackground(pilot);
  await eventually(() => requests(pilot).length >= 2, 'two requests answered 301');
  expect(pilot.getRunningProcess('web')!.status).toBe('starting');
  go.fire();
  await starting;
});

test('status as a list of codes and ranges: 418 listed is accepted', async () => {
  const port = await freePort();
  const { pilot } = await httpPilot({ PORT: String(port), STATUS: '418' }, { port, status: [[200, 204], 418] });
  await pilot.start();
  expect(pilot.getRunningProcess('web')!.status).toBe('running');
});

test('body_contains: a 200 without the text is not ready; the body with it is', async () => {
  const port = await freePort();
  const go = trigger();
  const { pilot } = await httpPilot(
    { PORT: String(port), BODY: '{"status":"starting"}', LATER_WHEN: go.path, LATER_STATUS: '200', LATER_BODY: '{"status":"ok"}' },
    { port, body_contains: '"status":"ok"' },
  );
  const starting = startInBackground(pilot);
  await eventually(() => requests(pilot).length >= 2, 'two requests answered without the text');
  expect(pilot.getRunningProcess('web')!.status).toBe('starting');
  go.fire();
  await starting;
});

test('host localhost finds a server that listens on ::1 only, and one on 127.0.0.1 only', async () => {
  const port6 = await freePort('::1');
  const port4 = await freePort('127.0.0.1');
  const manifest = await sandbox.manifest({
    processes: [
      { name: 'v6', path: fixture('server.mjs'), env: { PORT: String(port6), HOST: '::1' }, ready_strategy: 'http', ready_params: { port: port6 }, ready_timeout_sec: 60 },
      { name: 'v4', path: fixture('server.mjs'), env: { PORT: String(port4), HOST: '127.0.0.1' }, ready_strategy: 'http', ready_params: { port: port4, host: 'localhost' }, ready_timeout_sec: 60 },
    ],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [readyHttp()] });
  await pilot.start();
  expect(pilot.getRunningProcess().map((info) => info.status)).toEqual(['running', 'running']);
});

test('https: a self-signed server is ready with insecure: true', async () => {
  const port = await freePort();
  const { key, cert } = selfSignedCertificate(sandbox.directory);
  const { pilot } = await httpPilot({ PORT: String(port), TLS_KEY: key, TLS_CERT: cert }, { url: `https://localhost:${port}/`, insecure: true });
  await pilot.start();
  await eventually(() => requests(pilot).length > 0, 'the server logged a request');
});

test('https: a certificate that does not verify is never ready', async () => {
  const port = await freePort();
  const { key, cert } = selfSignedCertificate(sandbox.directory);
  const { pilot } = await httpPilot({ PORT: String(port), TLS_KEY: key, TLS_CERT: cert }, { url: `https://localhost:${port}/` }, { ready_timeout_sec: 0.5 });
  const error = await pilot.start().then(() => undefined, (e: unknown) => e);
  expect(error).toMatchObject({ code: 'PILOT_READINESS_TIMEOUT', process: 'web' });
  expect(requests(pilot)).toEqual([]);
});

test('a port already answering before the spawn is not evidence: a stranger never makes the process ready', async () => {
  let strangerConnections = 0;
  const stranger = createServer((_request, response) => response.end('ok'));
  stranger.on('connection', () => (strangerConnections += 1));
  await new Promise<void>((resolve) => stranger.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = stranger.address() as { port: number };
    // Our server never listens: only the stranger answers, and must not count.
    const { pilot, spawned } = await httpPilot({ PORT: String(port), LISTEN_WHEN: join(sandbox.directory, 'never') }, { port }, { ready_timeout_sec: 0.5 });
    const error = await pilot.start().then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'PILOT_READINESS_TIMEOUT', process: 'web' });
    // The stranger was probed (so the check ran), and never counted.
    expect(strangerConnections).toBeGreaterThan(0);
    expect(spawned).toEqual(['web']);
  } finally {
    stranger.closeAllConnections();
    await new Promise((resolve) => stranger.close(resolve));
  }
});

test('never an accepted status: timeout naming process and strategy, tree killed, dependents never started', async () => {
  const port = await freePort();
  const { pilot, spawned } = await httpPilot({ PORT: String(port), STATUS: '503' }, { port }, { ready_timeout_sec: 0.3 });
  const error = await pilot.start().then(() => undefined, (e: unknown) => e);
  expect(error).toMatchObject({ code: 'PILOT_READINESS_TIMEOUT', process: 'web' });
  expect((error as Error).message).toMatch(/process "web" was not ready within ready_timeout_sec \(0\.3 s\) using ready_strategy "http"/);
  expect(spawned).toEqual(['web']);
  expect(sandbox.leftovers()).toEqual([]);
});

test('a server that exits before it answers fails the start at once with its exit code', async () => {
  const port = await freePort();
  // An invalid port makes server.mjs throw at listen: exit code 1.
  const { pilot, spawned } = await httpPilot({ PORT: 'not-a-port' }, { port });
  const error = await pilot.start().then(() => undefined, (e: unknown) => e);
  expect(error).toMatchObject({ code: 'PILOT_EXITED_BEFORE_READY', process: 'web' });
  expect((error as Error).message).toContain('process "web" exited with code 1 before it was ready (ready_strategy "http")');
  expect(spawned).toEqual(['web']);
});

test('stop() during a request in flight cancels the wait; nothing is left', async () => {
  const port = await freePort();
  const { pilot, spawned } = await httpPilot({ PORT: String(port), HANG: '1' }, { port, timeout_ms: 60_000 });
  const starting = startInBackground(pilot);
  await eventually(() => requests(pilot).length === 1, 'a request in flight');
  await pilot.stop();
  await expect(starting).rejects.toMatchObject({ code: 'PILOT_STOPPED' });
  expect(spawned).toEqual(['web']);
  expect(sandbox.leftovers()).toEqual([]);
});

test('bad options are reported at start naming processes[i].ready_params.<key>', async () => {
  const { pilot, spawned } = await httpPilot({}, { port: 'abc', status: [300, 200], body_contains: '' });
  const error = await pilot.start().then(() => undefined, (e: unknown) => e);
  expect(error).toMatchObject({ code: 'PILOT_MANIFEST_INVALID' });
  expect((error as { problems: string[] }).problems).toEqual([
    'processes[0].ready_params.port: expected an integer port 1-65535, got "abc" (readiness strategy "http")',
    expect.stringMatching(/^processes\[0\]\.ready_params\.status: expected an HTTP status code 100-599, a \[min, max\] range with min <= max .*, got \[300,200\]/),
    'processes[0].ready_params.body_contains: expected non-empty text, got "" (readiness strategy "http")',
  ]);
  expect(spawned).toEqual([]);
});

test('url or port is required, not both; url must be http(s)', async () => {
  const none = await httpPilot({}, {});
  const noneError = await none.pilot.initialize().then(() => undefined, (e: unknown) => e);
  expect((noneError as { problems: string[] }).problems).toEqual([expect.stringMatching(/^processes\[0\]\.ready_params\.url: expected either url or port/)]);
  const both = await httpPilot({}, { url: 'ftp://localhost/', port: 80 });
  const bothError = await both.pilot.initialize().then(() => undefined, (e: unknown) => e);
  expect((bothError as { problems: string[] }).problems).toEqual([
    expect.stringMatching(/^processes\[0\]\.ready_params\.url: expected an http:\/\/ or https:\/\/ URL, not ftp:\/\//),
    expect.stringMatching(/^processes\[0\]\.ready_params\.port: expected either url or port\/host\/path, not both, got 80/),
  ]);
});

test('a manifest naming "http" finds this package through its package.json, with no plugins option', async () => {
  const port = await freePort();
  const manifest = await sandbox.manifest({ processes: [{ name: 'web', path: fixture('server.mjs'), env: { PORT: String(port) }, ready_strategy: 'http', ready_params: { port } }] });
  const pilot = sandbox.pilot(manifest);
  await pilot.start();
  expect(pilot.readiness.ownerOf('http')).toBe('@pilot/plugin-ready-http');
});

test('the manifest JSON Schema describes ready_params of http, status forms included', async () => {
  const { pilot } = await httpPilot({}, { port: 80 });
  const rule = (manifestJsonSchema(pilot).properties.processes.items.allOf as { if: any; then: any }[]).find((entry) => entry.if.properties.ready_strategy.const === 'http')!;
  const params = rule.then.properties.ready_params;
  expect(params.additionalProperties).toBe(false);
  expect(params.properties.port).toMatchObject({ type: 'integer', minimum: 1, maximum: 65535 });
  expect(params.properties.status.anyOf).toHaveLength(3);
});

test('an unknown key is named with a suggestion', async () => {
  const { pilot } = await httpPilot({}, { port: 80, body_contain: 'ok' });
  const error = await pilot.initialize().then(() => undefined, (e: unknown) => e);
  expect((error as { problems: string[] }).problems).toEqual([expect.stringMatching(/^processes\[0\]\.ready_params: unknown key "body_contain" \(did you mean "body_contains"\?\)/)]);
});
