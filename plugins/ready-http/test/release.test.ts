import { afterEach, expect, test } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ReadinessContext } from '@pilot/core';
import { eventually } from '../../../core/test/support/index.js';
import { HostAddresses } from '@pilot/plugin-ready-tcp';
import { hostOf } from '../src/connection.js';
import { waitForAnswer } from '../src/http-strategy.js';
import { httpOptionsSchema, targetUrl, type HttpOptions } from '../src/index.js';

// The strategy driven directly against an in-process server, to watch its sockets.

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<{ port: number; requests: () => number; open: () => Promise<number> }> {
  let count = 0;
  server = createServer((request, response) => {
    count += 1;
    handler(request, response);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const open = () => new Promise<number>((resolve, reject) => server!.getConnections((error, n) => (error ? reject(error) : resolve(n))));
  return { port, requests: () => count, open };
}

function handContext(params: Record<string, unknown>, alive = true) {
  const controller = new AbortController();
  const context: ReadinessContext<HttpOptions> = {
    process: 'web',
    options: httpOptionsSchema.parse(params),
    baseDirectory: '/',
    signal: controller.signal,
    pid: undefined,
    host: 'localhost',
    spawnedAt: Date.now(),
    isAlive: () => alive,
    report: () => undefined,
    lines: () => [],
    onLine: () => () => undefined,
    exited: new Promise(() => undefined),
    exec: () => Promise.reject(new Error('no probes in these tests')),
  };
  return { context, controller };
}

/** The wait that `ready()` runs, with nothing held before the spawn: the server here stands for the process. */
function waitOn(context: ReadinessContext<HttpOptions>): Promise<void> {
  const url = targetUrl(context.options, context.host);
  return waitForAnswer(context, url, new HostAddresses(hostOf(url)), new Set());
}

test('abort destroys the request in flight: the wait rejects with the reason and the socket closes', async () => {
  const { port, requests, open } = await serve(() => undefined);
  const { context, controller } = handContext({ port, timeout_ms: 60_000 });
  const waiting = waitOn(context);
  await eventually(() => requests() === 1, 'a request in flight');
  const reason = new Error('stopped');
  controller.abort(reason);
  await expect(waiting).rejects.toBe(reason);
  await eventually(async () => (await open()) === 0, 'no connection left');
});

test('a request that outlives timeout_ms is dropped and the next attempt can succeed', async () => {
  let first = true;
  const { port, requests, open } = await serve((_request, response) => {
    if (first) first = false;
    else response.end('ok');
  });
  const { context } = handContext({ port, timeout_ms: 100 });
  await waitOn(context);
  expect(requests()).toBe(2);
  // No keep-alive: once ready, the pilot holds no socket to the server.
  await eventually(async () => (await open()) === 0, 'no connection left');
});

test('an accepted answer does not count while the process is not alive', async () => {
  const { port, open } = await serve((_request, response) => response.end('ok'));
  let connections = 0;
  server!.on('connection', () => (connections += 1));
  const { context, controller } = handContext({ port }, false);
  const waiting = waitOn(context);
  // The port accepts again and again, but with the process dead that is never enough.
  await eventually(() => connections >= 3, 'several accepted connections');
  controller.abort(new Error('stopped'));
  await expect(waiting).rejects.toThrow('stopped');
  await eventually(async () => (await open()) === 0, 'no connection left');
});

test('a server that stops listening sends the wait back to the port poller; the next one on the port counts', async () => {
  const first = await serve((_request, response) => {
    response.statusCode = 503;
    response.end('starting');
  });
  const reports: string[] = [];
  const { context } = handContext({ port: first.port });
  const waiting = waitOn({ ...context, report: (detail) => reports.push(detail) });
  await eventually(() => first.requests() >= 1, 'a 503 answered');
  server!.closeAllConnections();
  await new Promise((resolve) => server!.close(resolve));
  await eventually(() => reports.at(-1) === 'nothing accepted connections on port ' + first.port + ' yet', 'back to polling the port');
  let answered = 0;
  server = createServer((_request, response) => {
    answered += 1;
    response.end('ok');
  });
  await new Promise<void>((resolve) => server!.listen(first.port, '127.0.0.1', resolve));
  await waiting;
  expect(answered).toBe(1);
  expect(reports).toContain('status 503, expected 200-399');
});

test('the first GET rides on the connection the port poller opened: a fresh server sets up one connection', async () => {
  const { port, requests } = await serve((_request, response) => response.end('ok'));
  let connections = 0;
  server!.on('connection', () => (connections += 1));
  const { context } = handContext({ port });
  await waitOn(context);
  expect(requests()).toBe(1);
  expect(connections).toBe(1);
});

test('a wait aborted right after the port accepted releases the connection the poller handed over', async () => {
  const { port, requests, open } = await serve((_request, response) => response.end('ok'));
  let connections = 0;
  server!.on('connection', () => (connections += 1));
  const { context, controller } = handContext({ port });
  const reason = new Error('stopped at once');
  // The poller asks whether the process is alive when the port accepted; the abort lands in the
  // microtask after that, between the poller handing its connection over and the first request.
  const waiting = waitOn({
    ...context,
    isAlive: () => {
      queueMicrotask(() => controller.abort(reason));
      return true;
    },
  });
  await expect(waiting).rejects.toBe(reason);
  await eventually(async () => connections === 1 && (await open()) === 0, 'the handed-over connection closed');
  expect(requests()).toBe(0);
});

test('a 200 does not count when the process died between the port accepting and the answer', async () => {
  const { port, requests } = await serve((_request, response) => response.end('ok'));
  const { context, controller } = handContext({ port });
  let checks = 0;
  // Alive when the poller finds the port open, dead from then on.
  const waiting = waitOn({ ...context, isAlive: () => checks++ === 0 });
  await eventually(() => requests() >= 2, 'answered GETs that do not count');
  const reason = new Error('stopped');
  controller.abort(reason);
  await expect(waiting).rejects.toBe(reason);
});

test('interval_ms must be at least 1: it also paces the port poller', () => {
  const result = httpOptionsSchema.safeParse({ port: 8080, interval_ms: 0 });
  expect(result.success).toBe(false);
  expect(result.error?.issues[0]?.message).toBe('expected the pause between attempts in milliseconds (an integer >= 1)');
});
