import { createRequire } from 'node:module';
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { ProcessManifest } from '../../src/index.js';
import { Sandbox, fixture } from '../support/index.js';
import { cleanUp, pilot } from './cli-support.js';

// Ajv is CommonJS; its 2020-12 build is the draft `pilot schema` declares.
const require = createRequire(import.meta.url);
const Ajv2020 = (require('ajv/dist/2020') as { default: new (options: object) => { compile(schema: object): (data: unknown) => boolean } }).default;

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await cleanUp(sandbox)).toEqual([]));

test('pilot schema (with every installed plugin) compiles under Ajv strict mode and accepts a real manifest', async () => {
  const result = await pilot(['schema'], { cwd: sandbox.directory, marker: sandbox.marker });
  expect(result.code).toBe(0);
  const schema = JSON.parse(result.stdout) as object;
  // Strict mode rejects unknown keywords and formats (zod's own "starts_with" was one). Union
  // types (`type: ["number", "string"]`, stats-limits' sizes) are standard JSON Schema: allowed.
  const validate = new Ajv2020({ strict: true, allowUnionTypes: true }).compile(schema);
  const manifest = {
    $schema: './pilot.schema.json',
    control_server: 'http',
    processes: [{ name: 'web', path: 'node', ready_strategy: 'http', ready_params: { port: 8080, path: '/health' }, kill_mode: 'mixed' }],
  };
  expect(validate(manifest)).toBe(true);
  expect(validate({ processes: [{ name: 'web', path: 'node', ready_strategy: 'http', ready_params: { port: 8080, path: 'no-slash' } }] })).toBe(false);
});

test('a top-level $schema key (the editors\' convention) is allowed in a manifest', () => {
  const manifest = ProcessManifest.fromObject({ $schema: './pilot.schema.json', processes: [{ name: 'a', path: fixture('sleep-forever.sh') }] });
  expect(manifest.processes.map((p) => p.name)).toEqual(['a']);
});
