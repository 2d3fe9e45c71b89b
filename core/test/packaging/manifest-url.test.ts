import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { PilotError, ProcessManifest } from '../../src/index.js';
import { Sandbox } from '../support/index.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => {
  await sandbox.cleanup();
});

test('fromFile takes a file: URL, also for a path with spaces (where url.pathname would give %20)', async () => {
  const directory = join(sandbox.directory, 'my services');
  mkdirSync(directory);
  writeFileSync(join(directory, 'pilot.yaml'), `processes:\n  - { name: web, path: ${process.execPath}, working_directory: . }\n`);
  const url = new URL('./pilot.yaml', pathToFileURL(join(directory, 'x.mjs')));
  expect(url.pathname).toContain('my%20services');
  const manifest = await ProcessManifest.fromFile(url);
  expect(manifest.processes[0]?.working_directory).toBe(directory);
});

test('fromFile refuses a URL that is not file:, saying what it got', async () => {
  const error = await ProcessManifest.fromFile(new URL('https://example.com/pilot.yaml')).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(PilotError);
  expect(error).toMatchObject({ code: 'PILOT_INVALID_ARGUMENT', message: expect.stringContaining('expected a path or a file: URL, got https://example.com/pilot.yaml') });
});
