import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from '@jest/globals';
import { CLI, killRunningClis, pilot } from './cli-support.js';

afterEach(killRunningClis);

const cwd = tmpdir();
const COMMANDS = ['run', 'validate', 'graph', 'schema', 'status', 'start', 'stop', 'restart', 'logs'];

test('--help lists every command with examples and exits 0', async () => {
  const result = await pilot(['--help'], { cwd });
  expect(result.code).toBe(0);
  for (const command of COMMANDS) expect(result.stdout).toMatch(new RegExp(`^  ${command}[ |]`, 'm'));
  expect(result.stdout).toContain('status|ps');
  expect(result.stdout).toContain('Examples:');
});

test.each(COMMANDS)('pilot %s --help shows its usage and examples', async (command) => {
  const result = await pilot([command, '--help'], { cwd });
  expect(result.code).toBe(0);
  expect(result.stdout).toContain(`Usage: pilot ${command}`);
  expect(result.stdout).toMatch(/Examples:\n {2}\$ pilot /);
  expect(result.stderr).toBe('');
});

test('pilot run --help documents its flags and exit codes', async () => {
  const { stdout } = await pilot(['run', '--help'], { cwd });
  for (const flag of ['--only', '--output', '--no-color', '--stop-after', '--debug']) expect(stdout).toContain(flag);
  expect(stdout).toContain('Exit codes:');
});

test('--version prints the version of @pilot/core', async () => {
  const { version } = JSON.parse(readFileSync(join(CLI, '..', '..', '..', 'package.json'), 'utf8')) as { version: string };
  const result = await pilot(['--version'], { cwd });
  expect(result.code).toBe(0);
  expect(result.stdout.trim()).toBe(version);
});

test('an unknown flag is a usage error (exit 2) naming the flag, a suggestion and where to look', async () => {
  const result = await pilot(['run', '--onyl', 'api'], { cwd });
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toContain("error: unknown option '--onyl'");
  expect(result.stderr).toContain('Did you mean --only?');
  expect(result.stderr).toContain('pilot run --help');
  expect(result.stderr).not.toMatch(/\n\s+at /);
});

test('an unknown command and a bad flag value are usage errors too', async () => {
  const unknown = await pilot(['rnu'], { cwd });
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain("unknown command 'rnu'");
  expect(unknown.stderr).toContain('Did you mean run?');
  const badValue = await pilot(['run', '--stop-after', 'soon'], { cwd });
  expect(badValue.code).toBe(2);
  expect(badValue.stderr).toContain('expected a number of seconds >= 0');
  const badChoice = await pilot(['graph', '--format', 'png'], { cwd });
  expect(badChoice.code).toBe(2);
  expect(badChoice.stderr).toMatch(/Allowed choices are text, mermaid, dot/);
  const missing = await pilot(['restart'], { cwd });
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain("missing required argument 'name'");
});
