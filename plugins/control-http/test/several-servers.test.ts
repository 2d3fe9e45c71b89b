import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { definePlugin, manifestJsonSchema, type ControlServer, type PilotSnapshot } from '@pilot/core';
import controlHttp from '@pilot/plugin-control-http';
import { Sandbox } from '../../../core/test/support/index.js';
import { askJson, call, fixture } from './support.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

/**
 * A tiny dashboard-like control server registered in code: it answers every connection on its
 * unix socket with the pilot's snapshot, and records when it starts and closes (with how many
 * processes were alive then) into `events`.
 */
function probePlugin(events: string[]) {
  const alive = (snapshot: PilotSnapshot) => snapshot.processes.filter((process) => process.pid !== undefined).length;
  const probe: ControlServer<{ socket: string }> = {
    name: 'probe',
    options: z.strictObject({ socket: z.string({ error: 'expected a socket path' }) }),
    async start({ options, pilot, baseDirectory }) {
      const path = resolve(baseDirectory, options.socket);
      const server = createServer((socket) => socket.end(JSON.stringify(pilot.snapshot())));
      await new Promise<void>((done) => server.listen(path, done));
      events.push(`probe started, ${alive(pilot.snapshot())} alive`);
      return {
        address: path,
        close: async () => {
          await new Promise<void>((done) => server.close(() => done()));
          events.push(`probe closed, ${alive(pilot.snapshot())} alive`);
        },
      };
    },
  };
  const broken: ControlServer = {
    name: 'broken',
    start: () => Promise.reject(new Error('port 80 is taken')),
  };
  return definePlugin({
    name: 'test-probe',
    apply: (pilot) => {
      pilot.controlServers.register(probe);
      pilot.controlServers.register(broken);
    },
  });
}

test('two control servers (the HTTP API and one registered in code) start before the first spawn, serve, and close after the last stop', async () => {
  const events: string[] = [];
  const manifest = await sandbox.manifest({
    control_server: ['http', { name: 'probe', options: { socket: 'probe.sock' } }],
    processes: [{ name: 'web', path: fixture('chatty.sh') }],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [controlHttp(), probePlugin(events)] });
  pilot.hooks.spawn.tap('test', (info) => events.push(`spawn ${info.name}`));
  pilot.hooks.stopped.tap('test', (info) => events.push(`stopped ${info.name}`));
  await pilot.start();

  const httpSocket = join(sandbox.directory, '.pilot', 'control.sock');
  const probeSocket = join(sandbox.directory, 'probe.sock');
  const pid = pilot.getRunningProcess('web')!.pid;
  const fromHttp = await call({ socketPath: httpSocket }, '/v1/processes/web');
  expect(fromHttp.json).toMatchObject({ name: 'web', status: 'running', pid });
  const fromProbe = await askJson<PilotSnapshot>(probeSocket);
  expect(fromProbe.processes).toEqual([expect.objectContaining({ name: 'web', status: 'running', pid })]);

  await pilot.stop();
  expect(events).toEqual(['probe started, 0 alive', 'spawn web', 'stopped web', 'probe closed, 0 alive']);
  expect(existsSync(httpSocket)).toBe(false);
  expect(existsSync(probeSocket)).toBe(false);
  expect(existsSync(join(sandbox.directory, '.pilot', 'control.json'))).toBe(false);
});

test('a control server that fails to start fails the pilot start, naming it; the ones already started are closed and nothing is spawned', async () => {
  const events: string[] = [];
  const manifest = await sandbox.manifest({
    control_server: [{ name: 'probe', options: { socket: 'probe.sock' } }, 'http', 'broken'],
    processes: [{ name: 'web', path: fixture('chatty.sh') }],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [controlHttp(), probePlugin(events)] });
  pilot.hooks.spawn.tap('test', (info) => events.push(`spawn ${info.name}`));
  await expect(pilot.start()).rejects.toThrow('control server "broken" (control_server[2]) did not start: port 80 is taken');
  expect(events).toEqual(['probe started, 0 alive', 'probe closed, 0 alive']);
  expect(existsSync(join(sandbox.directory, '.pilot', 'control.sock'))).toBe(false);
  expect(existsSync(join(sandbox.directory, 'probe.sock'))).toBe(false);
  expect(pilot.getRunningProcess('web')).toMatchObject({ status: 'stopped', pid: undefined });
});

test('a control server listed twice is a manifest error naming both entries', async () => {
  const failure = sandbox.manifest({ control_server: ['http', { name: 'probe', options: {} }, 'http'], processes: [{ name: 'web', path: fixture('chatty.sh') }] });
  await expect(failure).rejects.toMatchObject({ code: 'PILOT_MANIFEST_INVALID' });
  await expect(failure).rejects.toThrow('control_server[2]: expected each control server at most once, got "http"; control_server[0] is "http" too: remove one of them');
});

test('each entry is checked where it is: its shape, and its options against its own server', async () => {
  const shape = sandbox.manifest({ control_server: ['http', 5] as never, processes: [{ name: 'web', path: fixture('chatty.sh') }] });
  await expect(shape).rejects.toThrow(/control_server\[1\]: expected a control server name \(string\) or \{ name, options \}, got 5/);

  const manifest = await sandbox.manifest({
    control_server: [{ name: 'probe', options: { socket: 7 } }, { name: 'http', options: { tcp: { port: 'x' } } }],
    processes: [{ name: 'web', path: fixture('chatty.sh') }],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [controlHttp(), probePlugin([])] });
  const failure = pilot.start();
  await expect(failure).rejects.toThrow(/control_server\[0\]\.options\.socket: expected a socket path, got 7 \(control server "probe"\)/);
  await expect(failure).rejects.toThrow(/control_server\[1\]\.options\.tcp\.port: .*got "x" \(control server "http"\)/);
});

test('a single entry keeps its plain path in messages, and the JSON Schema allows a name, an entry or a list', async () => {
  const manifest = await sandbox.manifest({ control_server: { name: 'http', options: { tcp: { port: 'x' } } }, processes: [{ name: 'web', path: fixture('chatty.sh') }] });
  const pilot = sandbox.pilot(manifest, { plugins: [controlHttp(), probePlugin([])] });
  await expect(pilot.start()).rejects.toThrow(/- control_server\.options\.tcp\.port: expected number, got "x"/);

  const schema = manifestJsonSchema(pilot).properties.control_server;
  const [entry, list, none] = schema.anyOf;
  expect(list).toEqual({ type: 'array', items: entry });
  expect(none).toEqual({ type: 'null' });
  expect(JSON.stringify(entry)).toContain('"probe"');
  expect(JSON.stringify(entry)).toContain('"http"');
});
