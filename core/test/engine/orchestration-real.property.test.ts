import { afterEach, beforeEach, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { ProcessPilot } from '../../src/index.js';
import { MARKER_VARIABLE, Sandbox, fixture } from '../support/index.js';
import { activeProcesses, dag, manifestOf, operation, play, turnsPlugin, watchInvariants, type Dag, type Operation } from './orchestration-model.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => expect(await sandbox.cleanup()).toEqual([]));

/** Live direct children of this test process that run process `name` of this sandbox (its main processes). */
function liveInstances(name: string): number {
  const needles = [`${MARKER_VARIABLE}=${sandbox.marker}\0`, `PILOT_TEST_PROCESS=${name}\0`];
  let count = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z' || Number(ppid) !== process.pid) continue;
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
      if (needles.every((needle) => environ.includes(needle))) count += 1;
    } catch {
      // gone meanwhile
    }
  }
  return count;
}

async function onRealProcesses(graph: Dag, operations: Operation[]): Promise<void> {
  const manifest = manifestOf(graph, fixture('exit-on-usr2.sh'), { [MARKER_VARIABLE]: sandbox.marker });
  const pilot = new ProcessPilot(manifest, { plugins: [turnsPlugin], handleSignals: false, reportError: () => undefined });
  const violations = watchInvariants(pilot, graph, liveInstances);
  await play(pilot, graph, operations, {
    crash: (name) => {
      if (pilot.getRunningProcess(name)?.pid !== undefined) pilot.crashProcess(name);
    },
    // Our own child (pid from the pilot), told to exit with code 3 by its SIGUSR2 trap.
    exit: (name) => {
      const pid = pilot.getRunningProcess(name)?.pid;
      if (pid !== undefined) process.kill(pid, 'SIGUSR2');
    },
  });
  expect(violations).toEqual([]);
  expect(activeProcesses(pilot)).toEqual([]);
  // Nothing of any run is alive: main processes, and the sleeps they left behind.
  expect(sandbox.leftovers()).toEqual([]);
}

test('the same invariants hold with real processes on the local executor (fewer, smaller runs)', async () => {
  await fc.assert(fc.asyncProperty(dag(4), fc.array(operation, { maxLength: 12 }), onRealProcesses), { numRuns: Number(process.env.PILOT_PROPERTY_RUNS_REAL ?? 15) });
}, 120_000);
