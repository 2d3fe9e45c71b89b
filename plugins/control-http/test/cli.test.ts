import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PilotSnapshot } from '@pilot/core';
import { Sandbox } from '../../../core/test/support/index.js';
import { CliRun, cleanUp, pilot, writeManifest } from '../../../core/test/cli/cli-support.js';
import { askJson, fixture } from './support.js';

/** `pilot run` finds this package by its package.json, in its built form. */
const built = existsSync(join(fixture('..'), '..', 'dist', 'index.js'));

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await cleanUp(sandbox)).toEqual([]));

const cli = (...args: string[]) => pilot(args, { cwd: sandbox.directory, marker: sandbox.marker });

(built ? test : test.skip)('pilot run with two control servers: pilot status talks to http while the other serves the same snapshot; both gone after Ctrl-C', async () => {
  writeManifest(sandbox, {
    control_server: ['http', { name: 'probe', options: { socket: 'probe.sock' } }],
    plugins: [fixture('probe-plugin.mjs')],
    processes: [{ name: 'web', path: fixture('chatty.sh') }],
  });
  const run = new CliRun(['run'], { cwd: sandbox.directory, marker: sandbox.marker });
  await run.until(/all 1 process(es)? ready/);

  const status = await cli('status');
  expect(status.code).toBe(0);
  const pid = Number(/^web +running +(\d+)/m.exec(status.stdout)?.[1]);
  expect((await askJson<PilotSnapshot>(join(sandbox.directory, 'probe.sock'))).processes).toEqual([expect.objectContaining({ name: 'web', status: 'running', pid })]);

  run.signal('SIGINT');
  expect((await run.done).code).toBe(0);
  expect(existsSync(join(sandbox.directory, 'probe.sock'))).toBe(false);
  expect(existsSync(join(sandbox.directory, '.pilot', 'control.sock'))).toBe(false);
});

(built ? test : test.skip)('pilot validate names a control server listed twice', async () => {
  writeManifest(sandbox, { control_server: ['http', 'http'], processes: [{ name: 'web', path: fixture('chatty.sh') }] });
  const result = await cli('validate');
  expect(result.code).not.toBe(0);
  expect(result.stderr).toContain('control_server[1]: expected each control server at most once, got "http"; control_server[0] is "http" too');
});
