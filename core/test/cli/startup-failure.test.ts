import { homedir } from 'node:os';
import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { shortPathList } from '../../src/manifest/executable.js';
import { Sandbox, fixture } from '../support/index.js';
import { FILE_READY_PLUGIN, cleanUp, eventLines, pilot, writeManifest } from './cli-support.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await cleanUp(sandbox)).toEqual([]));

const occurrences = (text: string, part: string) => text.split(part).length - 1;

test('pilot run prints a start-up failure once, with its last output lines, and no dangling "its last output"', async () => {
  const file = writeManifest(sandbox, {
    plugins: [FILE_READY_PLUGIN],
    processes: [{ name: 'broken', path: fixture('exit-with.sh'), args: ['3'], ready_strategy: 'test-file', ready_params: { path: 'never' } }],
  });
  const result = await pilot(['run', file, '--no-color'], { cwd: sandbox.directory, marker: sandbox.marker });
  expect(result.code).toBe(1);
  const everything = result.stdout + result.stderr;
  expect(occurrences(everything, 'exited with code 3 before it was ready')).toBe(1);
  expect(everything).toContain('error: process "broken" exited with code 3 before it was ready (ready_strategy "test-file"); its last output:\n    ! failure detail on stderr\n');
  // Every mention of "its last output" is followed by the lines.
  expect(everything).not.toMatch(/its last output(?!:\n {4}[!|] )/);
  const events = eventLines(result.stdout);
  expect(events).toContain('broken failed');
  expect(events.at(-1)).toBe('exit code 1: start-up failed (process "broken")');
  expect(result.stderr).toBe('');
});

test('with --output json the error is on stderr once, and in the error event', async () => {
  const file = writeManifest(sandbox, {
    plugins: [FILE_READY_PLUGIN],
    processes: [{ name: 'broken', path: fixture('exit-with.sh'), args: ['4'], ready_strategy: 'test-file', ready_params: { path: 'never' } }],
  });
  const result = await pilot(['run', file, '-o', 'json'], { cwd: sandbox.directory, marker: sandbox.marker });
  expect(result.code).toBe(1);
  expect(occurrences(result.stderr, 'exited with code 4 before it was ready')).toBe(1);
  expect(result.stderr).toContain('    ! failure detail on stderr');
});

test('a missing executable lists each PATH directory searched once, with ~ for the home directory', async () => {
  const home = homedir();
  const file = writeManifest(sandbox, { processes: [{ name: 'ghost', path: 'no-such-program-for-pilot' }] });
  const path = ['/usr/bin', `${home}/pilot-test-bin`, '/usr/bin', '/bin', `${home}/pilot-test-bin`].join(':');
  const result = await pilot(['run', file], { cwd: sandbox.directory, marker: sandbox.marker, env: { PATH: `${path}` } });
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('"no-such-program-for-pilot" was not found on PATH (searched /usr/bin:~/pilot-test-bin:/bin); give its full path or add its directory to PATH');
});

test('a long PATH is elided in the middle, keeping both ends', () => {
  const directories = Array.from({ length: 12 }, (_, index) => `/d${index}`);
  expect(shortPathList(directories, '/home/x')).toBe('/d0:/d1:/d2:/d3:/d4:... 5 more ...:/d10:/d11');
  expect(shortPathList(['/home/x', '/home/x/bin', '/home/xy/bin'], '/home/x')).toBe('~:~/bin:/home/xy/bin');
});
