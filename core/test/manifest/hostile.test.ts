import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ProcessManifest } from '../../src/index.js';
import { cleanUp, pilot } from '../cli/cli-support.js';
import { Sandbox, fixture } from '../support/index.js';
import { errorOf } from './manifest-errors.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await cleanUp(sandbox)).toEqual([]));

const DEPTH = 100_000;
const levels = (count: number) => Array.from({ length: count }, (_, i) => `l${i}`);

/** Each hostile manifest: file name, content, the error code and a pattern of its message. */
const hostile: Record<string, () => { name: string; content: string | Buffer; code: string; message: RegExp }> = {
  'a YAML alias bomb (billion laughs)': () => ({
    name: 'bomb.yaml',
    content: [
      'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]',
      ...levels(6).map((_, i) => `${'bcdefg'[i]}: &${'bcdefg'[i]} [${Array(9).fill(`*${'abcdef'[i]}`).join(', ')}]`),
      `processes: [{ name: api, path: ${fixture('sleep-forever.sh')}, args: *g }]`,
    ].join('\n'),
    code: 'PILOT_MANIFEST_PARSE',
    message: /bomb\.yaml: cannot read YAML manifest: aliases \(\*name\) expand to too many nodes/,
  }),
  'JSON nested 100k levels deep': () => ({
    name: 'deep.json',
    content: `{"processes":${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}}`,
    code: 'PILOT_MANIFEST_INVALID',
    message: /deep\.json: processes\[0\]\[0\]\[0\]\[0\]\[0\]\.\.\. is nested more than 64 levels deep/,
  }),
  'YAML nested 100k levels deep': () => ({
    name: 'deep.yaml',
    content: `processes: ${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`,
    code: 'PILOT_MANIFEST_PARSE',
    message: /deep\.yaml:1:\d+: nested too deeply to parse/,
  }),
  'YAML nested 65 levels deep (parsable, still refused)': () => ({
    name: 'nested.yaml',
    content: `processes: [{ name: api, path: sh, ready_params: ${'{a: '.repeat(65)}1${'}'.repeat(65)} }]`,
    code: 'PILOT_MANIFEST_INVALID',
    message: /nested\.yaml: processes\[0\]\.ready_params\.a\.a\.a\.\.\. is nested more than 64 levels deep/,
  }),
  'a 10 MB file': () => ({
    name: 'huge.yaml',
    content: Buffer.alloc(10 * 1024 * 1024, '# padding\n'),
    code: 'PILOT_MANIFEST_INVALID',
    message: /huge\.yaml is larger than 4 MiB, the most pilot reads/,
  }),
};

describe.each(Object.keys(hostile))('%s', (what) => {
  test('is a manifest error naming the file, from ProcessManifest.fromFile and from pilot validate', async () => {
    const { name, content, code, message } = hostile[what]!();
    const file = sandbox.file(name, content as string);
    const error = await errorOf(() => ProcessManifest.fromFile(file));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    const result = await pilot(['validate', name], { cwd: sandbox.directory, marker: sandbox.marker });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: /);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain('looks like a bug');
  });
});

test('a directory given as the manifest says so and names the file to pass instead', async () => {
  const directory = join(sandbox.directory, 'conf');
  mkdirSync(directory);
  const error = await errorOf(() => ProcessManifest.fromFile(directory));
  expect(error.code).toBe('PILOT_MANIFEST_NOT_FOUND');
  expect(error.message).toBe(`manifest ${directory} is a directory; pass the manifest file in it (e.g. ${directory}/pilot.yaml)`);
  const result = await pilot(['validate', 'conf'], { cwd: sandbox.directory, marker: sandbox.marker });
  expect(result.code).toBe(1);
  expect(result.stderr).toBe(`error: ${error.message}\n`);
});

test('a cyclic object built in code is refused like a too-deep one, not with a stack overflow', async () => {
  const entry: Record<string, unknown> = { name: 'api', path: 'sh' };
  entry.ready_params = { self: entry };
  const error = await errorOf(() => ProcessManifest.fromObject({ processes: [entry] }));
  expect(error.message).toMatch(/^manifest: processes\[0\]\.ready_params\.self\.ready_params\.self\.\.\. is nested more than 64 levels deep/);
});
