import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Sandbox } from '../../../core/test/support/index.js';
import hello from '../src/index.js';

const greeter = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'greeter.sh');
let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

test('ready once the process greets the configured name', async () => {
  const manifest = await sandbox.manifest({
    processes: [{ name: 'greeter', path: greeter, args: ['world'], ready_strategy: 'hello', ready_params: { name: 'world' } }],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [hello()] });
  await pilot.start();
  expect(pilot.getRunningProcess('greeter')!.status).toBe('running');
});

test('the name defaults to the process name', async () => {
  const manifest = await sandbox.manifest({ processes: [{ name: 'bob', path: greeter, args: ['bob'], ready_strategy: 'hello' }] });
  const pilot = sandbox.pilot(manifest, { plugins: [hello()] });
  await pilot.start();
  expect(pilot.getRunningProcess('bob')!.status).toBe('running');
});

test('bad options are reported at start with their manifest path', async () => {
  const manifest = await sandbox.manifest({ processes: [{ name: 'g', path: greeter, ready_strategy: 'hello', ready_params: { name: '', stream: 'both' } }] });
  const pilot = sandbox.pilot(manifest, { plugins: [hello()] });
  await expect(pilot.start()).rejects.toMatchObject({
    problems: [
      'processes[0].ready_params.name: expected a non-empty name to greet, got "" (readiness strategy "hello")',
      'processes[0].ready_params.stream: expected one of "stdout", "stderr", got "both" (readiness strategy "hello")',
    ],
  });
});

test('a process that exits without greeting fails start at once', async () => {
  const manifest = await sandbox.manifest({ processes: [{ name: 'g', path: greeter, args: ['nobody'], ready_strategy: 'hello', ready_timeout_sec: 60 }] });
  const pilot = sandbox.pilot(manifest, { plugins: [hello()] });
  await expect(pilot.start()).rejects.toMatchObject({ code: 'PILOT_EXITED_BEFORE_READY' });
});
