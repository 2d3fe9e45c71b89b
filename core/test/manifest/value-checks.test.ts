import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { ProcessManifest } from '../../src/index.js';
import { Sandbox, fixture } from '../support/index.js';
import { errorOf } from './manifest-errors.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

const sleeper = fixture('sleep-forever.sh');
const load = (entry: Record<string, unknown>, top: Record<string, unknown> = {}) =>
  ProcessManifest.fromObject({ ...top, processes: [{ name: 'api', path: sleeper, ...entry }] }, { directory: sandbox.directory });
const problemsOf = async (entry: Record<string, unknown>, top: Record<string, unknown> = {}) => (await errorOf(() => load(entry, top))).problems;

describe('signal names', () => {
  test('an unknown stop_signal is a manifest error with a did-you-mean', async () => {
    expect(await problemsOf({ stop_signal: 'SIGFOO' })).toEqual([
      'processes[0].stop_signal: expected a signal name Node knows, such as "SIGTERM", "SIGINT", "SIGHUP" or "SIGUSR1", got "SIGFOO"',
    ]);
    expect(await problemsOf({ stop_signal: 'SIGTREM' })).toEqual([expect.stringMatching(/got "SIGTREM" \(did you mean "SIGTERM"\?\)$/)]);
    expect(await problemsOf({ stop_signal: 'term' })).toEqual([expect.stringMatching(/got "term" \(did you mean "SIGTERM"\?\)$/)]);
  });

  test('every signal Node knows is accepted', () => {
    expect(load({ stop_signal: 'SIGUSR2' }).processes[0]!.stop_signal).toBe('SIGUSR2');
    expect(load({ stop_signal: 'SIGWINCH' }).processes[0]!.stop_signal).toBe('SIGWINCH');
  });
});

describe('durations', () => {
  const cap = 'expected at most 2147483.647 seconds (about 24.8 days, the longest timer Node can set)';

  test('every seconds field above 2^31-1 ms is refused, naming the cap', async () => {
    const problems = await problemsOf(
      { ready_timeout_sec: 2_200_000, timeout: 2_200_000, restart_backoff: { initial_delay: 2_200_000, max_delay: 3e6, reset_after: 1e9 } },
      { kill_timeout: 2_200_000, stats_interval: 2_200_000 },
    );
    expect([...problems].sort()).toEqual(
      [
        `kill_timeout: ${cap}, got 2200000`,
        `processes[0].ready_timeout_sec: ${cap}, got 2200000`,
        `processes[0].restart_backoff.initial_delay: ${cap}, got 2200000`,
        `processes[0].restart_backoff.max_delay: ${cap}, got 3000000`,
        `processes[0].restart_backoff.reset_after: ${cap}, got 1000000000`,
        `processes[0].timeout: ${cap}, got 2200000`,
        `stats_interval: ${cap}, got 2200000`,
      ].sort(),
    );
  });

  test('the cap itself is accepted and a zero backoff still is', () => {
    const spec = load({ ready_timeout_sec: 2_147_483.647, restart_backoff: { initial_delay: 0 } }).processes[0]!;
    expect(spec.ready_timeout_sec).toBe(2_147_483.647);
    expect(spec.restart_backoff.initial_delay).toBe(0);
  });
});

describe('__proto__ keys', () => {
  test('in env, ready_params and at the top level, from YAML and from JSON, they are reported, not dropped', async () => {
    const yaml = `__proto__: 1\nprocesses:\n  - name: api\n    path: ${sleeper}\n    env: { __proto__: x, MODE: test }\n    ready_params: { nested: { __proto__: {} } }\n`;
    const expected = [
      '(manifest): key "__proto__" is not allowed (JavaScript would drop it silently); rename it',
      'processes[0].env: key "__proto__" is not allowed (JavaScript would drop it silently); rename it',
      'processes[0].ready_params.nested: key "__proto__" is not allowed (JavaScript would drop it silently); rename it',
    ];
    expect((await errorOf(() => ProcessManifest.fromYaml(yaml, { directory: sandbox.directory }))).problems).toEqual(expected);
    const json = JSON.stringify({ processes: [{ name: 'api', path: sleeper, env: { MODE: 'test' }, ready_params: { nested: {} } }] })
      .replace('{"MODE"', '{"__proto__":"x","MODE"')
      .replace('"nested":{}', '"nested":{"__proto__":{}}')
      .replace(/^\{/, '{"__proto__":1,');
    expect((await errorOf(() => ProcessManifest.fromJson(json, { directory: sandbox.directory }))).problems).toEqual(expected);
  });

  test('in an env_file too; constructor and prototype are ordinary names and are kept', async () => {
    sandbox.file('bad.env', 'A=1\n__proto__=2\n');
    expect(await problemsOf({ env_file: 'bad.env' })).toEqual([
      expect.stringMatching(/^processes\[0\]\.env_file: .*bad\.env defines "__proto__", which JavaScript would drop silently; rename it$/),
    ]);
    const env = ProcessManifest.fromYaml(`processes:\n  - name: api\n    path: ${sleeper}\n    env: { constructor: a, prototype: b }\n`, { directory: sandbox.directory }).processes[0]!.env;
    expect(Object.entries(env)).toEqual([['constructor', 'a'], ['prototype', 'b']]);
  });
});

describe('NUL bytes', () => {
  test('in an env value, an arg, the path or working_directory they are manifest errors naming the field', async () => {
    const nul = 'expected text without NUL bytes (a NUL cannot be passed to a process)';
    expect(await problemsOf({ env: { MODE: 'a\0b' }, args: ['ok', 'x\0'], working_directory: 'dir\0' })).toEqual([
      `processes[0].args[1]: ${nul}, got "x\\u0000"`,
      `processes[0].env.MODE: ${nul}, got "a\\u0000b"`,
      `processes[0].working_directory: ${nul}, got "dir\\u0000"`,
    ]);
    expect(await problemsOf({ path: `${sleeper}\0` })).toEqual([expect.stringMatching(/^processes\[0\]\.path: expected text without NUL bytes/)]);
  });

  test('in a value of an env_file', async () => {
    sandbox.file('nul.env', 'A=x\0y\n');
    expect(await problemsOf({ env_file: 'nul.env' })).toEqual([expect.stringMatching(/nul\.env gives A a value with a NUL byte, which cannot be passed to a process$/)]);
  });
});

describe('a UTF-8 byte order mark', () => {
  test('at the start of an env_file is ignored', () => {
    sandbox.file('bom.env', '\uFEFFFIRST=1\nSECOND=2\n');
    expect(load({ env_file: 'bom.env' }).processes[0]!.env).toEqual({ FIRST: '1', SECOND: '2' });
  });

  test('at the start of a YAML or JSON manifest file is ignored', async () => {
    const yaml = sandbox.file('bom.yaml', `\uFEFFprocesses:\n  - name: api\n    path: ${sleeper}\n`);
    const json = sandbox.file('bom.json', `\uFEFF${JSON.stringify({ processes: [{ name: 'api', path: sleeper }] })}`);
    expect((await ProcessManifest.fromFile(yaml)).processes[0]!.name).toBe('api');
    expect((await ProcessManifest.fromFile(json)).processes[0]!.name).toBe('api');
  });
});
