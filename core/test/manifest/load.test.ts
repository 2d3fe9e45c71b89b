import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ProcessManifest, manifestJsonSchema } from '../../src/index.js';
import { Sandbox, fixture } from '../support/index.js';
import { errorOf } from './manifest-errors.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

describe('a process_pilot manifest', () => {
  test('loads unchanged with process_pilot defaults', async () => {
    const file = sandbox.file(
      'manifest.yaml',
      [
        'kill_timeout: 3',
        'processes:',
        '  - name: api',
        `    path: ${fixture('sleep-forever.sh')}`,
        '    args: ["--port", "8080"]',
        '    env: { MODE: test }',
        '    shutdown_strategy: do_not_restart',
        '    ready_strategy: tcp',
        '    ready_params: { port: 8080 }',
        '    affinity: [0]',
        '  - name: worker',
        `    path: ${fixture('sleep-forever.sh')}`,
        '    dependencies: [api]',
        '    lifecycle_hooks: [notify]',
        '    stat_handlers: [jsonl]',
      ].join('\n'),
    );
    const manifest = await ProcessManifest.fromFile(file);
    expect(manifest.kill_timeout).toBe(3);
    const [api, worker] = manifest.processes;
    expect(api).toMatchObject({ timeout: 5, ready_timeout_sec: 5, shutdown_strategy: 'do_not_restart', args: ['--port', '8080'], affinity: [0] });
    expect(worker).toMatchObject({ shutdown_strategy: 'restart', dependencies: ['api'], lifecycle_hooks: [{ name: 'notify', options: {} }] });
    expect(worker!.stat_handlers).toEqual([{ name: 'jsonl', options: {} }]);
  });

  test('JSON and YAML give the same manifest', async () => {
    const data = { processes: [{ name: 'a', path: fixture('sleep-forever.sh') }] };
    const fromJson = ProcessManifest.fromJson(JSON.stringify(data), { directory: sandbox.directory });
    const fromYaml = ProcessManifest.fromYaml(`processes:\n  - name: a\n    path: ${fixture('sleep-forever.sh')}\n`, { directory: sandbox.directory });
    expect(fromJson).toEqual(fromYaml);
  });
});

describe('paths', () => {
  test('relative paths resolve against the manifest directory, never the current directory', async () => {
    mkdirSync(join(sandbox.directory, 'bin'));
    mkdirSync(join(sandbox.directory, 'work'));
    sandbox.file('bin/tool.sh', '#!/bin/sh\nexec sleep 1000\n', true);
    const file = sandbox.file('pilot.yaml', 'processes:\n  - name: t\n    path: bin/tool.sh\n    working_directory: work\n');
    const manifest = await ProcessManifest.fromFile(file);
    expect(manifest.processes[0]!.path).toBe(join(sandbox.directory, 'bin/tool.sh'));
    expect(manifest.processes[0]!.working_directory).toBe(join(sandbox.directory, 'work'));
  });

  test('base_directory anchors relative paths; the default working directory is the manifest directory', async () => {
    mkdirSync(join(sandbox.directory, 'base'));
    sandbox.file('base/tool.sh', '#!/bin/sh\nexec sleep 1000\n', true);
    const file = sandbox.file('pilot.yaml', 'base_directory: base\nprocesses:\n  - name: t\n    path: ./tool.sh\n');
    const manifest = await ProcessManifest.fromFile(file);
    expect(manifest.processes[0]!.path).toBe(join(sandbox.directory, 'base/tool.sh'));
    expect(manifest.processes[0]!.working_directory).toBe(sandbox.directory);
  });

  test('bare names are looked up on PATH', async () => {
    const manifest = ProcessManifest.fromObject({ processes: [{ name: 's', path: 'sh' }] }, { directory: sandbox.directory });
    expect(manifest.processes[0]!.path).toMatch(/\/sh$/);
  });

  test('env_file is merged under env', async () => {
    sandbox.file('.env', 'A=from-file\nB=from-file\n# comment\n');
    const file = sandbox.file('pilot.yaml', `processes:\n  - name: e\n    path: sh\n    env_file: .env\n    env: { B: from-manifest }\n`);
    const manifest = await ProcessManifest.fromFile(file);
    expect(manifest.processes[0]!.env).toEqual({ A: 'from-file', B: 'from-manifest' });
  });
});

