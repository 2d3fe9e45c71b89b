import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ProcessManifest, ProcessPilot, startPilot } from '../../src/index.js';
import { Sandbox, fixture, isAlive } from '../support/index.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

test('process_pilot API in TypeScript idiom: lookups by name and pid, manifest entries, isRunning', async () => {
  const manifest = await sandbox.manifest({
    processes: [
      { name: 'a', path: fixture('sleep-forever.sh') },
      { name: 'b', path: fixture('sleep-forever.sh'), dependencies: ['a'] },
    ],
  });
  const pilot = sandbox.pilot(manifest);
  expect(pilot.isRunning()).toBe(false);
  expect(pilot.getManifestProcesses().map((spec) => spec.name)).toEqual(['a', 'b']);
  expect(pilot.getProcessByName('b')!.dependencies).toEqual(['a']);
  expect(pilot.getProcessByName('nope')).toBeUndefined();
  await pilot.start();
  expect(pilot.isRunning()).toBe(true);
  const b = pilot.getRunningProcess('b')!;
  expect(b).toMatchObject({ name: 'b', status: 'running', returnCode: null, restarts: 0 });
  expect(pilot.getRunningProcess(b.pid!)).toEqual(b);
  expect(pilot.getRunningProcess(1)).toBeUndefined();
  expect(pilot.getRunningProcess().map((info) => info.name)).toEqual(['a', 'b']);
  await pilot.stop();
  expect(pilot.isRunning()).toBe(false);
});

test('await using stops everything when the scope ends, even when it throws', async () => {
  const manifest = await sandbox.manifest({ processes: [{ name: 'p', path: fixture('sleep-forever.sh') }] });
  let pid = 0;
  await expect(
    (async () => {
      await using pilot = await startPilot(manifest, { handleSignals: false });
      pid = pilot.getRunningProcess('p')!.pid!;
      expect(isAlive(pid)).toBe(true);
      throw new Error('test body failed');
    })(),
  ).rejects.toThrow('test body failed');
  expect(isAlive(pid)).toBe(false);
});

test('startPilot loads a manifest file, and its failure leaves nothing running', async () => {
  const manifest = await sandbox.manifest({
    processes: [
      { name: 'ok', path: fixture('sleep-forever.sh') },
      { name: 'bad', path: fixture('exit-with.sh'), args: ['9'], ready_strategy: 'file', ready_params: { path: 'never' }, dependencies: ['ok'] },
    ],
  });
  await expect(startPilot(manifest.source!, { handleSignals: false })).rejects.toMatchObject({ code: 'PILOT_EXITED_BEFORE_READY', process: 'bad' });
  expect(sandbox.leftovers()).toEqual([]);
});

test('loadPlugins(dir) adds the plugins of a directory', async () => {
  const dir = join(sandbox.directory, 'more-plugins');
  mkdirSync(dir);
  sandbox.file('more-plugins/instant.mjs', "export default () => ({ name: 'instant-plugin', apply(p) { p.readiness.register({ name: 'instant', wait: async () => {} }); } });\n");
  const manifest = ProcessManifest.fromObject({ processes: [{ name: 'p', path: fixture('sleep-forever.sh'), ready_strategy: 'instant', env: { PILOT_TEST_MARKER: sandbox.marker } }] }, { directory: sandbox.directory });
  const pilot = new ProcessPilot(manifest, { handleSignals: false });
  await pilot.loadPlugins(dir);
  await pilot.start();
  expect(pilot.readiness.ownerOf('instant')).toBe('instant-plugin');
  await pilot.stop();
});
