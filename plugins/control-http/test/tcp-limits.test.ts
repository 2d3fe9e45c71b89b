import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { Agent, request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ManifestInput } from '@pilot/core';
import controlHttp from '@pilot/plugin-control-http';
import { Sandbox, eventually } from '../../../core/test/support/index.js';
import { call, fixture, rawExchange, readJson } from './support.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

/** A started pilot with the control server on loopback TCP; its URL and generated token. */
async function tcpPilot(options: Record<string, unknown> = {}) {
  const control: ManifestInput['control_server'] = { name: 'http', options: { tcp: { port: 0 }, ...options } };
  const manifest = await sandbox.manifest({ control_server: control, processes: [{ name: 'web', path: fixture('chatty.sh') }] });
  const pilot = sandbox.pilot(manifest, { plugins: [controlHttp()] });
  const dispatched: string[] = [];
  const reported: string[] = [];
  pilot.hooks.stopping.tap('test', (info) => dispatched.push(`stopping ${info.name}`));
  pilot.hooks.pluginError.tap('test', (error) => reported.push(error.message));
  await pilot.start();
  const state = join(sandbox.directory, '.pilot');
  const url = new URL(readJson(join(state, 'control.json')).url as string);
  const token = readFileSync(join(state, 'token'), 'utf8').trim();
  return { pilot, url, token, dispatched, reported };
}

/** A TCP connection that sends nothing; `ended` resolves with what the server sent before closing it. */
function connection(url: URL): Promise<{ socket: Socket; ended: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let data = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (data += chunk));
    const ended = new Promise<string>((done) => socket.on('close', () => done(data)));
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve({ socket, ended }));
    socket.once('error', reject);
  });
}

/** GET over `agent` (keep-alive); the status and whether the connection was reused. */
function get(url: URL, agent: Agent, token: string): Promise<{ status: number; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: '/v1/processes', agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('past max_connections a connection is closed unread; a kept-alive authenticated client is still served', async () => {
  const { url, token, reported } = await tcpPilot({ max_connections: 101 });
  const idle = await Promise.all(Array.from({ length: 100 }, () => connection(url)));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    expect(await get(url, agent, token)).toEqual({ status: 200, reused: false });
    // Connection 102: the server closes it at once, sending nothing (not even a 503 to parse).
    const refused = await connection(url);
    expect(await refused.ended).toBe('');
    expect(await get(url, agent, token)).toEqual({ status: 200, reused: true });
    expect(reported).toEqual([expect.stringMatching(/refused 1 connection: max_connections \(101\) are open; raise control_server\.options\.max_connections/)]);
    // The limit counts open connections: once the server has seen the idle ones go, new ones are served again.
    for (const { socket } of idle) socket.destroy();
    agent.destroy();
    const served = () => call({ url: url.href }, '/v1/processes', { headers: { authorization: `Bearer ${token}` } }).then((reply) => reply.status === 200, () => false);
    await eventually(served, 'a new connection to be served');
  } finally {
    agent.destroy();
    for (const { socket } of idle) socket.destroy();
  }
});

/** A request with `Expect: 100-continue`: whether the server invited the body, and its status. */
function expectContinue(url: URL, headers: OutgoingHttpHeaders): Promise<{ continued: boolean; status: number }> {
  return new Promise((resolve, reject) => {
    let continued = false;
    const req = httpRequest(
      { host: url.hostname, port: url.port, method: 'POST', path: '/v1/processes/web/stop', agent: false, headers: { ...headers, expect: '100-continue', 'content-length': 5 } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ continued, status: res.statusCode ?? 0 }));
      },
    );
    req.on('continue', () => {
      continued = true;
      req.end('hello');
    });
    req.on('error', reject);
    req.flushHeaders();
  });
}

test('Expect: 100-continue: only a client whose token is right is asked for its body', async () => {
  const { url, token, dispatched } = await tcpPilot();
  expect(await expectContinue(url, {})).toEqual({ continued: false, status: 401 });
  expect(await expectContinue(url, { authorization: 'Bearer wrong-token-of-some-length' })).toEqual({ continued: false, status: 401 });
  expect(dispatched).toEqual([]);
  expect(await expectContinue(url, { authorization: `Bearer ${token}` })).toEqual({ continued: true, status: 200 });
  expect(dispatched).toEqual(['stopping web']);
});

test('an unauthenticated request with a 64 MiB body gets 401 and a closed connection before it is sent', async () => {
  const { url, dispatched } = await tcpPilot();
  const socket = connect(Number(url.port), url.hostname);
  const body = Buffer.alloc(64 * 1024, 'x');
  let sent = 0;
  let reply = '';
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => undefined);
  socket.setEncoding('utf8').on('data', (chunk: string) => (reply += chunk));
  socket.once('connect', () => {
    socket.write('POST /v1/processes/web/stop HTTP/1.1\r\nHost: localhost\r\nContent-Length: 67108864\r\n\r\n');
    const pump = () => {
      while (sent < 1024 && !socket.destroyed) {
        sent += 1;
        if (!socket.write(body)) return void socket.once('drain', pump);
      }
    };
    pump();
  });
  await closed;
  expect(reply).toMatch(/^HTTP\/1\.1 401 /);
  expect(reply).toMatch(/connection: close/i);
  // The server did not wait for the body: most of it was never taken off the client.
  expect(sent).toBeLessThan(1024);
  expect(dispatched).toEqual([]);
});

test('over TCP a client that sends nothing, or never finishes its headers, is timed out with 408', async () => {
  const { url } = await tcpPilot({ request_timeout_ms: 300 });
  const silent = await connection(url);
  const [partial, nothing] = await Promise.all([rawExchange({ url: url.href }, 'GET /v1/processes HTTP/1.1\r\nHost: local'), silent.ended]);
  for (const reply of [partial, nothing]) expect(reply).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
});
