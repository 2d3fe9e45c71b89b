import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { z } from 'zod';
import { definePlugin } from '../../src/index.js';
import { FakeExecutor } from '../../src/testing/index.js';
import { Sandbox, fixture, isAlive } from '../support/index.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

/** A plugin that registers an in-memory executor named `memory` with one option. */
function memoryExecutor() {
  const executor = new FakeExecutor('memory');
  Object.assign(executor, { options: z.strictObject({ zone: z.string({ error: 'expected a zone name' }) }) });
  return { executor, plugin: definePlugin({ name: 'memory-executor', apply: (context) => context.executors.register(executor) }) };
}

test('each process runs on the executor its manifest entry names, with its validated options', async () => {
  const memory = memoryExecutor();
  const manifest = await sandbox.manifest({
    processes: [
      { name: 'here', path: fixture('sleep-forever.sh') },
      { name: 'there', path: fixture('sleep-forever.sh'), executor: { name: 'memory', options: { zone: 'a' } } },
    ],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [memory.plugin] });
  await pilot.start();
  // "here" is a real local process; "there" exists only in the in-memory executor.
  expect(isAlive(pilot.getRunningProcess('here')!.pid!)).toBe(true);
  expect(pilot.getRunningProcess('there')!.pid).toBe(memory.executor.latest('there')!.pid);
  expect(memory.executor.runs.map((run) => run.options)).toEqual([{ zone: 'a' }]);
  await pilot.stop();
  expect(memory.executor.alive()).toEqual([]);
});

test('an unknown executor name and bad executor options are manifest errors listing what exists', async () => {
  const memory = memoryExecutor();
  const manifest = await sandbox.manifest({
    processes: [
      { name: 'a', path: fixture('sleep-forever.sh'), executor: 'ssh-nowhere' },
      { name: 'b', path: fixture('sleep-forever.sh'), executor: { name: 'memory', options: { zone: 3 } } },
    ],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [memory.plugin] });
  const error = await pilot.start().catch((e: unknown) => e as Error);
  expect((error as Error).message).toMatch(/processes\[0\]\.executor: no loaded plugin provides the executor "ssh-nowhere".*available: local, memory/);
  expect((error as Error).message).toMatch(/processes\[1\]\.executor\.options\.zone: expected a zone name/);
  expect(memory.executor.runs).toEqual([]);
});
