import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { Sandbox } from '../support/index.js';
import { cleanUp, pilot } from './cli-support.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await cleanUp(sandbox)).toEqual([]));

/** A plugin package installed in the sandbox's node_modules. */
function installPackage(name: string, provides: Record<string, string[]>, source: string): void {
  const directory = join(sandbox.directory, 'node_modules', name);
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'package.json'), JSON.stringify({ name, version: '1.0.0', type: 'module', main: 'index.js', pilot: provides }));
  writeFileSync(join(directory, 'index.js'), source);
}

type Schema = { title: string; properties: { processes: { items: { properties: { ready_strategy: Record<string, unknown> } } } } };
const strategies = (schema: Schema) => (schema.properties.processes.items.properties.ready_strategy.anyOf as { enum?: string[] }[] | undefined)?.[0]?.enum;

test('schema prints the JSON Schema with the names of installed plugin packages; a broken one is left out with a warning', async () => {
  installPackage(
    'pilot-plugin-local',
    { readiness: ['local-ready'] },
    "export default () => ({ name: 'local', apply(pilot) { pilot.readiness.register({ name: 'local-ready', wait: async () => {} }, pilot.owner); } });\n",
  );
  installPackage('pilot-plugin-broken', { readiness: ['broken'] }, "throw new Error('boom at import');\n");
  const result = await pilot(['schema'], { cwd: sandbox.directory });
  expect(result.code).toBe(0);
  const schema = JSON.parse(result.stdout) as Schema;
  expect(schema.title).toBe('ProcessPilot manifest');
  expect(strategies(schema)).toEqual(expect.arrayContaining(['local-ready', 'file']));
  expect(strategies(schema)).not.toContain('broken');
  expect(result.stderr).toMatch(/^warning: plugin package pilot-plugin-broken .* left out: boom at import$/m);
});

test('schema --no-plugins prints the core schema only', async () => {
  const result = await pilot(['schema', '--no-plugins'], { cwd: sandbox.directory });
  expect(result.code).toBe(0);
  const schema = JSON.parse(result.stdout) as Schema;
  expect(strategies(schema)).toBeUndefined();
  expect(schema.properties.processes.items.properties.ready_strategy).toBeDefined();
  expect(result.stderr).toBe('');
});
