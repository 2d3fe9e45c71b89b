import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test } from '@jest/globals';
import { BUNDLED_PLUGINS, builtinPlugins } from '../../src/plugins/builtin-plugins.js';
import { Sandbox } from '../support/index.js';
import { pilot } from '../cli/cli-support.js';

// These tests read core's dist/bundle: they run after `npm run build`, like the CLI tests.
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const sandboxes: Sandbox[] = [];
afterEach(async () => {
  for (const sandbox of sandboxes.splice(0)) await sandbox.cleanup();
});

test('each bundled plugin has the name and declares what its own package declares', () => {
  for (const plugin of BUNDLED_PLUGINS) {
    const pkg = JSON.parse(readFileSync(join(repo, 'plugins', plugin.folder, 'package.json'), 'utf8')) as { name: string; pilot: unknown };
    expect({ name: plugin.name, provides: plugin.provides }).toEqual({ name: pkg.name, provides: pkg.pilot });
  }
  expect(builtinPlugins().map((plugin) => plugin.name).sort()).toEqual(BUNDLED_PLUGINS.map((plugin) => plugin.name).sort());
});

// Jest maps @pilot/plugin-* to the sources, so resolution is checked with Node's own, through the CLI.
test('a bundled plugin named under plugins: but not installed loads core\'s bundled copy', async () => {
  const sandbox = new Sandbox();
  sandboxes.push(sandbox);
  // Nothing is installed above a temp directory: before the bundle this was "not installed".
  const manifest = sandbox.file('pilot.yaml', `plugins: ['@pilot/plugin-ready-tcp']\nprocesses:\n  - { name: web, path: ${process.execPath}, ready_strategy: tcp, ready_params: { port: 4000 } }\n`);
  const result = await pilot(['validate', manifest], { cwd: sandbox.directory });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
});

test('a plugin package core does not bundle is still reported as not installed, naming the fix', async () => {
  const sandbox = new Sandbox();
  sandboxes.push(sandbox);
  const manifest = sandbox.file('pilot.yaml', `plugins: ['@pilot/plugin-ready-http']\nprocesses:\n  - { name: web, path: ${process.execPath} }\n`);
  const result = await pilot(['validate', manifest], { cwd: sandbox.directory });
  expect(result.code).not.toBe(0);
  expect(result.stderr).toMatch(/plugin package "@pilot\/plugin-ready-http" is not installed where .* can find it; run npm install @pilot\/plugin-ready-http/);
});
