import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import type { ManifestInput } from '@pilot/core';
import controlHttp from '@pilot/plugin-control-http';
import { Sandbox } from '../../../core/test/support/index.js';
import { call, fixture, modeOf, openConnection, rawExchange, readJson, type Target } from './support.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

/** A started pilot with one process `web` and the control server configured by `control`. */
async function startPilot(control: ManifestInput['control_server']) {
  const manifest = await sandbox.manifest({ control_server: control, processes: [{ name: 'web', path: fixture('chatty.sh') }] });
  const pilot = sandbox.pilot(manifest, { plugins: [controlHttp()] });
  const dispatched: string[] = [];
  for (const hook of ['stopping', 'spawn'] as const) pilot.hooks[hook].tap('test', (info) => dispatched.push(`${hook} ${info.name}`));
  await pilot.start();
  dispatched.length = 0;
  return { pilot, dispatched, socket: { socketPath: join(sandbox.directory, '.pilot', 'control.sock') } };
}

test('loopback TCP requires the generated bearer token; missing, wrong and wrong-length tokens get 401', async () => {
  const { pilot, dispatched } = await startPilot({ name: 'http', options: { tcp: { host: '127.0.0.1', port: 0 } } });
  const state = join(sandbox.directory, '.pilot');
  const control = readJson(join(state, 'control.json'));
  expect(control).toEqual({ socket: null, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), pid: process.pid });
  expect(existsSync(join(state, 'control.sock'))).toBe(false);
  expect(modeOf(join(state, 'token'))).toBe(0o600);
  const token = readFileSync(join(state, 'token'), 'utf8').trim();
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  const target: Target = { url: control.url };
  const pid = pilot.getRunningProcess('web')!.pid;

  const wrongSameLength = token.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
  for (const authorization of [undefined, `Bearer ${wrongSameLength}`, 'Bearer short', `Bearer ${token}x`, `Basic ${token}`, 'Bearer', `${token}`]) {
    for (const [method, path] of [['GET', '/v1/processes'], ['POST', '/v1/processes/web/stop'], ['GET', '/metrics'], ['GET', '/v1/events'], ['GET', '/nope']]) {
      const reply = await call(target, path!, { method, headers: authorization === undefined ? {} : { authorization } });
      expect({ authorization, path, status: reply.status }).toEqual({ authorization, path, status: 401 });
      expect(reply.headers['www-authenticate']).toBe('Bearer realm="pilot"');
      expect(reply.json.error).toMatch(authorization === undefined ? /missing Authorization header/ : /wrong bearer token/);
    }
  }
  expect(dispatched).toEqual([]);
  expect(pilot.getRunningProcess('web')!.pid).toBe(pid);

  const ok = await call(target, '/v1/processes/web', { headers: { authorization: `Bearer ${token}` } });
  expect(ok.status).toBe(200);
  expect(ok.json.pid).toBe(pid);

  await pilot.stop();
  expect(existsSync(join(state, 'token'))).toBe(false);
  expect(existsSync(join(state, 'control.json'))).toBe(false);
});

test('a configured token is required on the unix socket too and never written to disk', async () => {
  const token = 'a-configured-token-of-some-length';
  const { socket } = await startPilot({ name: 'http', options: { token } });
  expect(existsSync(join(sandbox.directory, '.pilot', 'token'))).toBe(false);
  expect((await call(socket, '/v1/processes')).status).toBe(401);
  expect((await call(socket, '/v1/processes', { headers: { authorization: 'Bearer a-configured-token-of-some-lengtH' } })).status).toBe(401);
  expect((await call(socket, '/v1/processes', { headers: { authorization: `bearer ${token}` } })).status).toBe(200);
});

