import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { Sandbox, eventually, fixture } from '../support/index.js';
import { CliRun, cleanUp, pilot, writeManifest } from './cli-support.js';

const built = existsSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'plugins', 'control-http', 'dist', 'index.js'));

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await cleanUp(sandbox)).toEqual([]));

(built ? test : test.skip)('pilot status keeps the last exit code after the restart that followed it', async () => {
  writeManifest(sandbox, {
    control_server: 'http',
    processes: [{ name: 'flappy', path: fixture('fail-once.sh'), args: [join(sandbox.directory, 'crashed-once')], restart_backoff: { initial_delay: 0.05 } }],
  });
  const run = new CliRun(['run'], { cwd: sandbox.directory, marker: sandbox.marker });
  await run.until(/ready/);
  let table = '';
  await eventually(async () => {
    table = (await pilot(['status'], { cwd: sandbox.directory, marker: sandbox.marker })).stdout;
    return /^flappy +running +\d+ +1 /m.test(table);
  }, 'flappy running again after one restart');
  expect(table).toMatch(/^flappy +running .* code 3 \(\d+s ago\)$/m);
  run.signal('SIGINT');
  expect((await run.done).code).toBe(0);
});
