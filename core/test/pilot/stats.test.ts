import { afterEach, beforeEach, expect, test } from '@jest/globals';
import type { ProcessStats } from '../../src/index.js';
import { StatsSampler } from '../../src/stats.js';
import { Sandbox, fixture } from '../support/index.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

test('samples cover the whole tree with a meaningful CPU %, memory and maxima', async () => {
  const manifest = await sandbox.manifest({
    stats_interval: 0.2,
    // The shell stays (no exec) and its child burns CPU: the work is in a grandchild of the pilot.
    processes: [{ name: 'burner', path: 'sh', args: ['-c', `${process.execPath} -e "for(;;){}"; echo never`] }],
  });
  const pilot = sandbox.pilot(manifest);
  const busy = new Promise<ProcessStats>((resolve) =>
    pilot.hooks.statsSample.tap('test', (samples) => {
      const sample = samples.find((s) => s.name === 'burner');
      if (sample && sample.processes >= 2 && sample.cpu > 20) resolve(sample);
    }),
  );
  await pilot.start();
  const sample = await busy;
  expect(sample.pid).toBe(pilot.getRunningProcess('burner')!.pid);
  expect(sample.memory).toBeGreaterThan(10 * 1024 * 1024);
  expect(sample.maxCpu).toBeGreaterThanOrEqual(sample.cpu);
  expect(sample.maxMemory).toBeGreaterThanOrEqual(sample.memory);
});

test('a pid that exited just before sampling is skipped, never an error; the others are sampled', async () => {
  const manifest = await sandbox.manifest({
    processes: [
      { name: 'stays', path: fixture('sleep-forever.sh') },
      { name: 'goes', path: fixture('sleep-forever.sh') },
    ],
  });
  const pilot = sandbox.pilot(manifest);
  await pilot.start();
  const targets = pilot.getRunningProcess().map((info) => ({ name: info.name, pid: info.pid! }));
  await pilot.stopProcess('goes');
  const sampler = new StatsSampler(1000, () => targets, async () => undefined);
  const samples = await sampler.sample();
  expect(samples.map((sample) => sample.name)).toEqual(['stays']);
});