test('foreign Host or Origin headers get 403 and dispatch nothing', async () => {
  const { pilot, dispatched, socket } = await startPilot('http');
  const pid = pilot.getRunningProcess('web')!.pid;
  const refused: Record<string, string>[] = [
    { host: 'evil.example' },
    { host: 'evil.example:80' },
    { host: 'localhost.evil.example' },
    { host: '127.0.0.1.nip.io' },
    { host: '[::2]' },
    { host: 'localhost', origin: 'http://evil.example' },
    { host: 'localhost', origin: 'http://localhost.evil.example:8080' },
    { host: 'localhost', origin: 'null' },
    { host: 'localhost', origin: 'file://localhost' },
  ];
  for (const headers of refused) {
    for (const [method, path] of [['POST', '/v1/processes/web/restart'], ['GET', '/v1/processes']]) {
      const reply = await call(socket, path!, { method, headers });
      expect({ headers, path, status: reply.status }).toEqual({ headers, path, status: 403 });
      expect(reply.json.error).toMatch(/^foreign (Host|Origin)/);
    }
  }
  expect(dispatched).toEqual([]);
  expect(pilot.getRunningProcess('web')).toMatchObject({ pid, restarts: 0 });

  const accepted: Record<string, string>[] = [
    { host: 'localhost' },
    { host: 'LOCALHOST:1234' },
    { host: '127.0.0.1' },
    { host: '[::1]:8080' },
    { host: 'localhost', origin: 'http://localhost:3000' },
    { host: 'localhost', origin: 'https://127.0.0.1' },
    { host: 'localhost', origin: 'http://[::1]:9' },
  ];
  for (const headers of accepted) expect({ headers, status: (await call(socket, '/v1/processes', { headers })).status }).toEqual({ headers, status: 200 });
  // Over the unix socket a request may carry no Host at all (HTTP/1.0 clients, curl -H 'Host:').
  const noHost = await rawExchange(socket, 'GET /v1/processes HTTP/1.1\r\nConnection: close\r\n\r\n');
  expect(noHost).toMatch(/^HTTP\/1\.1 200 /);
});

test('over TCP a request without Host gets 403', async () => {
  await startPilot({ name: 'http', options: { tcp: { host: '127.0.0.1', port: 0 }, token: 'sixteen-chars-ok' } });
  const { url } = readJson(join(sandbox.directory, '.pilot', 'control.json'));
  const reply = await rawExchange({ url }, 'GET /v1/processes HTTP/1.1\r\nAuthorization: Bearer sixteen-chars-ok\r\nConnection: close\r\n\r\n');
  expect(reply).toMatch(/^HTTP\/1\.1 403 /);
  expect(reply).toContain('missing Host header');
});

test('bodies over max_body_bytes get 413, declared or streamed, and dispatch nothing', async () => {
  const { pilot, dispatched, socket } = await startPilot({ name: 'http', options: { max_body_bytes: 1024 } });
  const declared = await rawExchange(socket, 'POST /v1/processes/web/restart HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5000\r\n\r\n');
  expect(declared).toMatch(/^HTTP\/1\.1 413 /);
  expect(declared).toMatch(/[Cc]onnection: close/);
  expect(declared).toContain('larger than max_body_bytes (1024 bytes)');

  const chunk = 'x'.repeat(2000);
  const streamed = await rawExchange(socket, `POST /v1/processes/web/restart HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n`);
  expect(streamed).toMatch(/^HTTP\/1\.1 413 /);

  const small = await call(socket, '/v1/processes/web/restart', { method: 'POST', body: 'x'.repeat(1024) });
  expect(small.status).toBe(200);
  expect(dispatched).toEqual(['stopping web', 'spawn web']);
  expect(pilot.getRunningProcess('web')!.restarts).toBe(1);
});

test('requests not complete within request_timeout_ms get 408 and dispatch nothing', async () => {
  const { dispatched, socket } = await startPilot({ name: 'http', options: { request_timeout_ms: 300 } });
  const [partialHeaders, slowBody] = await Promise.all([
    rawExchange(socket, 'GET /v1/processes HTTP/1.1\r\nHost: localhost\r\n'),
    rawExchange(socket, 'POST /v1/processes/web/restart HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\nabc'),
  ]);
  for (const reply of [partialHeaders, slowBody]) {
    expect(reply).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(reply).toContain('{"error":"request not received within request_timeout_ms (300 ms)"}');
  }
  expect(dispatched).toEqual([]);
});

test('100 idle connections do not keep others from being served, and are timed out', async () => {
  const { pilot, socket } = await startPilot({ name: 'http', options: { request_timeout_ms: 2000 } });
  const idle: Socket[] = await Promise.all(Array.from({ length: 100 }, () => openConnection(socket.socketPath)));
  const closed = idle.map((connection) => new Promise<string>((resolve) => {
    let data = '';
    connection.setEncoding('utf8');
    connection.on('data', (chunk: string) => (data += chunk));
    connection.on('close', () => resolve(data));
  }));
  try {
    const replies = await Promise.all(Array.from({ length: 20 }, () => call(socket, '/v1/processes')));
    expect(replies.map((reply) => reply.status)).toEqual(Array(20).fill(200));
    const restarted = await call(socket, '/v1/processes/web/restart', { method: 'POST' });
    expect(restarted.status).toBe(200);
    expect(pilot.getRunningProcess('web')!.restarts).toBe(1);
    // The server, not the client, ends every idle connection once the request timeout passes.
    const endings = await Promise.all(closed);
    for (const ending of endings) expect(ending).toMatch(/^HTTP\/1\.1 408 /);
  } finally {
    for (const connection of idle) connection.destroy();
  }
});
