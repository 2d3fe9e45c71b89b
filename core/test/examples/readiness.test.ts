import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProcessManifest } from '../../src/index.js';
import { MARKER_VARIABLE, Sandbox } from '../support/index.js';

const example = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples', 'readiness', 'pilot.yaml');
let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

test('examples/readiness: file, tcp and fifo services start in parallel and their dependent waits for all three', async () => {
  const loaded = await ProcessManifest.fromFile(example);
  const manifest = { ...loaded, processes: loaded.processes.map((spec) => ({ ...spec, env: { ...spec.env, [MARKER_VARIABLE]: sandbox.marker } })) };
  const pilot = sandbox.pilot(manifest);
  const events: string[] = [];
  pilot.hooks.spawn.tap('test', (info) => events.push(`spawn ${info.name}`));
  pilot.hooks.ready.tap('test', (info) => events.push(`ready ${info.name}`));
  await pilot.start();
  const services = ['files', 'sockets', 'pipes'];
  const lastReady = Math.max(...services.map((name) => events.indexOf(`ready ${name}`)));
  // Not one after the other: every service was spawned before the last of them became ready.
  for (const name of services) expect(events.indexOf(`spawn ${name}`)).toBeLessThan(lastReady);
  expect(lastReady).toBeLessThan(events.indexOf('spawn report'));
  expect(pilot.getRunningProcess().every((info) => info.status === 'running')).toBe(true);
});
