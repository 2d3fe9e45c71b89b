import { expect, test } from '@jest/globals';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { definePlugin, ProcessManifest, ProcessPilot, type ProcessState, type ReadinessStrategy } from '../../src/index.js';
import { FakeExecutor, TRANSITIONS, isTransition } from '../../src/testing/index.js';
import { fixture } from '../support/index.js';

/** Ready after `turns` turns of the event loop: readiness that takes time, deterministically. */
const turnsStrategy: ReadinessStrategy = {
  name: 'turns',
  wait: async (context) => {
    const turns = Number((context.options as { turns?: number }).turns ?? 1);
    for (let i = 0; i < turns && !context.signal.aborted; i += 1) await new Promise((resolve) => setImmediate(resolve));
    if (context.signal.aborted) throw context.signal.reason;
  },
};
const turnsPlugin = definePlugin({ name: 'test-turns', apply: (pilot) => pilot.readiness.register(turnsStrategy) });

type Operation =
  | { op: 'start' | 'stop' }
  | { op: 'startProcess' | 'stopProcess' | 'restart' | 'crash'; target: number }
  | { op: 'exit'; target: number; code: number }
  | { op: 'wait'; turns: number };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.constantFrom<Operation>({ op: 'start' }, { op: 'stop' }),
  fc.record({ op: fc.constantFrom('startProcess', 'stopProcess', 'restart', 'crash'), target: fc.nat(7) }) as fc.Arbitrary<Operation>,
  fc.record({ op: fc.constant('exit'), target: fc.nat(7), code: fc.constantFrom(0, 1, 3) }) as fc.Arbitrary<Operation>,
  fc.record({ op: fc.constant('wait'), turns: fc.integer({ min: 1, max: 6 }) }) as fc.Arbitrary<Operation>,
);

/** A random DAG: node i may depend on any node < i; then the nodes are listed in a random order. */
const dag = fc.integer({ min: 1, max: 6 }).chain((size) =>
  fc.tuple(
    fc.tuple(...Array.from({ length: size }, (_, i) => fc.subarray(Array.from({ length: i }, (_, j) => j)))),
    fc.shuffledSubarray(Array.from({ length: size }, (_, i) => i), { minLength: size, maxLength: size }),
    fc.array(fc.integer({ min: 0, max: 4 }), { minLength: size, maxLength: size }),
  ),
);

const turn = () => new Promise((resolve) => setImmediate(resolve));

async function runScenario([dependencies, order, readyTurns]: [number[][], number[], number[]], operations: Operation[]): Promise<void> {
  const names = dependencies.map((_, i) => `p${i}`);
  const manifest = ProcessManifest.fromObject({
    kill_timeout: 5,
    processes: order.map((i) => ({
      name: names[i],
      path: fixture('sleep-forever.sh'),
      dependencies: dependencies[i]!.map((d) => names[d]),
      ready_strategy: 'turns',
      ready_params: { turns: readyTurns[i] },
      max_restarts: 3,
      restart_backoff: { initial_delay: 0, reset_after: 1000 },
    })),
  });
  const executor = new FakeExecutor();
  const pilot = new ProcessPilot(manifest, { executor, plugins: [turnsPlugin], handleSignals: false, reportError: () => undefined });
  const violations: string[] = [];
  const status = (name: string) => pilot.getRunningProcess(name)!.status;
  pilot.hooks.stateChange.tap('test', (info, from, to) => {
    if (!isTransition(from, to)) violations.push(`${info.name}: ${from} -> ${to} is not in the state machine`);
    // A fresh start (not a restart) begins only once every dependency is running and ready.
    if (to === 'starting' && from !== 'restarting') {
      const index = names.indexOf(info.name);
      for (const d of dependencies[index]!) {
        if (status(names[d]!) !== 'running') violations.push(`${info.name} started while its dependency ${names[d]} was ${status(names[d]!)}`);
      }
    }
  });
  pilot.hooks.spawn.tap('test', (info) => {
    const live = executor.alive().filter((run) => run.name === info.name);
    if (live.length > 1) violations.push(`${info.name} has ${live.length} live runs`);
  });
  const pending: Promise<unknown>[] = [];
  const fire = (work: () => Promise<unknown>) => {
    const promise = (async () => work())().catch(() => undefined);
    pending.push(promise);
  };
  for (const step of operations) {
    const name = 'target' in step ? names[step.target % names.length]! : '';
    switch (step.op) {
      case 'start': fire(() => pilot.start()); break;
      case 'stop': fire(() => pilot.stop()); break;
      case 'startProcess': fire(() => pilot.startProcess(name)); break;
      case 'stopProcess': fire(() => pilot.stopProcess(name)); break;
      case 'restart': fire(() => pilot.restartProcesses(name)); break;
      case 'crash': executor.latest(name)?.exit(null, 'SIGKILL'); break;
      case 'exit': executor.latest(name)?.exit(step.code); break;
      case 'wait': for (let i = 0; i < step.turns; i += 1) await turn(); break;
    }
  }
  await pilot.stop();
  await Promise.all(pending);
  await pilot.stop();
  expect(violations).toEqual([]);
  // After stop() resolved nothing of ours is alive, and nothing is left active.
  expect(executor.alive().map((run) => run.name)).toEqual([]);
  const active: ProcessState[] = ['starting', 'running', 'stopping', 'restarting'];
  expect(pilot.getRunningProcess().filter((info) => active.includes(info.status)).map((info) => `${info.name}: ${info.status}`)).toEqual([]);
}

test('orchestration invariants hold for random DAGs in random order under random interleavings (fake executor)', async () => {
  await fc.assert(fc.asyncProperty(dag, fc.array(operation, { maxLength: 25 }), runScenario), { numRuns: 500 });
});

test('the transition table in core matches the state machine documented in docs/hooks.md', () => {
  const doc = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'hooks.md'), 'utf8');
  const section = doc.slice(doc.indexOf('Every transition a process can make'));
  const rows = [...section.matchAll(/^\| `(\w+)` \| ((?:`\w+`(?:, )?)+) \|/gm)].map((m) => [m[1], [...m[2]!.matchAll(/`(\w+)`/g)].map((x) => x[1])]);
  expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(Object.entries(TRANSITIONS).map(([from, to]) => [from, [...to]])));
});
