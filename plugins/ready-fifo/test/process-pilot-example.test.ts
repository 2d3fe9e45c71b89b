import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { cpSync, lstatSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { ManifestInput } from '@pilot/core';
import { Sandbox, eventually } from '../../../core/test/support/index.js';

const example = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples', 'process-pilot');
const PROCESS_PILOT_FIELDS = new Set(['name', 'path', 'args', 'env', 'dependencies', 'ready_strategy', 'ready_params', 'ready_timeout_sec']);

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

/** A port free right now on both loopback addresses. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

test('examples/process-pilot: a process_pilot manifest with tcp, pipe and file services, ready in dependency order', async () => {
  const manifest = parse(readFileSync(join(example, 'pilot.yaml'), 'utf8')) as ManifestInput;
  for (const entry of manifest.processes) expect(Object.keys(entry).filter((key) => !PROCESS_PILOT_FIELDS.has(key))).toEqual([]);
  expect(manifest.processes.map((entry) => entry.ready_strategy)).toEqual(['tcp', 'pipe', 'file']);
  // A private copy: the services next to the manifest, a free port instead of the fixed one.
  cpSync(join(example, 'services'), join(sandbox.directory, 'services'), { recursive: true });
  const port = await freePort();
  for (const entry of manifest.processes) {
    if (entry.env?.DB_PORT) entry.env.DB_PORT = String(port);
    if (entry.ready_strategy === 'tcp') entry.ready_params = { ...entry.ready_params, port };
  }
  // No plugins passed: core finds the tcp, pipe and file strategies by package.json discovery.
  const pilot = sandbox.pilot(await sandbox.manifest(manifest));
  const events: string[] = [];
  pilot.hooks.spawn.tap('test', (info) => events.push(`spawn ${info.name}`));
  pilot.hooks.ready.tap('test', (info) => events.push(`ready ${info.name}`));
  await pilot.start();
  expect(events).toEqual(['spawn db', 'ready db', 'spawn cache', 'ready cache', 'spawn web', 'ready web']);
  await eventually(() => pilot.logs('cache').some((line) => line.text === 'cache: db says "hello from db"'), 'cache talked to db');
  // cache replaced the pilot's FIFO with its own: it is left to it.
  expect(lstatSync(join(sandbox.directory, 'cache.fifo')).isFIFO()).toBe(true);
  expect(readFileSync(join(sandbox.directory, 'web.ready'), 'utf8').trim()).toBe(String(pilot.getRunningProcess('web')!.pid));
  await pilot.stop();
  expect(pilot.getRunningProcess().map((info) => info.status)).toEqual(['stopped', 'stopped', 'stopped']);
});
