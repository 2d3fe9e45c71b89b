import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { Sandbox, fixture } from '../support/index.js';
import { FILE_READY_PLUGIN, CliRun, cleanUp, eventLines, hasScript, jsonLines, pilot, writeManifest } from './cli-support.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await cleanUp(sandbox)).toEqual([]));

const ANSI = /\x1b\[/;

/** Two processes that print to both streams; `long-name` depends on `db`. */
function twoProcesses(): string {
  return writeManifest(sandbox, {
    processes: [
      { name: 'db', path: '/bin/sh', args: ['-c', 'echo "db up"; echo "db warning" >&2; exec sleep 1000'] },
      { name: 'long-name', path: '/bin/sh', args: ['-c', 'echo "listening on 3000"; exec sleep 1000'], dependencies: ['db'] },
    ],
  });
}

/** Run until both processes printed, then stop through --stop-after's graceful path. */
function runToEnd(args: string[], env: Record<string, string> = {}) {
  return pilot(['run', twoProcesses(), '--stop-after', '0.3', ...args], { cwd: sandbox.directory, marker: sandbox.marker, env });
}

test('prefixes every line with its process name, aligned, and marks pilot events; no colour when piped', async () => {
  const result = await runToEnd([]);
  expect(result.code).toBe(0);
  const lines = result.stdout.split('\n');
  expect(lines).toContain('db        | db up');
  expect(lines).toContain('db        | db warning');
  expect(lines).toContain('long-name | listening on 3000');
  expect(result.stdout).not.toMatch(ANSI);
  const events = eventLines(result.stdout);
  expect(lines.filter((line) => line.startsWith('pilot     > ')).length).toBe(events.length);
  expect(events[0]).toMatch(/^starting db, long-name from pilot\.yaml$/);
  expect(events).toContainEqual(expect.stringMatching(/^db started \(pid \d+\)$/));
  expect(events).toContainEqual(expect.stringMatching(/^long-name ready in \d+ ms$/));
  expect(events).toContainEqual(expect.stringMatching(/^all 2 processes ready in /));
  expect(events).toContain('stopping everything: --stop-after 0.3 s elapsed');
  expect(events.at(-1)).toBe('done: --stop-after 0.3 s elapsed');
});

test('FORCE_COLOR colours piped output; NO_COLOR and --no-color win over it', async () => {
  const forced = await runToEnd([], { FORCE_COLOR: '1' });
  expect(forced.stdout).toMatch(ANSI);
  const noColor = await runToEnd([], { FORCE_COLOR: '1', NO_COLOR: '1' });
  expect(noColor.stdout).not.toMatch(ANSI);
  expect(noColor.stdout.split('\n')).toContain('db        | db up');
  const flag = await runToEnd(['--no-color'], { FORCE_COLOR: '1' });
  expect(flag.stdout).not.toMatch(ANSI);
});

test('--output json prints one JSON object per line for each log line and event', async () => {
  const result = await runToEnd(['--output', 'json']);
  expect(result.code).toBe(0);
  const objects = jsonLines(result.stdout);
  expect(objects.every((object) => typeof object.time === 'string' && !Number.isNaN(Date.parse(object.time as string)))).toBe(true);
  expect(objects).toContainEqual(expect.objectContaining({ type: 'log', process: 'db', stream: 'stdout', text: 'db up' }));
  expect(objects).toContainEqual(expect.objectContaining({ type: 'log', process: 'db', stream: 'stderr', text: 'db warning' }));
  expect(objects).toContainEqual(expect.objectContaining({ type: 'event', event: 'ready', process: 'long-name' }));
  expect(objects.at(-1)).toMatchObject({ type: 'event', event: 'exit', code: 0 });
  const stopped = objects.filter((object) => object.event === 'stopped').map((object) => object.process);
  expect(stopped).toEqual(['long-name', 'db']);
});

test('--output raw passes process output through untouched and puts pilot events on stderr', async () => {
  const result = await runToEnd(['--output', 'raw'], { FORCE_COLOR: '1' });
  expect(result.stdout.split('\n').sort()).toEqual(['', 'db up', 'listening on 3000']);
  expect(result.stderr).toContain('db warning\n');
  expect(result.stderr).toContain('[pilot] all 2 processes ready');
  expect(result.stdout + result.stderr).not.toMatch(ANSI);
});

test('--only runs the named processes and their dependencies, nothing else', async () => {
  const file = writeManifest(sandbox, {
    processes: [
      { name: 'db', path: fixture('sleep-forever.sh') },
      { name: 'api', path: fixture('sleep-forever.sh'), dependencies: ['db'] },
      { name: 'worker', path: fixture('sleep-forever.sh') },
    ],
  });
  const result = await pilot(['run', file, '--only', 'api', '--stop-after', '0', '-o', 'json'], { cwd: sandbox.directory, marker: sandbox.marker });
  expect(result.code).toBe(0);
  const spawned = jsonLines(result.stdout).filter((object) => object.event === 'spawned').map((object) => object.process);
  expect(spawned).toEqual(['db', 'api']);
  const unknown = await pilot(['run', file, '--only', 'nope'], { cwd: sandbox.directory, marker: sandbox.marker });
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain('error: no process is named "nope"; known: db, api, worker');
});

(hasScript() ? test : test.skip)('on a terminal: a colour per process and a live status line while waiting for readiness', async () => {
  const file = writeManifest(sandbox, {
    plugins: [FILE_READY_PLUGIN],
    processes: [
      { name: 'db', path: fixture('sleep-forever.sh'), ready_strategy: 'test-file', ready_params: { path: 'db.ready' }, ready_timeout_sec: 30 },
      // Ready once it printed its line, so that --stop-after 0 cannot stop it before it printed.
      { name: 'api', path: fixture('sleep-forever.sh'), dependencies: ['db'], ready_strategy: 'log', ready_params: { pattern: '^started' } },
    ],
  });
  const run = new CliRun(['run', file, '--stop-after', '0'], { cwd: sandbox.directory, marker: sandbox.marker, tty: true });
  await run.until(/waiting for db \(test-file\) \d+\.\d s/);
  sandbox.file('db.ready', '');
  const result = await run.done;
  expect(result.stdout).toMatch(/\x1b\[36mdb\x1b\[39m/);
  expect(result.stdout).toMatch(/\x1b\[35mapi +\x1b\[39m/);
  // The status line is erased before each later line and is gone at the end.
  expect(result.stdout).toContain('\r\x1b[2K');
  expect(result.stdout.trimEnd().split('\n').at(-1)).not.toContain('waiting for');
});

test('pretty output shows control sequences of a child escaped (colours kept only with colour on); raw passes them as printed', async () => {
  const file = writeManifest(sandbox, {
    processes: [{ name: 'esc', path: '/bin/sh', args: ['-c', `printf '\\033[2J\\033]0;title\\007\\033[31mred\\033[0m\\n'; exec sleep 1000`] }],
  });
  const run = (args: string[], env: Record<string, string> = {}) => pilot(['run', file, '--stop-after', '0.3', ...args], { cwd: sandbox.directory, marker: sandbox.marker, env });
  const plain = await run([]);
  expect(plain.stdout.split('\n')).toContain('esc   | \\x1b[2J\\x1b]0;title\\x07\\x1b[31mred\\x1b[0m');
  const coloured = await run([], { FORCE_COLOR: '1' });
  expect(coloured.stdout).toContain('\\x1b[2J\\x1b]0;title\\x07\x1b[31mred\x1b[0m\n');
  const raw = await run(['--output', 'raw']);
  expect(raw.stdout).toBe('\x1b[2J\x1b]0;title\x07\x1b[31mred\x1b[0m\n');
});

test('a flood of lines keeps every line, prefixed, in order; a control character deep inside a chunk is still escaped', async () => {
  const script = "let s = ''; for (let i = 0; i < 50000; i++) s += (i === 25000 ? 'bell \\x07 here' : 'line ' + i) + '\\n'; require('fs').writeSync(1, s)";
  const file = writeManifest(sandbox, { processes: [{ name: 'many', path: process.execPath, args: ['-e', script], shutdown_strategy: 'do_not_restart' }] });
  const result = await pilot(['run', file], { cwd: sandbox.directory, marker: sandbox.marker });
  expect(result.code).toBe(0);
  const lines = result.stdout.split('\n').filter((line) => line.startsWith('many  | '));
  expect(lines).toEqual(Array.from({ length: 50000 }, (_, index) => `many  | ${index === 25000 ? 'bell \\x07 here' : `line ${index}`}`));
});
