import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import controlHttp from '@pilot/plugin-control-http';
import { Sandbox, eventually, isAlive } from '../../../core/test/support/index.js';
import { call, fixture, openEvents, readJson, type Target } from './support.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

/** A started pilot with two chatty processes and the control server on its default socket. */
async function startPilot() {
  const manifest = await sandbox.manifest({
    control_server: 'http',
    stats_interval: 0.2,
    processes: [
      { name: 'web', path: fixture('chatty.sh') },
      { name: 'worker', path: fixture('chatty.sh') },
    ],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [controlHttp()] });
  await pilot.start();
  const target: Target = { socketPath: join(sandbox.directory, '.pilot', 'control.sock') };
  return { pilot, target };
}

test('lists processes, shows one, returns its logs and serves Prometheus metrics', async () => {
  const { pilot, target } = await startPilot();
  expect(readJson(join(sandbox.directory, '.pilot', 'control.json'))).toEqual({ socket: target.socketPath, url: null, pid: process.pid });

  const list = await call(target, '/v1/processes');
  expect(list.status).toBe(200);
  expect(list.headers['content-type']).toMatch(/^application\/json/);
  expect(list.json.processes.map((view: { name: string }) => view.name)).toEqual(['web', 'worker']);
  const web = pilot.getRunningProcess('web')!;
  expect(list.json.processes[0]).toMatchObject({ name: 'web', pid: web.pid, status: 'running', restarts: 0, returnCode: null, signal: null });
  expect(list.json.processes[0].uptimeMs).toBeGreaterThanOrEqual(0);

  // cpu and memory come from the stats samples: null until the first one.
  await eventually(async () => (await call(target, '/v1/processes/web')).json.memory !== null, 'a stats sample of web');
  const one = await call(target, '/v1/processes/web');
  expect(one.status).toBe(200);
  expect(one.json).toMatchObject({ name: 'web', pid: web.pid, status: 'running' });
  expect(one.json.memory).toBeGreaterThan(0);
  expect(typeof one.json.cpu).toBe('number');

  await eventually(() => pilot.logs('web').length >= 2, 'both lines of web');
  const logs = await call(target, '/v1/processes/web/logs');
  expect(logs.status).toBe(200);
  expect(logs.json.lines).toEqual(
    expect.arrayContaining([
      { stream: 'stdout', text: `hello from ${web.pid}`, time: expect.any(Number) },
      { stream: 'stderr', text: `warning from ${web.pid}`, time: expect.any(Number) },
    ]),
  );
  expect((await call(target, '/v1/processes/web/logs?lines=1')).json.lines).toHaveLength(1);
  expect((await call(target, '/v1/processes/web/logs?lines=0')).json.lines).toEqual([]);
  for (const bad of ['abc', '-1', '10001', '1.5']) {
    const reply = await call(target, `/v1/processes/web/logs?lines=${bad}`);
    expect(reply.status).toBe(400);
    expect(reply.json.error).toMatch(/lines: expected an integer 0-10000/);
  }

  await eventually(async () => (await call(target, '/metrics')).text.includes('pilot_process_memory_bytes{process="worker",replica="0"}'), 'memory metric of worker');
  const metrics = await call(target, '/metrics');
  expect(metrics.status).toBe(200);
  expect(metrics.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  expect(metrics.text).toContain('# TYPE pilot_process_up gauge\n');
  expect(metrics.text).toContain('pilot_process_up{process="web",replica="0"} 1\n');
  expect(metrics.text).toContain('# TYPE pilot_process_restarts_total counter\n');
  expect(metrics.text).toContain('pilot_process_restarts_total{process="worker",replica="0"} 0\n');
  expect(metrics.text).toMatch(/^pilot_process_cpu_percent\{process="web",replica="0"\} [0-9.e+-]+$/m);
  expect(metrics.text).toMatch(/^pilot_process_memory_bytes\{process="web",replica="0"\} [1-9][0-9]*$/m);
  expect(metrics.text).toMatch(/^pilot_process_uptime_seconds\{process="web",replica="0"\} [0-9.e+-]+$/m);
  // Every sample line is `name{labels} value`, every other line a HELP or TYPE comment.
  for (const line of metrics.text.trimEnd().split('\n')) expect(line).toMatch(/^(# (HELP|TYPE) pilot_\w+ .+|pilot_\w+\{process="[\w.-]+",replica="\d+"\} \S+)$/);
});

test('start, stop and restart act on the process and answer with its new state', async () => {
  const { pilot, target } = await startPilot();
  const first = pilot.getRunningProcess('web')!.pid!;

  const stopped = await call(target, '/v1/processes/web/stop', { method: 'POST' });
  expect(stopped.status).toBe(200);
  expect(stopped.json).toMatchObject({ name: 'web', status: 'stopped', pid: null, uptimeMs: null, cpu: null, memory: null });
  expect(isAlive(first)).toBe(false);
  expect((await call(target, '/v1/processes/web/stop', { method: 'POST' })).status).toBe(200);

  const started = await call(target, '/v1/processes/web/start', { method: 'POST' });
  expect(started.status).toBe(200);
  expect(started.json).toMatchObject({ name: 'web', status: 'running' });
  expect(isAlive(started.json.pid)).toBe(true);

  const again = await call(target, '/v1/processes/web/start', { method: 'POST' });
  expect(again.status).toBe(409);
  expect(again.json.error).toMatch(/already running/);

  const restarted = await call(target, '/v1/processes/web/restart', { method: 'POST' });
  expect(restarted.status).toBe(200);
  expect(restarted.json).toMatchObject({ name: 'web', status: 'running', restarts: 1 });
  expect(restarted.json.pid).not.toBe(started.json.pid);
  expect(isAlive(started.json.pid)).toBe(false);
  expect(pilot.getRunningProcess('worker')).toMatchObject({ status: 'running', restarts: 0 });
});

test('streams state changes and log lines to event clients, and ends the streams on stop', async () => {
  const { pilot, target } = await startPilot();
  // Start-up lines can reach the pilot after start() resolved (a loaded machine): let them pass first.
  for (const name of ['web', 'worker']) await eventually(() => pilot.logs(name).length >= 2, `both start-up lines of ${name}`);
  const client = await openEvents(target);
  const other = await openEvents(target);
  other.close();

  const restarted = await call(target, '/v1/processes/worker/restart', { method: 'POST' });
  expect(restarted.status).toBe(200);
  const pid = restarted.json.pid as number;
  await client.waitFor((e) => e.event === 'state' && e.data.name === 'worker' && e.data.to === 'running', 'worker running again');
  await client.waitFor((e) => e.event === 'log' && e.data.text === `hello from ${pid}`, 'the new worker greeting');
  const states = client.events.filter((e) => e.event === 'state' && e.data.name === 'worker').map((e) => `${e.data.from}>${e.data.to}`);
  expect(states).toEqual(['running>stopping', 'stopping>stopped', 'stopped>starting', 'starting>running']);
  expect(client.events.find((e) => e.event === 'state' && e.data.to === 'running')!.data).toEqual({ name: 'worker', from: 'starting', to: 'running', pid });
  expect(client.events.find((e) => e.event === 'log')!.data).toEqual({ name: 'worker', stream: expect.stringMatching(/^std(out|err)$/), text: expect.any(String), time: expect.any(Number) });
  expect(client.events.every((e) => e.data.name === 'worker')).toBe(true);

  await pilot.stop();
  await client.ended;
});

test('unknown routes, actions and processes get 4xx and dispatch nothing', async () => {
  const { pilot, target } = await startPilot();
  const dispatched: string[] = [];
  for (const hook of ['stopping', 'spawn'] as const) pilot.hooks[hook].tap('test', (info) => dispatched.push(`${hook} ${info.name}`));
  const pids = pilot.getRunningProcess().map((info) => info.pid);

  const cases: [string, string, number, RegExp][] = [
    ['GET', '/', 404, /no route \//],
    ['GET', '/v1', 404, /no route/],
    ['GET', '/v1/processes/', 404, /no route/],
    ['POST', '/v1/processes/web/kill', 404, /no route .*start,stop,restart/],
    ['POST', '/v1/processes/web/logs/extra', 404, /no route/],
    ['POST', '/v1/processes/ghost/stop', 404, /no process is named "ghost"; known: web, worker/],
    ['POST', '/v1/processes/ghost/restart', 404, /no process is named "ghost"/],
    ['GET', '/v1/processes/ghost', 404, /no process is named "ghost"/],
    ['GET', '/v1/processes/ghost/logs', 404, /no process is named "ghost"/],
    ['GET', '/v1/processes/web/stop', 405, /GET is not allowed .* use POST/],
    ['DELETE', '/v1/processes/web', 405, /use GET/],
    ['POST', '/v1/processes', 405, /use GET/],
    ['POST', '/metrics', 405, /use GET/],
    ['GET', '/v1/processes/%E0%A4%A/stop', 400, /malformed percent-encoding/],
  ];
  for (const [method, path, status, message] of cases) {
    const reply = await call(target, path, { method });
    expect({ method, path, status: reply.status }).toEqual({ method, path, status });
    expect(reply.json.error).toMatch(message);
  }
  expect((await call(target, '/v1/processes/web/stop')).headers.allow).toBe('POST');
  expect(dispatched).toEqual([]);
  expect(pilot.getRunningProcess().map((info) => info.pid)).toEqual(pids);
});

test('while the pilot stops, actions get 503 and reads are still served', async () => {
  const { pilot, target } = await startPilot();
  const replies: { status: number; error?: string }[] = [];
  // beforeStop runs once core refuses operations: the server's actions are refused from then on.
  pilot.hooks.beforeStop.tapPromise('test', async () => {
    for (const action of ['start', 'stop', 'restart']) {
      const reply = await call(target, `/v1/processes/web/${action}`, { method: 'POST' });
      replies.push({ status: reply.status, error: reply.json.error });
    }
    replies.push({ status: (await call(target, '/v1/processes/web')).status });
  });
  await pilot.stop();
  expect(replies).toEqual([
    ...Array(3).fill({ status: 503, error: 'the pilot is stopping; actions are refused until it starts again' }),
    { status: 200 },
  ]);
  // After a new start, actions are accepted again.
  await pilot.start();
  expect((await call(target, '/v1/processes/web/restart', { method: 'POST' })).status).toBe(200);
});

test('a start that the pilot refuses gets 409, one that fails gets 500, each with the reason', async () => {
  const script = sandbox.file('later.sh', '#!/bin/sh\nexec sleep 1000\n', true);
  const manifest = await sandbox.manifest({
    control_server: 'http',
    processes: [
      { name: 'db', path: fixture('chatty.sh') },
      { name: 'api', path: script, dependencies: ['db'] },
    ],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [controlHttp()] });
  await pilot.start();
  const target: Target = { socketPath: join(sandbox.directory, '.pilot', 'control.sock') };
  expect((await call(target, '/v1/processes/api/stop', { method: 'POST' })).status).toBe(200);
  expect((await call(target, '/v1/processes/db/stop', { method: 'POST' })).status).toBe(200);

  const blocked = await call(target, '/v1/processes/api/start', { method: 'POST' });
  expect(blocked.status).toBe(409);
  expect(blocked.json.error).toMatch(/^start "api" failed: .*depends on db, which is not running/);

  expect((await call(target, '/v1/processes/db/start', { method: 'POST' })).status).toBe(200);
  // The executable lost its exec bit after the manifest was checked: the spawn itself fails.
  chmodSync(script, 0o644);
  const failed = await call(target, '/v1/processes/api/start', { method: 'POST' });
  expect(failed.status).toBe(500);
  expect(failed.json.error).toMatch(/^start "api" failed: /);
  expect((await call(target, '/v1/processes/api')).json).toMatchObject({ pid: null });
});
