import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { Sandbox, fixture } from '../support/index.js';
import { FILE_READY_PLUGIN, cleanUp, pilot, writeManifest } from './cli-support.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await cleanUp(sandbox)).toEqual([]));

const cli = (...args: string[]) => pilot(args, { cwd: sandbox.directory, marker: sandbox.marker });

function threeProcesses(): string {
  return writeManifest(sandbox, {
    plugins: [FILE_READY_PLUGIN],
    processes: [
      { name: 'web', path: fixture('sleep-forever.sh'), dependencies: ['api', 'cache'] },
      { name: 'api', path: fixture('sleep-forever.sh'), dependencies: ['db'], ready_strategy: 'test-file', ready_params: { path: 'api.ready' } },
      { name: 'db', path: fixture('sleep-forever.sh'), ready_strategy: 'test-file', ready_params: { path: 'db.ready' }, shutdown_strategy: 'shutdown_everything' },
      { name: 'cache', path: fixture('sleep-forever.sh') },
    ],
  });
}

test('validate: a valid manifest gives a summary in start order with readiness and dependencies (exit 0)', async () => {
  const file = threeProcesses();
  const result = await cli('validate');
  expect(result.code).toBe(0);
  expect(result.stderr).toBe('');
  expect(result.stdout).toBe(
    [
      `${file} is valid: 4 processes; same step = started in parallel`,
      'STEP  NAME   READINESS                 DEPENDS ON  ON EXIT',
      '1     db     test-file path=db.ready   -           shutdown_everything',
      '1     cache  none (ready at spawn)     -           restart',
      '2     api    test-file path=api.ready  db          restart',
      '3     web    none (ready at spawn)     api, cache  restart',
      '',
    ].join('\n'),
  );
});

test('validate: every problem at once with its manifest path and a did-you-mean, exit 1, no stack trace', async () => {
  const file = sandbox.file('bad.yaml', 'processes:\n  - name: api\n    path: /bin/sh\n    dependecies: [db]\n    timeout: -1\n');
  const result = await cli('validate', 'bad.yaml');
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).toContain(`error: ${file} has 2 problems:`);
  expect(result.stderr).toContain('processes[0]: unknown key "dependecies" (did you mean "dependencies"?)');
  expect(result.stderr).toContain('processes[0].timeout: expected a number of seconds > 0');
  expect(result.stderr).not.toMatch(/\n\s+at /);
  const debug = await cli('validate', 'bad.yaml', '--debug');
  expect(debug.stderr).toMatch(/\n\s+at /);
});

test('validate: plugin names and options are checked too', async () => {
  writeManifest(sandbox, { processes: [{ name: 'api', path: fixture('sleep-forever.sh'), ready_strategy: 'no-such-strategy' }] });
  const result = await cli('validate');
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('processes[0].ready_strategy: no loaded plugin provides the readiness strategy "no-such-strategy"');
});

test('validate: a missing file, a YAML error and no manifest at all are one-paragraph errors naming the file', async () => {
  const missing = await cli('validate', 'nope.yaml');
  expect(missing.code).toBe(1);
  expect(missing.stderr).toBe(`error: manifest ${join(sandbox.directory, 'nope.yaml')} does not exist; pass the path of a pilot.yaml (or .json)\n`);
  sandbox.file('broken.yaml', 'processes:\n  - name: [unclosed\n');
  const broken = await cli('validate', 'broken.yaml');
  expect(broken.code).toBe(1);
  expect(broken.stderr).toContain(`${join(sandbox.directory, 'broken.yaml')}:`);
  const empty = join(sandbox.directory, 'empty');
  mkdirSync(empty);
  const none = await pilot(['validate'], { cwd: empty });
  expect(none.code).toBe(1);
  expect(none.stderr).toContain(`error: no manifest given and none of pilot.yaml, pilot.yml, pilot.json exists in ${empty}`);
});

test('graph: start steps as text, with readiness per node', async () => {
  threeProcesses();
  const result = await cli('graph');
  expect(result.code).toBe(0);
  expect(result.stdout).toBe(
    ['step 1 (in parallel)', '  db [ready: test-file]', '  cache [ready: none]', 'step 2', '  api [ready: test-file]  <- db', 'step 3', '  web [ready: none]  <- api, cache', ''].join('\n'),
  );
});

test('graph --format mermaid and dot: edges from dependency to dependent, strategy in each label', async () => {
  threeProcesses();
  const mermaid = await cli('graph', '--format', 'mermaid');
  expect(mermaid.stdout).toBe(
    [
      'flowchart LR',
      '  p0["web<br/>ready: none"]',
      '  p1["api<br/>ready: test-file"]',
      '  p2["db<br/>ready: test-file"]',
      '  p3["cache<br/>ready: none"]',
      '  p1 --> p0',
      '  p3 --> p0',
      '  p2 --> p1',
      '',
    ].join('\n'),
  );
  const dot = await cli('graph', '-f', 'dot');
  expect(dot.stdout).toContain('digraph pilot {');
  expect(dot.stdout).toContain('  "db" [label="db\\nready: test-file"];');
  expect(dot.stdout).toContain('  "db" -> "api";');
  expect(dot.stdout.trimEnd().endsWith('}')).toBe(true);
});

test('graph does not need the executables to exist (it only reads names and dependencies)', async () => {
  sandbox.file('pilot.yaml', 'processes:\n  - name: a\n    path: /no/such/binary\n  - name: b\n    path: also-missing\n    dependencies: [a]\n');
  const result = await cli('graph');
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('  b [ready: none]  <- a');
});
