import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { Sandbox, fixture, isAlive } from '../support/index.js';
import { CliRun, cleanUp, pilot, writeManifest } from './cli-support.js';

/** End to end against the real `@pilot/plugin-control-http`, found by `pilot run` from node_modules. */
const built = existsSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'plugins', 'control-http', 'dist', 'index.js'));

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await cleanUp(sandbox)).toEqual([]));

const cli = (...args: string[]) => pilot(args, { cwd: sandbox.directory, marker: sandbox.marker });
const pidOf = (table: string, name: string) => Number(new RegExp(`^${name} +running +(\\d+)`, 'm').exec(table)?.[1]);

(built ? test : test.skip)('status, restart, stop, start and logs talk to a pilot run with control_server: http', async () => {
  writeManifest(sandbox, {
    control_server: 'http',
    processes: [
      { name: 'db', path: fixture('sleep-forever.sh') },
      { name: 'api', path: fixture('sleep-forever.sh'), dependencies: ['db'] },
    ],
  });
  const run = new CliRun(['run'], { cwd: sandbox.directory, marker: sandbox.marker });
  await run.until(/all 2 processes ready/);

  const status = await cli('status');
  expect(status.code).toBe(0);
  expect(status.stdout).toMatch(/^NAME +STATUS +PID/);
  const oldPid = pidOf(status.stdout, 'api');
  expect(isAlive(oldPid)).toBe(true);

  const restarted = await cli('restart', 'api');
  expect(restarted.stdout).toMatch(/^api: running \(pid \d+\)\n$/);
  const newPid = Number(/pid (\d+)/.exec(restarted.stdout)![1]);
  expect(newPid).not.toBe(oldPid);
  expect(isAlive(oldPid)).toBe(false);

  expect((await cli('logs', 'api')).stdout).toBe(`started ${oldPid}\nstarted ${newPid}\n`);
  expect((await cli('stop', 'api')).stdout).toBe('api: stopped\n');
  expect((await cli('ps')).stdout).toMatch(/^api +stopped +- /m);
  expect((await cli('start', 'api')).stdout).toMatch(/^api: running \(pid \d+\)\n$/);
  const unknown = await cli('restart', 'nope');
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toMatch(/^error: .*nope/);

  run.signal('SIGINT');
  expect((await run.done).code).toBe(0);
  const after = await cli('status');
  expect(after.code).toBe(1);
  expect(after.stderr).toContain('no pilot is running');
});
