import { PilotError } from '../errors.js';
import type { Executor } from '../executor/executor.js';
import { awaitReady } from '../process/await-ready.js';
import { lastLines } from '../process/last-lines.js';
import type { LogLine } from '../process/output.js';
import { beginReadiness, readinessContext, type ReadinessHandle, type Run } from '../process/run.js';
import type { ReadinessStrategy, ReadinessSession } from '../readiness.js';

/** A process for one trial: argv (no shell) and extra environment. */
export interface TrialProcess {
  command: string;
  args?: string[];
  env?: Record<string, string>;
}

/** One readiness wait driven as the engine drives it, with a real process. */
export interface TrialPlan {
  strategy: ReadinessStrategy;
  options: unknown;
  baseDirectory: string;
  process: TrialProcess;
  timeoutMs: number;
  executor: Executor;
  /** Abort the wait as a stop does, right after `ready()` was called. */
  abortOnceWaiting?: boolean;
}

/** What happened, as the checks judge it. */
export interface TrialOutcome {
  /** 'ready', or the error the wait (or the spawn) failed with. */
  result: 'ready' | unknown;
  /** How often the strategy's `dispose()` ran (counted for `begin` strategies only). */
  disposals: number;
  readyCalls: number;
  /** Settles once the strategy's own `ready()` (or `wait()`) promise has settled. */
  readySettled: Promise<void>;
  spawned: boolean;
}

const STOP = { signal: 'SIGTERM' as const, timeoutMs: 2_000, killMode: 'control-group' as const };
/** Lines kept per trial (a trial is short; this bounds a chatty process). */
const MAX_LINES = 1_000;
const SPAWN_FAILED = new PilotError('PILOT_STOPPED', 'readiness trial: the spawn failed');

/** Wraps the strategy so the trial sees each `ready()` / `wait()` and `dispose()` call. */
class Spy {
  disposals = 0;
  readyCalls = 0;
  private settled: Promise<unknown> | undefined;
  onReadyCalled: (() => void) | undefined;

  constructor(readonly strategy: ReadinessStrategy) {}

  readySettled(): Promise<void> {
    return Promise.resolve(this.settled).then(
      () => undefined,
      () => undefined,
    );
  }

  wrapped(): ReadinessStrategy {
    const { strategy } = this;
    // An old-shape strategy reaches beginReadiness as it is, so the trial reports its error.
    if ('prepare' in strategy) return strategy;
    if (typeof strategy.wait === 'function') {
      const wait = strategy.wait.bind(strategy);
      return { name: strategy.name, acceptsExit: strategy.acceptsExit, wait: (context) => this.track(() => wait(context)) };
    }
    return {
      name: strategy.name,
      acceptsExit: strategy.acceptsExit,
      ...(typeof strategy.begin === 'function' ? { begin: async (context) => this.spySession(await strategy.begin!(context)) } : strategy),
    } as ReadinessStrategy;
  }

  private spySession(session: ReadinessSession): ReadinessSession {
    return {
      env: session.env,
      ready: () => this.track(() => session.ready()),
      dispose: () => {
        this.disposals += 1;
        return session.dispose();
      },
    };
  }

  private track(call: () => Promise<void>): Promise<void> {
    this.readyCalls += 1;
    const promise = Promise.resolve().then(call);
    this.settled = promise;
    this.onReadyCalled?.();
    return promise;
  }
}

/** Begin, spawn, wait and stop once, exactly as SupervisedProcess does, and report what happened. */
export async function runTrial(plan: TrialPlan): Promise<TrialOutcome> {
  const spy = new Spy(plan.strategy);
  const strategy = spy.wrapped();
  const controller = new AbortController();
  const holder: { run?: Run } = {};
  const source = { process: 'conformance', binding: { strategy, options: plan.options, baseDirectory: plan.baseDirectory }, fallbackDirectory: plan.baseDirectory };
  const context = readinessContext({ ...source, spawnedAt: Date.now(), controller, holder, executor: plan.executor, executorOptions: {} });
  const outcome = (result: unknown, spawned: boolean): TrialOutcome => ({ result, disposals: spy.disposals, readyCalls: spy.readyCalls, readySettled: spy.readySettled(), spawned });
  let readiness: ReadinessHandle;
  try {
    readiness = await beginReadiness('conformance', strategy, context, controller);
  } catch (error) {
    return outcome(error, false);
  }
  const run = await spawnRun(plan, readiness, controller);
  if (run instanceof Error) {
    await readiness.end(SPAWN_FAILED).catch(() => undefined);
    return outcome(run, false);
  }
  holder.run = run;
  if (plan.abortOnceWaiting) spy.onReadyCalled = () => setImmediate(() => controller.abort(new PilotError('PILOT_STOPPED', 'process "conformance" was stopped while starting')));
  let result: unknown = 'ready';
  try {
    await awaitReady({ process: 'conformance', strategy, readiness, controller, timeoutMs: plan.timeoutMs, exited: run.handle.exited, outputDone: run.handle.outputDone, lastLines: () => lastLines(run.lines), lastReport: () => run.report });
  } catch (error) {
    result = error;
  }
  await (run.alive ? run.handle.stop(STOP) : run.handle.reap(STOP));
  return outcome(result, true);
}

async function spawnRun(plan: TrialPlan, readiness: ReadinessHandle, controller: AbortController): Promise<Run | Error> {
  const run: Run = { alive: true, stopRequested: false, lines: [], listeners: new Set(), controller, report: undefined, handle: undefined as never };
  const onLine = (line: LogLine) => {
    if (run.lines.length < MAX_LINES) run.lines.push(line);
    for (const listener of run.listeners) listener(line);
  };
  const { command, args = [], env = {} } = plan.process;
  const request = { command, args, cwd: plan.baseDirectory, env: { ...(process.env as Record<string, string>), ...env, ...readiness.env }, shell: false, affinity: undefined };
  try {
    run.handle = await plan.executor.spawn('conformance', request, onLine);
  } catch (error) {
    return error as Error;
  }
  void run.handle.exited.then(() => (run.alive = false));
  return run;
}
