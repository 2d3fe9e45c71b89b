import fc from 'fast-check';
import { definePlugin, ProcessManifest, type Manifest, type ProcessPilot, type ReadinessStrategy } from '../../src/index.js';
import { isTransition } from '../../src/testing/index.js';

/** Ready after `turns` turns of the event loop: readiness that takes time, deterministically. */
const turnsStrategy: ReadinessStrategy = {
  name: 'turns',
  wait: async (context) => {
    const turns = Number((context.options as { turns?: number }).turns ?? 1);
    for (let i = 0; i < turns && !context.signal.aborted; i += 1) await new Promise((resolve) => setImmediate(resolve));
    if (context.signal.aborted) throw context.signal.reason;
  },
};
/** The plugin that registers the `turns` strategy. */
export const turnsPlugin = definePlugin({ name: 'test-turns', apply: (context) => context.readiness.register(turnsStrategy) });

/** One step of a scenario. */
export type Operation =
  | { op: 'start' | 'stop' }
  | { op: 'startProcess' | 'stopProcess' | 'restart' | 'crash'; target: number }
  | { op: 'exit'; target: number; code: number }
  | { op: 'wait'; turns: number };

/** Random operations, the ones on a process naming it by index. */
export const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.constantFrom<Operation>({ op: 'start' }, { op: 'stop' }),
  fc.record({ op: fc.constantFrom('startProcess', 'stopProcess', 'restart', 'crash'), target: fc.nat(7) }) as fc.Arbitrary<Operation>,
  fc.record({ op: fc.constant('exit'), target: fc.nat(7), code: fc.constantFrom(0, 1, 3) }) as fc.Arbitrary<Operation>,
  fc.record({ op: fc.constant('wait'), turns: fc.integer({ min: 1, max: 6 }) }) as fc.Arbitrary<Operation>,
);

/** A DAG and how to list it: node i depends on some nodes < i; `order` lists them shuffled. */
export interface Dag {
  dependencies: number[][];
  order: number[];
  readyTurns: number[];
}

/** Random DAGs of 1 to `max` nodes, written in a random order. */
export function dag(max: number): fc.Arbitrary<Dag> {
  return fc.integer({ min: 1, max }).chain((size) =>
    fc.record({
      dependencies: fc.tuple(...Array.from({ length: size }, (_, i) => fc.subarray(Array.from({ length: i }, (_, j) => j)))),
      order: fc.shuffledSubarray(Array.from({ length: size }, (_, i) => i), { minLength: size, maxLength: size }),
      readyTurns: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: size, maxLength: size }),
    }),
  );
}

/** The manifest of `graph`: process `p<i>` runs `path`, listed in the graph's random order. */
export function manifestOf(graph: Dag, path: string, env: Record<string, string> = {}): Manifest {
  return ProcessManifest.fromObject({
    kill_timeout: 5,
    processes: graph.order.map((i) => ({
      name: `p${i}`,
      path,
      env: { ...env, PILOT_TEST_PROCESS: `p${i}` },
      dependencies: graph.dependencies[i]!.map((d) => `p${d}`),
      ready_strategy: 'turns',
      ready_params: { turns: graph.readyTurns[i] },
      max_restarts: 3,
      restart_backoff: { initial_delay: 0, reset_after: 1000 },
    })),
  });
}

/**
 * Record every violation of the invariants while `pilot` runs: a transition the state machine
 * does not have; a fresh start (not a restart) while a dependency is not running; a second live
 * instance of a process (`liveInstances` counts them at each spawn).
 */
export function watchInvariants(pilot: ProcessPilot, graph: Dag, liveInstances: (name: string) => number): string[] {
  const violations: string[] = [];
  const status = (name: string) => pilot.getRunningProcess(name)!.status;
  pilot.hooks.stateChange.tap('invariants', (info, from, to) => {
    if (!isTransition(from, to)) violations.push(`${info.name}: ${from} -> ${to} is not in the state machine`);
    if (to === 'starting' && from !== 'restarting') {
      for (const d of graph.dependencies[Number(info.name.slice(1))]!) {
        if (status(`p${d}`) !== 'running') violations.push(`${info.name} started while its dependency p${d} was ${status(`p${d}`)}`);
      }
    }
  });
  pilot.hooks.spawn.tap('invariants', (info) => {
    const live = liveInstances(info.name);
    if (live > 1) violations.push(`${info.name} has ${live} live instances`);
  });
  return violations;
}

/** How a scenario makes a process crash (SIGKILL) or exit with a code. */
export interface Faults {
  crash(name: string): void;
  exit(name: string, code: number): void;
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Fire `operations` without awaiting them (they interleave), then stop and settle everything. */
export async function play(pilot: ProcessPilot, graph: Dag, operations: readonly Operation[], faults: Faults): Promise<void> {
  const pending: Promise<unknown>[] = [];
  const fire = (work: () => Promise<unknown>) => pending.push((async () => work())().catch(() => undefined));
  for (const step of operations) {
    const name = 'target' in step ? `p${step.target % graph.order.length}` : '';
    switch (step.op) {
      case 'start': fire(() => pilot.start()); break;
      case 'stop': fire(() => pilot.stop()); break;
      case 'startProcess': fire(() => pilot.startProcess(name)); break;
      case 'stopProcess': fire(() => pilot.stopProcess(name)); break;
      case 'restart': fire(() => pilot.restartProcesses(name)); break;
      case 'crash': faults.crash(name); break;
      case 'exit': faults.exit(name, step.code); break;
      case 'wait': for (let i = 0; i < step.turns; i += 1) await turn(); break;
    }
  }
  await pilot.stop();
  await Promise.all(pending);
  await pilot.stop();
}

/** Processes left in a state where something of them exists or is scheduled. */
export function activeProcesses(pilot: ProcessPilot): string[] {
  const active = new Set(['starting', 'running', 'stopping', 'restarting']);
  return pilot.getRunningProcess().filter((info) => active.has(info.status)).map((info) => `${info.name}: ${info.status}`);
}
