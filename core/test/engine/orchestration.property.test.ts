import { expect, test } from '@jest/globals';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProcessPilot } from '../../src/index.js';
import { FakeExecutor, TRANSITIONS } from '../../src/testing/index.js';
import { fixture } from '../support/index.js';
import { activeProcesses, dag, manifestOf, operation, play, turnsPlugin, watchInvariants, type Dag, type Operation } from './orchestration-model.js';

async function onFakeExecutor(graph: Dag, operations: Operation[]): Promise<void> {
  const executor = new FakeExecutor();
  const pilot = new ProcessPilot(manifestOf(graph, fixture('sleep-forever.sh')), { executor, plugins: [turnsPlugin], handleSignals: false, reportError: () => undefined });
  const violations = watchInvariants(pilot, graph, (name) => executor.alive().filter((run) => run.name === name).length);
  await play(pilot, graph, operations, {
    crash: (name) => executor.latest(name)?.exit(null, 'SIGKILL'),
    exit: (name, code) => executor.latest(name)?.exit(code),
  });
  expect(violations).toEqual([]);
  // After stop() resolved nothing of ours is alive, and nothing is left active.
  expect(executor.alive().map((run) => run.name)).toEqual([]);
  expect(activeProcesses(pilot)).toEqual([]);
}

test('orchestration invariants hold for random DAGs in random order under random interleavings (fake executor)', async () => {
  await fc.assert(fc.asyncProperty(dag(6), fc.array(operation, { maxLength: 25 }), onFakeExecutor), { numRuns: Number(process.env.PILOT_PROPERTY_RUNS ?? 500) });
});

test('the transition table in core matches the state machine documented in docs/hooks.md', () => {
  const doc = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'hooks.md'), 'utf8');
  const section = doc.slice(doc.indexOf('Every transition a process can make'));
  const rows = [...section.matchAll(/^\| `(\w+)` \| ((?:`\w+`(?:, )?)+) \|/gm)].map((m) => [m[1], [...m[2]!.matchAll(/`(\w+)`/g)].map((x) => x[1])]);
  expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(Object.entries(TRANSITIONS).map(([from, to]) => [from, [...to]])));
});
