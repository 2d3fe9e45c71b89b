import { afterAll, afterEach, beforeEach, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PilotError } from '@pilot/core';
import statsJsonl from '@pilot/plugin-stats-jsonl';
import { Sandbox, eventually } from '../../../core/test/support/index.js';

const fixture = (name: string): string => join(dirname(fileURLToPath(import.meta.url)), 'fixtures', name);

// A real full disk: a 64 KiB tmpfs of our own (we run as root here). Decided at load time so a
// refused mount skips the test with its reason instead of failing it.
const disk = mkdtempSync(join(tmpdir(), 'pilot-full-disk-'));
let refused: string | undefined;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', disk], { stdio: 'pipe' });
} catch (error) {
  refused = String((error as { stderr?: Buffer }).stderr ?? error).trim();
  console.warn(`skipping the full-disk test: cannot mount a tmpfs (${refused})`);
}
afterAll(() => {
  if (!refused) execFileSync('umount', [disk]);
  rmSync(disk, { recursive: true, force: true });
});

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

/** Fill the file system of `path` up to its last byte; returns how many bytes that took. */
function fillUp(path: string): number {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(512, 'x');
  let total = 0;
  try {
    for (;;) total += writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return total;
}

/** Every line of the file: each must be a whole JSON record, and the file must end with a newline. */
function wholeLines(path: string): { name: string }[] {
  const text = readFileSync(path, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n').map((line) => JSON.parse(line));
}

(refused ? test.skip : test)('on a full disk: whole lines only, errors reported at a bounded rate with the count dropped, writing resumes', async () => {
  const file = join(disk, 'stats.jsonl');
  const options = { path: file, error_interval: 0.5 };
  const manifest = await sandbox.manifest({
    stats_interval: 0.02,
    processes: ['a', 'b', 'c'].map((name) => ({ name, path: fixture('idle.sh'), stat_handlers: [{ name: 'jsonl', options }] })),
  });
  const reports: { at: number; message: string }[] = [];
  const pilot = sandbox.pilot(manifest, { plugins: [statsJsonl()], reportError: (error: PilotError) => reports.push({ at: performance.now(), message: error.message }) });
  // Rounds are chained: when round n + 1 is sampled, the write of round n has been done.
  let rounds = 0;
  let delivered = 0;
  pilot.hooks.statsSample.tap('test', (samples) => {
    rounds += 1;
    delivered += samples.length;
  });
  await pilot.start();
  await eventually(() => statSync(file).size > 0, 'the first records');

  // The disk fills up; appends still fit into the file's last page, then a write is cut short.
  const filler = join(disk, 'filler');
  fillUp(filler);
  const fullAt = performance.now();
  await eventually(() => reports.some((report) => /dropped/.test(report.message) && !/^.*; 3 records dropped/.test(report.message)), 'a second report that counts the records dropped meanwhile', 20_000);
  const elapsedMs = performance.now() - fullAt;
  expect(reports[0]!.message).toMatch(new RegExp(`jsonl: cannot append to ${file}: ENOSPC: no space left on device.*; 3 records dropped`));
  expect(reports[1]!.message).toMatch(/ENOSPC.*; \d+ records dropped \(errors are reported at most once every 0.5 s\)/);
  expect(Number(/; (\d+) records/.exec(reports[1]!.message)![1])).toBeGreaterThan(3);
  // One report at once, then at most one per interval: never one per stats round (every 20 ms).
  expect(reports.length).toBeLessThanOrEqual(1 + Math.ceil(elapsedMs / 500));
  const during = wholeLines(file);
  const failingRound = rounds + 1;
  await eventually(() => rounds > failingRound, 'one more failing write after the last report');

  // Space again: writing resumes, and the drops since the last report are reported once.
  unlinkSync(filler);
  await eventually(() => wholeLines(file).length > during.length + 3, 'records written again');
  await eventually(() => reports.some((report) => /writing again; \d+ more records were dropped/.test(report.message)), 'the report of the last drops');
  await pilot.stop();
  const lines = wholeLines(file);
  expect(new Set(lines.map((record) => record.name))).toEqual(new Set(['a', 'b', 'c']));
  // Every record is in the file or counted as dropped (but for a round still in flight at stop).
  const dropped = reports.reduce((sum, report) => sum + Number(/; (\d+) (?:more )?records? (?:were |was )?dropped/.exec(report.message)?.[1] ?? 0), 0);
  expect(lines.length + dropped).toBeLessThanOrEqual(delivered);
  expect(lines.length + dropped).toBeGreaterThanOrEqual(delivered - 3);
});
