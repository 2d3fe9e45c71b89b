import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { Sandbox, fixture, isAlive } from '../support/index.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

test('starts dependencies first and stops dependents first', async () => {
  const manifest = await sandbox.manifest({
    processes: [
      { name: 'api', path: fixture('sleep-forever.sh'), dependencies: ['db'] },
      { name: 'db', path: fixture('sleep-forever.sh') },
    ],
  });
  const pilot = sandbox.pilot(manifest);
  const events: string[] = [];
  pilot.hooks.spawn.tap('test', (info) => events.push(`spawn ${info.name}`));
  pilot.hooks.stopped.tap('test', (info) => events.push(`stopped ${info.name}`));
  await pilot.start();
  const pids = pilot.getRunningProcess().map((info) => info.pid!);
  expect(pids.every(isAlive)).toBe(true);
  await pilot.stop();
  expect(events).toEqual(['spawn db', 'spawn api', 'stopped api', 'stopped db']);
  expect(pids.some(isAlive)).toBe(false);
});
