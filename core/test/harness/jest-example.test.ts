import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MARKER_VARIABLE, Sandbox, eventually } from '../support/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const example = join(root, 'examples', 'jest-project');
let sandbox: Sandbox;
let runner: ChildProcess | undefined;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => {
  if (runner && runner.exitCode === null && runner.signalCode === null) runner.kill('SIGKILL');
  expect(await sandbox.cleanup()).toEqual([]);
});

async function apiAnswers(): Promise<boolean> {
  try {
    return (await fetch('http://127.0.0.1:47311/hello')).ok;
  } catch {
    return false;
  }
}

/** Run the example project's Jest; its services inherit the marker through the environment. */
function runExample(args: string[], env: Record<string, string> = {}) {
  runner = spawn(process.execPath, ['--experimental-vm-modules', join(root, 'node_modules/jest/bin/jest.js'), '--ci', ...args], {
    cwd: example,
    env: { ...process.env, ...env, [MARKER_VARIABLE]: sandbox.marker, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  runner.stdout!.on('data', (chunk) => (output += chunk));
  runner.stderr!.on('data', (chunk) => (output += chunk));
  return { runner, output: () => output };
}

test('the Jest example starts its services in globalSetup, its test passes, teardown leaves nothing', async () => {
  const { runner, output } = runExample(['-t', 'answers']);
  const [code] = await once(runner, 'exit');
  expect(output()).toMatch(/Tests:\s+2 skipped, 1 passed, 3 total/);
  expect(code).toBe(0);
  expect(sandbox.leftovers()).toEqual([]);
});

test('with --bail and a failing test, Jest skips globalTeardown, yet no service outlives the runner', async () => {
  const { runner, output } = runExample(['--bail'], { EXAMPLE_FAIL: '1' });
  const [code] = await once(runner, 'exit');
  expect(output()).toContain('a failing test');
  expect(code).not.toBe(0);
  await eventually(() => sandbox.leftovers().length === 0, 'the services to be gone');
});

test('Ctrl-C (SIGINT) to the runner while tests run: the services are stopped', async () => {
  const { runner, output } = runExample(['--testTimeout', '60000', '-t', 'hangs'], { EXAMPLE_HANG: '1' });
  // The API answering means globalSetup is done and the hanging test is running.
  await eventually(apiAnswers, `the example's API to answer (output: ${output()})`, 20_000);
  runner.kill('SIGINT');
  await once(runner, 'exit');
  await eventually(() => sandbox.leftovers().length === 0, 'the services to be gone');
});
