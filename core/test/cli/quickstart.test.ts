import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { Sandbox, eventually } from '../support/index.js';
import { CliRun, cleanUp, eventLines } from './cli-support.js';

const quickstart = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples', 'quickstart');

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await cleanUp(sandbox)).toEqual([]));

test('the quickstart starts data then api, serves a request through both, and stops cleanly on SIGINT', async () => {
  const run = new CliRun(['run', join(quickstart, 'pilot.yaml')], { cwd: sandbox.directory, marker: sandbox.marker });
  await run.until(/^pilot +> all 2 processes ready/m);
  const response = await fetch('http://127.0.0.1:47100/records');
  expect(response.status).toBe(200);
  expect(((await response.json()) as { records: unknown[] }).records).toHaveLength(3);
  await run.until(/^api +\| api: GET \/records -> 3 records$/m);
  run.signal('SIGINT');
  const result = await run.done;
  expect(result.code).toBe(0);
  const events = eventLines(result.stdout);
  const order = events.filter((line) => /^(data|api) (started|ready|stopped) /.test(line)).map((line) => line.replace(/ \(.*| in .*/, ''));
  expect(order).toEqual(['data started', 'data ready', 'api started', 'api ready', 'api stopped', 'data stopped']);
  expect(events).toContain('api stopped (exit code 0)');
  expect(events).toContain('data stopped (exit code 0)');
  await eventually(() => !existsSync(join(quickstart, 'data.ready')), 'data.ready to be removed');
});