describe('bad input: one error listing every problem', () => {
  test('unknown keys get a did-you-mean, wrong types name path, expectation and value', async () => {
    const error = await errorOf(() =>
      ProcessManifest.fromObject(
        {
          kill_timout: 3,
          processes: [
            { name: 'a', path: 'sh', dependecies: [] },
            { name: 'b', path: 'sh', timeout: -1, args: [8080] },
            { name: 'bad name!', path: '' },
          ],
        },
        { directory: sandbox.directory },
      ),
    );
    expect(error.code).toBe('PILOT_MANIFEST_INVALID');
    expect(error.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\(manifest\): unknown key "kill_timout" \(did you mean "kill_timeout"\?\)/),
        expect.stringMatching(/^processes\[0\]: unknown key "dependecies" \(did you mean "dependencies"\?\)/),
        expect.stringMatching(/^processes\[1\]\.timeout: expected a number of seconds > 0, got -1/),
        expect.stringMatching(/^processes\[1\]\.args\[0\]: expected a string \(quote numbers: "8080"\), got 8080/),
        expect.stringMatching(/^processes\[2\]\.name: expected a name of letters/),
        expect.stringMatching(/^processes\[2\]\.path: expected an executable path/),
      ]),
    );
    expect(error.problems).toHaveLength(6);
  });

  test('duplicate names, unknown dependencies and an invalid env key are all reported', async () => {
    const error = await errorOf(() =>
      ProcessManifest.fromObject(
        {
          processes: [
            { name: 'a', path: 'sh', dependencies: ['dbb'] },
            { name: 'a', path: 'sh' },
            { name: 'db', path: 'sh', env: { 'BAD-KEY': 'x' } },
          ],
        },
        { directory: sandbox.directory },
      ),
    );
    expect(error.problems.join('\n')).toMatch(/processes\[2\]\.env\.BAD-KEY: expected an environment variable name/);
    const second = await errorOf(() =>
      ProcessManifest.fromObject(
        { processes: [{ name: 'a', path: 'sh', dependencies: ['dbb'] }, { name: 'a', path: 'sh' }, { name: 'db', path: 'sh' }] },
        { directory: sandbox.directory },
      ),
    );
    expect(second.problems).toEqual([
      'processes[1].name: "a" is already the name of processes[0]; names must be unique',
      'processes[0].dependencies[0]: no process is named "dbb" (did you mean "db"?); known: a, db',
    ]);
  });

  test('schema problems and cross-process problems are reported together', async () => {
    const error = await errorOf(() =>
      ProcessManifest.fromObject(
        {
          processes: [
            { name: 'a', path: 'sh', timeout: 'soon', dependencies: ['b'] },
            { name: 'b', path: 'sh', dependencies: ['a'] },
            { name: 'c', path: 'sh', dependencies: ['nope'] },
            { name: 'c', path: 'sh' },
          ],
        },
        { directory: sandbox.directory },
      ),
    );
    expect(error.problems).toEqual([
      'processes[0].timeout: expected a number of seconds (timeout), got "soon"',
      'processes[3].name: "c" is already the name of processes[2]; names must be unique',
      'processes[2].dependencies[0]: no process is named "nope"; known: a, b, c',
      'dependency cycle: a -> b -> a; remove one of these dependencies',
    ]);
  });

  test('a dependency cycle is named in full', async () => {
    const error = await errorOf(() =>
      ProcessManifest.fromObject(
        {
          processes: [
            { name: 'a', path: 'sh', dependencies: ['b'] },
            { name: 'b', path: 'sh', dependencies: ['c'] },
            { name: 'c', path: 'sh', dependencies: ['a'] },
          ],
        },
        { directory: sandbox.directory },
      ),
    );
    expect(error.code).toBe('PILOT_DEPENDENCY_CYCLE');
    expect(error.message).toContain('a -> b -> c -> a');
  });

  test('missing, non-executable and directory executables and a missing working directory', async () => {
    const plain = sandbox.file('plain.sh', '#!/bin/sh\n');
    chmodSync(plain, 0o644);
    const error = await errorOf(() =>
      ProcessManifest.fromObject(
        {
          processes: [
            { name: 'missing', path: './nope.sh' },
            { name: 'plain', path: plain },
            { name: 'dir', path: sandbox.directory },
            { name: 'nowhere', path: 'definitely-not-a-command-xyz' },
            { name: 'cwd', path: 'sh', working_directory: 'no/such/dir' },
          ],
        },
        { directory: sandbox.directory },
      ),
    );
    const text = error.problems.join('\n');
    expect(text).toContain(`processes[0].path: ${join(sandbox.directory, 'nope.sh')} does not exist (process "missing")`);
    expect(text).toContain(`${plain} is not executable (chmod +x it) (process "plain")`);
    expect(text).toContain('is a directory, not an executable (process "dir")');
    expect(text).toMatch(/"definitely-not-a-command-xyz" was not found on PATH \(searched .+\)/);
    expect(text).toContain(`processes[4].working_directory: ${join(sandbox.directory, 'no/such/dir')} does not exist (process "cwd")`);
  });

  test('YAML that is not a mapping, an empty file and invalid JSON name the file and line', async () => {
    const list = await errorOf(() => ProcessManifest.fromFile(sandbox.file('list.yaml', '- a\n- b\n')));
    expect(list.message).toMatch(/list\.yaml: expected a mapping with a "processes" list at the top level, got a list/);
    const empty = await errorOf(() => ProcessManifest.fromFile(sandbox.file('empty.yaml', '')));
    expect(empty.message).toMatch(/empty\.yaml: expected a mapping .* got an empty document/);
    const json = await errorOf(() => ProcessManifest.fromFile(sandbox.file('bad.json', '{\n  "processes": [\n    oops\n  ]\n}\n')));
    expect(json.code).toBe('PILOT_MANIFEST_PARSE');
    expect(json.message).toMatch(/bad\.json:3:\d+: invalid JSON/);
    const yaml = await errorOf(() => ProcessManifest.fromFile(sandbox.file('bad.yaml', 'processes:\n  - name: a\n    path: [unclosed\n')));
    expect(yaml.code).toBe('PILOT_MANIFEST_PARSE');
    expect(yaml.message).toMatch(/bad\.yaml:\d+:\d+/);
  });

  test('a missing manifest file says so', async () => {
    const error = await errorOf(() => ProcessManifest.fromFile(join(sandbox.directory, 'nope.yaml')));
    expect(error.code).toBe('PILOT_MANIFEST_NOT_FOUND');
    expect(error.message).toContain('nope.yaml does not exist');
  });
});

test('the JSON Schema is generated from the zod schema', () => {
  const schema = manifestJsonSchema();
  expect(schema.required).toEqual(['processes']);
  const process = schema.properties.processes.items;
  expect(process.additionalProperties).toBe(false);
  expect(process.properties.shutdown_strategy.enum).toEqual(['restart', 'do_not_restart', 'shutdown_everything']);
  expect(process.required).toEqual(['name', 'path']);
  expect(process.properties.stop_signal.enum).toEqual(expect.arrayContaining(['SIGTERM', 'SIGINT', 'SIGUSR2']));
  expect(process.properties.stop_signal.enum).not.toContain('SIGFOO');
  expect(process.properties.ready_timeout_sec.maximum).toBe(2_147_483.647);
});
