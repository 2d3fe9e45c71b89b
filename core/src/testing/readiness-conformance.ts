import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPilotError } from '../errors.js';
import type { Executor } from '../executor/executor.js';
import { LocalExecutor } from '../executor/local-executor.js';
import type { PilotPlugin } from '../plugins/define-plugin.js';
import type { ReadinessStrategy } from '../readiness.js';
import { strategyOf } from './plugin-strategies.js';
import { runTrial, type TrialOutcome, type TrialProcess } from './readiness-trial.js';
import { markedProcesses, settlesBackTo, stableCensus } from './resource-census.js';

/** A process of a check: argv (no shell) and extra environment. */
export type ConformanceProcess = TrialProcess;

/** Where one check runs: a fresh temporary directory and a TCP port that was free a moment ago. */
export interface ConformancePlace {
  directory: string;
  port: number;
}

/** What a check knows when it asks for a process: its place and the validated options. */
export interface ConformanceWorld<Options> extends ConformancePlace {
  options: Options;
}

/** How a strategy is exercised: the options to use and processes that do or do not become ready. */
export interface ReadinessConformanceSetup<Options = any> {
  /** `ready_params` for one check (validated with the strategy's schema, defaults applied). */
  makeOptions(place: ConformancePlace): unknown;
  /** A process that becomes ready under `options` and then stays alive (`acceptsExit`: exits 0). */
  makeReadyProcess(world: ConformanceWorld<Options>): ConformanceProcess;
  /** A process that stays alive and never becomes ready. @default `sleep 600` */
  makeIdleProcess?(world: ConformanceWorld<Options>): ConformanceProcess;
  /**
   * Leave, before `begin`, the evidence a ready process would leave (a file, a FIFO with `ready`
   * in it, a server on the port); returns its cleanup. Without it that check is skipped: say why
   * in `staleEvidenceImpossible` (a strategy whose evidence cannot predate the spawn).
   */
  makeStaleEvidence?(world: ConformanceWorld<Options>): Promise<() => unknown> | (() => unknown);
  /** Why evidence from before the spawn cannot exist for this strategy (shown as the skip reason). */
  staleEvidenceImpossible?: string;
  /** The strategy's name, when the plugin given registers several. */
  strategy?: string;
  /** `ready_timeout` of the checks that expect no readiness. @default 600 */
  shortTimeoutMs?: number;
  /** Where the processes run. @default a LocalExecutor with process groups (the checks are about the strategy, not containment) */
  executor?: Executor;
}

/** One named check; `run` rejects (an AssertionError) when the strategy breaks the contract. */
export interface ConformanceCheck {
  name: string;
  /** Set when the check does not apply; `run` then does nothing. */
  skip?: string;
  run(): Promise<void>;
}

const READY_TIMEOUT_MS = 20_000;
const MARKER = 'PILOT_CONFORMANCE_MARKER';
const IDLE: TrialProcess = { command: '/bin/sh', args: ['-c', 'exec sleep 600'] };
const EXITS_EARLY: TrialProcess = { command: '/bin/sh', args: ['-c', 'echo "conformance: failing on purpose" >&2; exit 3'] };

/**
 * The readiness contract as checks with real processes, for every readiness strategy (first-party
 * plugins run it; so can yours): ready when the process is; the timeout honoured; an exit before
 * ready fails at once; a stop aborts the wait; `dispose()` exactly once in each case, a failed
 * spawn included; no fd, socket, timer or watcher left afterwards; evidence from before the spawn
 * never counts. Framework-free: each check is an async function that throws. See
 * {@link describeReadinessConformance} for a test runner.
 */
