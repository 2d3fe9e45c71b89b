import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { Sandbox } from '../support/index.js';
import { cleanUp, pilot } from '../cli/cli-support.js';

// `pilot schema` loads plugins with the pilot's own loader (discovery, then resolve and import).
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await cleanUp(sandbox)).toEqual([]));

type Named = { anyOf: ({ enum: string[] } | { properties: { name: { const: string }; options: { properties?: Record<string, unknown> } } })[] };
/** The `{ name, options }` form of `name` in a named-reference schema. */
const optionsOf = (schema: Named, name: string) =>
  schema.anyOf.find((entry): entry is Extract<Named['anyOf'][number], { properties: unknown }> => 'properties' in entry && entry.properties.name.const === name)?.properties.options;

test('pilot schema run in the repository gives control_server http its own options (socket, tcp, ...)', async () => {
  const result = await pilot(['schema'], { cwd: repo });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const schema = JSON.parse(result.stdout) as { properties: { control_server: { anyOf: [Named, unknown] } } };
  const options = optionsOf(schema.properties.control_server.anyOf[0], 'http');
  expect(Object.keys(options?.properties ?? {})).toEqual(expect.arrayContaining(['socket', 'tcp']));
});

test('pilot schema gives a stats handler its options and lists the strategies core bundles', async () => {
  const result = await pilot(['schema'], { cwd: repo });
  const schema = JSON.parse(result.stdout) as {
    properties: { processes: { items: { properties: { stat_handlers: { items: Named }; ready_strategy: { anyOf: [{ enum: string[] }] } } } } };
  };
  const process = schema.properties.processes.items.properties;
  expect(process.ready_strategy.anyOf[0].enum).toEqual(expect.arrayContaining(['file', 'tcp', 'fifo']));
  expect(Object.keys(optionsOf(process.stat_handlers.items, 'jsonl')?.properties ?? {}).length).toBeGreaterThan(0);
});
