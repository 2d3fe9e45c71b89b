import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { stringify } from 'yaml';
import { ProcessManifest, ProcessPilot, definePlugin } from '../../src/index.js';
import { FILE_READY_PLUGIN } from '../cli/cli-support.js';
import { Sandbox, fixture } from '../support/index.js';
import { errorOf } from './manifest-errors.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

const sleeper = fixture('sleep-forever.sh');

/** A schema error, a missing executable, an unknown strategy, bad strategy options and an unknown dependency. */
function everyKindOfProblem(): string {
  return sandbox.file(
    'pilot.yaml',
    stringify({
      plugins: [FILE_READY_PLUGIN],
      processes: [
        { name: 'api', path: './missing-server', timeout: -1, ready_strategy: 'tcpp' },
        { name: 'db', path: sleeper, stop_signal: 'SIGFOO', ready_strategy: 'test-file', ready_params: 'not a mapping' },
        { name: 'web', path: sleeper, dependencies: ['apj'], ready_strategy: 'test-file', ready_params: { path: 'web.ready' }, stat_handlers: ['nope'] },
      ],
    }),
  );
}

const expectedProblems = (file: string) => [
  'processes[0].timeout: expected a number of seconds > 0, got -1',
  'processes[1].stop_signal: expected a signal name Node knows, such as "SIGTERM", "SIGINT", "SIGHUP" or "SIGUSR1", got "SIGFOO"',
  'processes[1].ready_params: expected record, got "not a mapping"',
  `processes[0].path: ${file.replace(/pilot\.yaml$/, 'missing-server')} does not exist (process "api")`,
  'processes[2].dependencies[0]: no process is named "apj" (did you mean "api"?); known: api, db, web',
  expect.stringMatching(/^processes\[0\]\.ready_strategy: no loaded plugin provides the readiness strategy "tcpp"/),
  expect.stringMatching(/^processes\[2\]\.stat_handlers\[0\]: no loaded plugin provides the stats handler "nope"/),
];

test('schema, executable, dependency and plugin-name problems come in one error from fromFile', async () => {
  const file = everyKindOfProblem();
  const error = await errorOf(() => ProcessManifest.fromFile(file));
  expect(error.code).toBe('PILOT_MANIFEST_INVALID');
  expect(error.problems).toEqual(expectedProblems(file));
  expect(error.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} has 7 problems:\n`));
});

test('new ProcessPilot(await ProcessManifest.fromFile(...)).start() reports them all at once too', async () => {
  const file = everyKindOfProblem();
  const error = await errorOf(async () => {
    const pilot = sandbox.pilot(await ProcessManifest.fromFile(file));
    await pilot.start();
  });
  expect(error.problems).toEqual(expectedProblems(file));
});

test('a check that depends on an invalid field is skipped, so nothing is a consequence of another problem', async () => {
  const file = sandbox.file(
    'pilot.yaml',
    stringify({
      processes: [
        // shell is invalid: whether `path` is a command line or an executable is unknown.
        { name: 'a', path: 'echo hi && sleep 1', shell: 'yes' },
        // env is invalid: the PATH the lookup would use is unknown.
        { name: 'b', path: 'no-such-command-here', env: 'PATH=/nowhere' },
        { name: 'c', path: sleeper, working_directory: 7 },
      ],
      plugins: 'not-a-list',
    }),
  );
  const error = await errorOf(() => ProcessManifest.fromFile(file));
  expect(error.problems).toEqual([
    'processes[0].shell: expected boolean, got "yes"',
    'processes[1].env: expected record, got "PATH=/nowhere"',
    'processes[2].working_directory: expected string, got 7',
    'plugins: expected array, got "not-a-list"',
  ]);
});

test('plugins given to the pilot in code count as known when the manifest has other problems', async () => {
  const file = sandbox.file('pilot.yaml', stringify({ processes: [{ name: 'a', path: sleeper, timeout: 0, ready_strategy: 'in-code' }] }));
  const inCode = definePlugin({ name: 'in-code', apply: (pilot) => pilot.readiness.register({ name: 'in-code', wait: async () => undefined }) });
  const error = await errorOf(() => ProcessManifest.fromFile(file, { pilotOptions: { plugins: [inCode] } }));
  expect(error.problems).toEqual(['processes[0].timeout: expected a number of seconds > 0, got 0']);
});

test('a valid manifest still loads without touching plugins; the pilot checks its names when it initializes', async () => {
  const file = sandbox.file('pilot.yaml', stringify({ processes: [{ name: 'a', path: sleeper, ready_strategy: 'tcpp' }] }));
  const manifest = await ProcessManifest.fromFile(file);
  const error = await errorOf(() => new ProcessPilot(manifest, { handleSignals: false }).initialize());
  expect(error.code).toBe('PILOT_UNKNOWN_NAME');
});
