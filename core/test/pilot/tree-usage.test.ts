import { afterEach, beforeEach, expect, test } from '@jest/globals';
import { descendantsOf } from '../../src/process/proc-table.js';
import { sampleTreesWithPidusage } from '../../src/process/pidusage-usage.js';
import { sampleTree } from '../../src/process/tree-usage.js';
import { StatsSampler, type SampleTarget, type UsageSample } from '../../src/stats.js';
import { Sandbox, eventually } from '../support/index.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

test('sampleTree of this very process agrees with what Node says of it (clock ticks and page size read right)', () => {
  const before = process.cpuUsage();
  const usage = sampleTree(process.pid)!;
  const after = process.cpuUsage();
  const rss = process.memoryUsage().rss;
  const own = [...usage.perProcess!].find(([key]) => key.startsWith(`${process.pid}:`))![1];
  // /proc counts in ticks of 10 ms (CLK_TCK 100): one tick each way.
  expect(own).toBeGreaterThanOrEqual((before.user + before.system) / 1e6 - 0.02);
  expect(own).toBeLessThanOrEqual((after.user + after.system) / 1e6 + 0.02);
  if (usage.processes === 1) expect(Math.abs(usage.memory - rss) / rss).toBeLessThan(0.1);
  else expect(usage.memory).toBeGreaterThan(rss * 0.9);
  expect(usage.ageSeconds).toBeLessThanOrEqual(process.uptime() + 1);
  expect(usage.ageSeconds).toBeGreaterThanOrEqual(process.uptime() - 1);
  expect(sampleTree(2 ** 22 + 1)).toBeUndefined();
});

test('a child that died between two samples never makes the tree CPU negative', async () => {
  const manifest = await sandbox.manifest({
    // The shell waits for its busy child, then stays as a sleep.
    processes: [{ name: 'tree', path: 'sh', args: ['-c', `${process.execPath} -e "for(;;){}"; exec sleep 1000`] }],
  });
  const pilot = sandbox.pilot(manifest);
  await pilot.start();
  const pid = pilot.getRunningProcess('tree')!.pid!;
  await eventually(() => (sampleTree(pid)?.cpuSeconds ?? 0) > 0.3, 'the child to burn some CPU');
  const sampler = new StatsSampler(1000, () => [{ name: 'tree', pid }], async () => undefined);
  const [first] = await sampler.sample();
  const burned = sampleTree(pid)!.cpuSeconds;
  const busy = descendantsOf(pid).find((entry) => entry.ppid === pid)!;
  process.kill(busy.pid, 'SIGKILL');
  await eventually(() => sampleTree(pid)!.cpuSeconds < burned, "the dead child's CPU to leave the tree's total");
  const [second] = await sampler.sample();
  expect(first!.cpu).toBeGreaterThan(0);
  expect(second!.cpu).toBeGreaterThanOrEqual(0);
  expect(second!.maxCpu).toBeGreaterThanOrEqual(first!.cpu);
});

test("a target's own usage() replaces the /proc walk; a throwing one is reported and skipped; state is kept only for live targets", async () => {
  let cpuSeconds = 10;
  const remote: SampleTarget = { name: 'remote', pid: 7, usage: (): UsageSample => ({ cpuSeconds: (cpuSeconds += 0.5), memory: 4096, processes: 3 }) };
  const broken: SampleTarget = { name: 'broken', pid: 8, usage: () => { throw new Error('ssh connection lost'); } };
  let targets = [remote, broken];
  const errors: unknown[] = [];
  const sampler = new StatsSampler(1000, () => targets, async () => undefined, (error) => errors.push(error));
  await sampler.sample();
  const [sample] = await sampler.sample();
  expect(sample).toMatchObject({ name: 'remote', pid: 7, memory: 4096, processes: 3 });
  expect(sample!.cpu).toBeGreaterThan(0);
  expect(errors.map((error) => (error as Error).message)).toEqual(['ssh connection lost', 'ssh connection lost']);
  expect(sampler.tracked).toBe(1);
  targets = [];
  await sampler.sample();
  expect(sampler.tracked).toBe(0);
});

test('the pidusage fallback (for systems without /proc) gives the same shape as the /proc walk', async () => {
  const manifest = await sandbox.manifest({ processes: [{ name: 'tree', path: 'sh', args: ['-c', 'sleep 1000; echo never'] }] });
  const pilot = sandbox.pilot(manifest);
  await pilot.start();
  const pid = pilot.getRunningProcess('tree')!.pid!;
  await eventually(() => (sampleTree(pid)?.processes ?? 0) === 2, 'the shell and its sleep');
  const viaProc = sampleTree(pid)!;
  const viaPidusage = (await sampleTreesWithPidusage([pid, 2 ** 22 + 1])).get(pid)!;
  expect(viaPidusage.processes).toBe(2);
  expect([...viaPidusage.perProcess!.keys()].sort()).toEqual(descendantsOf(pid).map((entry) => String(entry.pid)).concat(String(pid)).sort());
  expect(Math.abs(viaPidusage.memory - viaProc.memory) / viaProc.memory).toBeLessThan(0.2);
  expect(Math.abs(viaPidusage.cpuSeconds - viaProc.cpuSeconds)).toBeLessThan(0.05);
});
