import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { stringify } from 'yaml';
import { cleanUp, pilot } from '../cli/cli-support.js';
import { Sandbox, fixture } from '../support/index.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await cleanUp(sandbox)).toEqual([]));

/** A schema error, a missing executable and an unknown ready_strategy, in three entries. */
function threeProblems(): string {
  return sandbox.file(
    'pilot.yaml',
    stringify({
      processes: [
        { name: 'api', path: fixture('sleep-forever.sh'), stop_signal: 'SIGTREM' },
        { name: 'db', path: './no-such-db' },
        { name: 'web', path: fixture('sleep-forever.sh'), ready_strategy: 'htp' },
      ],
    }),
  );
}

test.each([['validate'], ['run', '--stop-after', '1']])('pilot %s lists every problem in one error, exit 1, nothing started', async (...args) => {
  const file = threeProblems();
  const result = await pilot(args, { cwd: sandbox.directory, marker: sandbox.marker });
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  const lines = result.stderr.split('\n');
  expect(lines[0]).toBe(`error: ${file} has 3 problems:`);
  expect(lines.slice(1, 4)).toEqual([
    '  - processes[0].stop_signal: expected a signal name Node knows, such as "SIGTERM", "SIGINT", "SIGHUP" or "SIGUSR1", got "SIGTREM" (did you mean "SIGTERM"?)',
    `  - processes[1].path: ${sandbox.directory}/no-such-db does not exist (process "db")`,
    expect.stringMatching(/^ {2}- processes\[2\]\.ready_strategy: no loaded plugin provides the readiness strategy "htp" \(did you mean "http"\?\)/),
  ]);
  expect(result.stderr).not.toContain('looks like a bug');
});