export function readinessConformance<Options>(subject: ReadinessStrategy<Options> | PilotPlugin, setup: ReadinessConformanceSetup<Options>): ConformanceCheck[] {
  const strategy = strategyOf(subject, setup.strategy);
  // Process groups by default: the checks are about the strategy, and a cgroup migration per
  // spawn can take seconds on a machine busy forking (the kernel's latency, not the strategy's).
  const executor = setup.executor ?? new LocalExecutor({ kind: 'groups', why: 'the readiness conformance suite' });
  const short = setup.shortTimeoutMs ?? 600;
  const idle = (world: ConformanceWorld<Options>) => withMarker(setup.makeIdleProcess?.(world) ?? IDLE, world);
  const trial = (world: ConformanceWorld<Options>, process: TrialProcess, timeoutMs: number, abortOnceWaiting = false) =>
    runTrial({ strategy, options: world.options, baseDirectory: world.directory, process, timeoutMs, executor, abortOnceWaiting });
  const check = (name: string, body: (world: ConformanceWorld<Options>) => Promise<void>, skip?: string): ConformanceCheck => ({
    name,
    skip,
    run: () => (skip ? Promise.resolve() : inPlace(strategy, setup, executor, body)),
  });
  const stale = setup.makeStaleEvidence;
  return [
    check('becomes ready when its process does', async (world) => {
      const outcome = await trial(world, withMarker(setup.makeReadyProcess(world), world), READY_TIMEOUT_MS);
      assert.equal(outcome.result, 'ready', `expected ready, got ${describeResult(outcome.result)}`);
      await endedOnce(strategy, outcome);
    }),
    check('honours the timeout: the wait is aborted and disposed', async (world) => {
      const outcome = await trial(world, idle(world), short);
      expectCode(outcome, 'PILOT_READINESS_TIMEOUT');
      await endedOnce(strategy, outcome);
    }),
    check(strategy.acceptsExit ? 'fails at once when the process exits non-zero' : 'fails at once when the process exits before it is ready', async (world) => {
      const outcome = await trial(world, withMarker(EXITS_EARLY, world), READY_TIMEOUT_MS);
      assert.ok(isPilotError(outcome.result) && outcome.result.code !== 'PILOT_READINESS_TIMEOUT', `expected an early failure, got ${describeResult(outcome.result)}`);
      if (!strategy.acceptsExit) expectCode(outcome, 'PILOT_EXITED_BEFORE_READY');
      await endedOnce(strategy, outcome);
    }),
    check('a stop aborts the wait and releases everything', async (world) => {
      const outcome = await trial(world, idle(world), READY_TIMEOUT_MS, true);
      expectCode(outcome, 'PILOT_STOPPED');
      await endedOnce(strategy, outcome);
    }),
    check('a failed spawn still disposes the session, and ready() is never called', async (world) => {
      const outcome = await trial(world, { command: join(world.directory, 'no-such-executable') }, READY_TIMEOUT_MS);
      assert.equal(outcome.spawned, false, 'the spawn was expected to fail');
      assert.equal(outcome.readyCalls, 0, 'ready() must not be called when the spawn failed');
      if (typeof strategy.begin === 'function') assert.equal(outcome.disposals, 1, `dispose() ran ${outcome.disposals} times, expected once`);
    }),
    check(
      'evidence from before the spawn does not count',
      async (world) => {
        const cleanup = await stale!(world);
        try {
          const outcome = await trial(world, idle(world), short);
          expectCode(outcome, 'PILOT_READINESS_TIMEOUT');
          await endedOnce(strategy, outcome);
        } finally {
          await cleanup();
        }
      },
      stale ? undefined : `no makeStaleEvidence: ${setup.staleEvidenceImpossible ?? 'not given'}`,
    ),
  ];
}

/**
 * Register {@link readinessConformance}'s checks with a test runner: Jest, Vitest or `node:test`
 * (`describe`/`test` from the caller, so core depends on none of them). Skipped checks are
 * registered with `test.skip` when the runner has it, else not at all.
 *
 * @example
 * ```ts
 * import { describe, test } from '@jest/globals';
 * import { describeReadinessConformance } from '@pilot/core/testing';
 * describeReadinessConformance(flagStrategy, {
 *   makeOptions: ({ directory }) => ({ path: join(directory, 'up') }),
 *   makeReadyProcess: ({ options }) => ({ command: '/bin/sh', args: ['-c', `touch ${options.path}; exec sleep 600`] }),
 *   makeStaleEvidence: ({ options }) => (writeFileSync(options.path, ''), () => undefined),
 * }, { describe, test });
 * ```
 */
