import { afterEach, beforeEach, expect, jest, test } from '@jest/globals';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import statsLimits, { formatBytes, parseMemorySize, type LimitRestart } from '@pilot/plugin-stats-limits';
import { Sandbox, eventually, isAlive } from '../../../core/test/support/index.js';

const fixture = (name: string): string => join(dirname(fileURLToPath(import.meta.url)), 'fixtures', name);

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

const MiB = 1024 * 1024;
const memoryLimit = { name: 'limits', options: { max_memory: '100MB', samples: 2 } };

test('restarts a memory hog that stays above max_memory, one restart at a time, and reports why', async () => {
  const reported: LimitRestart[] = [];
  const manifest = await sandbox.manifest({
    stats_interval: 0.2,
    processes: [
      { name: 'hog', path: fixture('hog.mjs'), stat_handlers: [memoryLimit] },
      { name: 'calm', path: fixture('idle.sh'), stat_handlers: [memoryLimit] },
    ],
  });
  const pilot = sandbox.pilot(manifest, { plugins: [statsLimits({ onRestart: (event) => reported.push(event) })] });
  const lifecycle: string[] = [];
  for (const hook of ['spawn', 'stopping', 'stopped'] as const) {
    pilot.hooks[hook].tap('test', (info) => {
      if (info.name === 'hog') lifecycle.push(hook);
    });
  }
  await pilot.start();
  const firstPid = pilot.getRunningProcess('hog')!.pid!;

  await eventually(() => pilot.getRunningProcess('hog')!.restarts >= 2 && reported.length >= 2, 'two restarts of the hog', 20_000);
  const [first, second] = reported;
  expect(first).toEqual({
    process: 'hog',
    pid: firstPid,
    limit: 'max_memory',
    value: expect.any(Number),
    threshold: 100 * MiB,
    samples: 2,
    reason: expect.stringMatching(new RegExp(`^restarting "hog" \\(pid ${firstPid}\\): memory \\d+\\.\\d MiB above max_memory 100\\.0 MiB for 2 samples in a row$`)),
  });
  expect(first!.value).toBeGreaterThan(100 * MiB);
  expect(second!.pid).not.toBe(firstPid);
  expect(isAlive(firstPid)).toBe(false);
  // Each restart stops the one instance and starts the next: never two stops without a spawn between.
  expect(lifecycle.join(' ')).toMatch(/^spawn( stopping stopped spawn)+( stopping( stopped)?)?$/);
  expect(pilot.getRunningProcess('calm')!.restarts).toBe(0);
  expect(reported.every((event) => event.process === 'hog')).toBe(true);
});

test('restarts a process whose CPU stays above max_cpu; the default report is a console.warn line', async () => {
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    const limits = { name: 'limits', options: { max_cpu: 30, samples: 3 } };
    const manifest = await sandbox.manifest({
      stats_interval: 0.2,
      processes: [
        { name: 'burner', path: fixture('burn.sh'), stat_handlers: [limits] },
        { name: 'calm', path: fixture('idle.sh'), stat_handlers: [limits] },
      ],
    });
    const pilot = sandbox.pilot(manifest, { plugins: [statsLimits()] });
    await pilot.start();
    const firstPid = pilot.getRunningProcess('burner')!.pid;
    await eventually(() => pilot.getRunningProcess('burner')!.restarts >= 1, 'a restart of the burner', 20_000);
    expect(warn.mock.calls[0]).toEqual([
      expect.stringMatching(new RegExp(`^\\[@pilot/plugin-stats-limits\\] restarting "burner" \\(pid ${firstPid}\\): CPU \\d+\\.\\d% above max_cpu 30% for 3 samples in a row$`)),
    ]);
    expect(pilot.getRunningProcess('calm')!.restarts).toBe(0);
  } finally {
    warn.mockRestore();
  }
});

