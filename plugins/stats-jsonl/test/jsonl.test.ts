import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { existsSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import statsJsonl from '@pilot/plugin-stats-jsonl';
import { Sandbox, eventually } from '../../../core/test/support/index.js';

const fixture = (name: string): string => join(dirname(fileURLToPath(import.meta.url)), 'fixtures', name);

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

/** The JSON objects of a jsonl file (every line must parse); [] while it does not exist. */
function records(path: string): any[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line));
}

/** How many of this process's file descriptors are open on `path`. */
function openDescriptors(path: string): number {
  let count = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) count += 1;
    } catch {
      // closed meanwhile
    }
  }
  return count;
}

test('appends one JSON object a line for exactly the processes that list it, through one handle per file', async () => {
  const shared = join(sandbox.directory, 'pilot-stats.jsonl');
  const own = join(sandbox.directory, 'stats', 'c.jsonl');
  writeFileSync(shared, '{"kept":true}\n');
  const manifest = await sandbox.manifest({
    stats_interval: 0.2,
    processes: [
      { name: 'a', path: fixture('idle.sh'), stat_handlers: ['jsonl'] },
      { name: 'b', path: fixture('idle.sh') },
      { name: 'c', path: fixture('idle.sh'), stat_handlers: [{ name: 'jsonl', options: { path: 'stats/c.jsonl' } }] },
      { name: 'd', path: fixture('idle.sh'), stat_handlers: [{ name: 'jsonl' }] },
    ],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [statsJsonl()] });
  await pilot.start();
  const count = (path: string, name: string) => records(path).filter((record) => record.name === name).length;
  await eventually(() => count(shared, 'a') >= 3 && count(shared, 'd') >= 3 && count(own, 'c') >= 3, 'three samples each of a, d and c');
  expect(openDescriptors(shared)).toBe(1);
  expect(openDescriptors(own)).toBe(1);
  const pids = Object.fromEntries(pilot.getRunningProcess().map((info) => [info.name, info.pid]));
  await pilot.stop();
  expect(openDescriptors(shared)).toBe(0);
  expect(openDescriptors(own)).toBe(0);

  const [kept, ...lines] = records(shared);
  expect(kept).toEqual({ kept: true });
  expect(new Set(lines.map((record) => record.name))).toEqual(new Set(['a', 'd']));
  expect(new Set(records(own).map((record) => record.name))).toEqual(new Set(['c']));
  for (const record of [...lines, ...records(own)]) {
    expect(Object.keys(record)).toEqual(['timestamp', 'name', 'replica', 'pid', 'cpu', 'memory', 'maxCpu', 'maxMemory', 'processes']);
    expect(record.pid).toBe(pids[record.name]);
    expect(record.replica).toBe(0);
    expect(record.memory).toBeGreaterThan(0);
    expect(record.cpu).toBeGreaterThanOrEqual(0);
    expect(record.maxMemory).toBeGreaterThanOrEqual(record.memory);
    expect(record.maxCpu).toBeGreaterThanOrEqual(record.cpu);
    expect(record.processes).toBe(1);
    expect(Number.isInteger(record.timestamp)).toBe(true);
  }
  const times = lines.filter((record) => record.name === 'a').map((record) => record.timestamp);
  expect(times).toEqual([...times].sort((x, y) => x - y));
});

test('a sample covers the whole tree: a shell wrapper whose child burns CPU', async () => {
  const manifest = await sandbox.manifest({
    stats_interval: 0.2,
    processes: [{ name: 'tree', path: fixture('burn-tree.sh'), stat_handlers: [{ name: 'jsonl', options: { path: 'tree.jsonl' } }] }],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [statsJsonl()] });
  await pilot.start();
  const file = join(sandbox.directory, 'tree.jsonl');
  // The wrapper itself only waits: CPU well above zero can only come from its child.
  await eventually(() => records(file).some((record) => record.processes >= 2 && record.cpu > 10), 'a sample of the tree with its busy child');
  const busy = records(file).find((record) => record.processes >= 2 && record.cpu > 10);
  expect(busy).toMatchObject({ name: 'tree', pid: pilot.getRunningProcess('tree')!.pid });
  expect(busy.memory).toBeGreaterThan(0);
});

test('bad options are reported with where they are and what was expected', async () => {
  const manifest = await sandbox.manifest({
    processes: [
      { name: 'a', path: fixture('idle.sh'), stat_handlers: [{ name: 'jsonl', options: { path: 3 } }] },
      { name: 'b', path: fixture('idle.sh'), stat_handlers: [{ name: 'jsonl', options: { file: 'x.jsonl' } }] },
      { name: 'c', path: fixture('idle.sh'), stat_handlers: [{ name: 'jsonl', options: { error_interval: 0 } }] },
      { name: 'd', path: fixture('idle.sh'), stat_handlers: [{ name: 'jsonl', options: { error_interval: 3e6 } }] },
    ],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [statsJsonl()] });
  const failure = pilot.start();
  await expect(failure).rejects.toThrow(/processes\[0\]\.stat_handlers\[0\]\.options\.path/);
  await expect(failure).rejects.toThrow(/processes\[1\]\.stat_handlers\[0\]\.options: unknown key "file"/);
  await expect(failure).rejects.toThrow(/processes\[2\]\.stat_handlers\[0\]\.options\.error_interval: expected a number of seconds > 0/);
  await expect(failure).rejects.toThrow(/processes\[3\]\.stat_handlers\[0\]\.options\.error_interval: expected at most 2147483 seconds/);
  expect(pilot.getRunningProcess().map((info) => info.status)).toEqual(['stopped', 'stopped', 'stopped', 'stopped']);
});