export function describeReadinessConformance<Options>(
  subject: ReadinessStrategy<Options> | PilotPlugin,
  setup: ReadinessConformanceSetup<Options>,
  runner: { describe?: (name: string, body: () => void) => void; test: ((name: string, body: () => Promise<void>, timeoutMs?: number) => void) & { skip?: (name: string, body: () => Promise<void>) => void } },
): void {
  const checks = readinessConformance(subject, setup);
  const register = () => {
    for (const check of checks) {
      if (!check.skip) runner.test(check.name, () => check.run(), READY_TIMEOUT_MS + 10_000);
      else runner.test.skip?.(`${check.name} (${check.skip})`, () => check.run());
    }
  };
  const name = strategyOf(subject, setup.strategy).name;
  if (runner.describe) runner.describe(`readiness conformance: ${name}`, register);
  else register();
}

/** Run `body` in a fresh place; afterwards nothing it started may be alive and nothing it opened held. */
async function inPlace<Options>(strategy: ReadinessStrategy, setup: ReadinessConformanceSetup<Options>, executor: Executor, body: (world: ConformanceWorld<Options>) => Promise<void>): Promise<void> {
  await warmUp(executor);
  const directory = mkdtempSync(join(tmpdir(), 'pilot-conformance-'));
  const marker = randomUUID();
  try {
    const place = { directory, port: await freePort() };
    const world = { ...place, options: validated(strategy, await setup.makeOptions(place)), marker } as ConformanceWorld<Options>;
    const before = await stableCensus();
    await body(world);
    await settlesBackTo(before, `ready_strategy "${strategy.name}"`);
    assert.deepEqual(markedProcesses(MARKER, marker), [], 'a process of this check is still alive after the wait ended');
  } finally {
    for (const pid of markedProcesses(MARKER, marker)) process.kill(pid, 'SIGKILL');
    rmSync(directory, { recursive: true, force: true });
  }
}

/** The ready, timeout, exit and stop checks: the strategy's ready() settled and dispose() ran once. */
async function endedOnce(strategy: ReadinessStrategy, outcome: TrialOutcome): Promise<void> {
  assert.equal(outcome.readyCalls, 1, `ready() was called ${outcome.readyCalls} times`);
  await Promise.race([outcome.readySettled, new Promise((_, reject) => setTimeout(() => reject(new Error('ready() never settled after its signal aborted')), 2_000).unref())]);
  if (typeof strategy.begin === 'function') assert.equal(outcome.disposals, 1, `dispose() ran ${outcome.disposals} times, expected once`);
}

function expectCode(outcome: TrialOutcome, code: string): void {
  assert.ok(isPilotError(outcome.result) && outcome.result.code === code, `expected ${code}, got ${describeResult(outcome.result)}`);
}

function describeResult(result: unknown): string {
  if (result === 'ready') return 'ready';
  return isPilotError(result) ? `${result.code}: ${result.message}` : String((result as Error)?.stack ?? result);
}

function withMarker(process: TrialProcess, world: object): TrialProcess {
  return { ...process, env: { ...process.env, [MARKER]: (world as { marker: string }).marker } };
}

function validated(strategy: ReadinessStrategy, raw: unknown): unknown {
  if (!strategy.options) return raw;
  const parsed = strategy.options.safeParse(raw);
  if (!parsed.success) throw new Error(`makeOptions gave ready_params that ready_strategy "${strategy.name}" rejects: ${parsed.error.message}`);
  return parsed.data;
}

/** A port nothing listens on at the moment (the kernel's pick). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const warmed = new WeakMap<Executor, Promise<void>>();

/** One spawn before the first census: the lifeline helper and the pipe pool are the pilot's, not the strategy's. */
function warmUp(executor: Executor): Promise<void> {
  let done = warmed.get(executor);
  if (!done) {
    done = executor.spawn('conformance-warm-up', { command: '/bin/sh', args: ['-c', 'exit 0'], cwd: tmpdir(), env: { PATH: process.env.PATH ?? '' }, shell: false, affinity: undefined }, () => undefined).then(async (run) => {
      await run.exited;
      await run.reap({ signal: 'SIGKILL', timeoutMs: 0, killMode: 'control-group' });
    });
    warmed.set(executor, done);
  }
  return done;
}