test('a pilot stop that arrives during a limit restart waits for it, and nothing is left running', async () => {
  const manifest = await sandbox.manifest({ stats_interval: 0.2, processes: [{ name: 'hog', path: fixture('hog.mjs'), stat_handlers: [memoryLimit] }] });
  const pilot = sandbox.pilot(manifest, { plugins: [statsLimits({ onRestart: () => undefined })] });
  let stopped: Promise<void> | undefined;
  // The limit restart is stopping the old instance and will spawn a new one: stop the pilot now.
  pilot.hooks.stopping.tap('test', () => {
    stopped ??= pilot.stop();
  });
  await pilot.start();
  const firstPid = pilot.getRunningProcess('hog')!.pid!;
  await eventually(() => stopped !== undefined, 'the limit restart to begin', 20_000);
  await stopped;
  expect(pilot.getRunningProcess('hog')).toMatchObject({ status: 'stopped', pid: undefined });
  expect(isAlive(firstPid)).toBe(false);
  expect(sandbox.leftovers()).toEqual([]);
});

test('a process two limits entries judge is restarted once per excess: the second entry finds the restart queued', async () => {
  const reported: LimitRestart[] = [];
  const entries = ['100MB', '90MB'].map((max_memory) => ({ name: 'limits', options: { max_memory, samples: 2 } }));
  const manifest = await sandbox.manifest({ stats_interval: 0.2, processes: [{ name: 'hog', path: fixture('hog.mjs'), stat_handlers: entries }] });
  const pilot = sandbox.pilot(manifest, { plugins: [statsLimits({ onRestart: (event) => reported.push(event) })] });
  await pilot.start();
  const firstPid = pilot.getRunningProcess('hog')!.pid!;
  await eventually(() => pilot.getRunningProcess('hog')!.restarts >= 1 && pilot.getRunningProcess('hog')!.status === 'running', 'a limit restart of the hog', 20_000);
  // Both entries saw the same samples over their limits; operations.busy made the second one skip.
  expect(reported.filter((event) => event.pid === firstPid)).toHaveLength(1);
});

test('bad options are reported with where they are and what was expected', async () => {
  const entries = [
    { max_cpu: 50, max_memory: '200XB' },
    {},
    { max_cpu: -1 },
    { max_memory: 1000, samples: 0 },
  ];
  const manifest = await sandbox.manifest({
    processes: entries.map((options, index) => ({ name: `p${index}`, path: fixture('idle.sh'), stat_handlers: [{ name: 'limits', options }] })),
  });
  const pilot = sandbox.pilot(manifest, { plugins: [statsLimits()] });
  const failure = pilot.start();
  await expect(failure).rejects.toThrow(/processes\[0\]\.stat_handlers\[0\]\.options\.max_memory: expected a positive number of bytes or a size like "200MB".*got "200XB"/);
  await expect(failure).rejects.toThrow(/processes\[1\]\.stat_handlers\[0\]\.options: set max_memory, max_cpu or both/);
  await expect(failure).rejects.toThrow(/processes\[2\]\.stat_handlers\[0\]\.options\.max_cpu: expected a CPU percentage > 0/);
  await expect(failure).rejects.toThrow(/processes\[3\]\.stat_handlers\[0\]\.options\.samples: expected an integer >= 1/);
});

test('memory sizes are bytes or 1024-based units', () => {
  expect(parseMemorySize('200MB')).toBe(200 * MiB);
  expect(parseMemorySize('200M')).toBe(200 * MiB);
  expect(parseMemorySize('1.5 GiB')).toBe(1.5 * 1024 * MiB);
  expect(parseMemorySize('512k')).toBe(512 * 1024);
  expect(parseMemorySize('4096')).toBe(4096);
  expect(parseMemorySize(4096)).toBe(4096);
  for (const bad of ['', 'abc', '-5MB', '5 TB', '0', 0, -1, Number.NaN, '1e3']) expect(parseMemorySize(bad)).toBeUndefined();
  expect(formatBytes(512)).toBe('512 B');
  expect(formatBytes(150 * MiB)).toBe('150.0 MiB');
});
