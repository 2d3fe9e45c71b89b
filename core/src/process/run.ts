import { PilotError } from '../errors.js';
import type { ReadinessContext, ReadinessSession, ReadinessStrategy } from '../readiness.js';
import type { LogLine } from './output.js';
import type { Executor, ExecutorRun } from '../executor/executor.js';
import { runProbe } from './run-probe.js';

/** One spawn of the process. */
export interface Run {
  /** The executor's handle of this spawn. */
  handle: ExecutorRun;
  /** The readiness strategy's latest `report()`. */
  report: string | undefined;
  alive: boolean;
  stopRequested: boolean;
  lines: LogLine[];
  listeners: Set<(line: LogLine) => void>;
  controller: AbortController;
}

/** The readiness strategy of a process with its validated options. */
export interface ReadinessBinding {
  strategy: ReadinessStrategy;
  options: unknown;
  baseDirectory: string;
}

/** What {@link readinessContext} needs; `holder.run` is filled in once the spawn succeeded. */
export interface ContextSource {
  process: string;
  binding: ReadinessBinding | undefined;
  fallbackDirectory: string;
  spawnedAt: number;
  controller: AbortController;
  holder: { run?: Run };
  /** Where the process runs: probes run there too. */
  executor: Executor;
  executorOptions: unknown;
}

/**
 * Where `executor` will run a process, before it does: its `host` if it declares one; `localhost`
 * for the local executor. (An optional `host` on the Executor interface would make this exact.)
 */
export function plannedHost(executor: Executor): string | undefined {
  const declared = (executor as { host?: unknown }).host;
  if (typeof declared === 'string') return declared;
  return executor.name === 'local' ? 'localhost' : undefined;
}

/** The one context of one spawn: `begin` gets it before the spawn, and it fills in as the spawn happens. */
export function readinessContext(source: ContextSource): ReadinessContext {
  const { holder } = source;
  const baseDirectory = source.binding?.baseDirectory ?? source.fallbackDirectory;
  const host = plannedHost(source.executor);
  return {
    process: source.process,
    options: (source.binding?.options ?? {}) as Record<string, unknown>,
    baseDirectory,
    signal: source.controller.signal,
    get pid() {
      return holder.run?.handle?.pid;
    },
    get host() {
      return holder.run?.handle?.host ?? host;
    },
    spawnedAt: source.spawnedAt,
    isAlive: () => holder.run?.alive ?? false,
    report: (detail) => {
      if (holder.run) holder.run.report = detail;
    },
    lines: () => holder.run?.lines ?? [],
    onLine: (listener) => {
      holder.run?.listeners.add(listener);
      return () => holder.run?.listeners.delete(listener);
    },
    get exited() {
      return holder.run?.handle?.exited ?? new Promise<never>(() => undefined);
    },
    exec: (argv, options) =>
      runProbe(source.executor, source.process, argv, {
        cwd: options.cwd ?? baseDirectory,
        env: options.env ?? {},
        timeoutMs: options.timeoutMs,
        signal: options.signal ?? source.controller.signal,
        executorOptions: source.executorOptions,
      }),
  };
}

/**
 * A started readiness wait as core drives it: `ready()` after the spawn, `end()` exactly once
 * (aborts the context's signal, then disposes the strategy's session).
 */
export interface ReadinessHandle {
  readonly env: Record<string, string>;
  ready(): Promise<void>;
  /** Abort the signal (with `reason`, unless already aborted) and dispose the session; only the first call does anything. */
  end(reason: unknown): Promise<void>;
}

/**
 * Run the strategy's `begin` (or adapt its `wait` shorthand), turning a failure into an error
 * that names process and strategy.
 */
export async function beginReadiness(process: string, strategy: ReadinessStrategy, context: ReadinessContext, controller: AbortController): Promise<ReadinessHandle> {
  const session = await openSession(process, strategy, context);
  let ending: Promise<void> | undefined;
  return {
    env: { ...session.env },
    ready: () => session.ready(),
    end(reason) {
      if (!controller.signal.aborted) controller.abort(reason);
      ending ??= Promise.resolve().then(() => session.dispose());
      return ending;
    },
  };
}

async function openSession(process: string, strategy: ReadinessStrategy, context: ReadinessContext): Promise<ReadinessSession> {
  // A strategy written for 0.0.x (prepare + wait sharing a WeakMap) would lose its prepare silently.
  if (typeof (strategy as { prepare?: unknown }).prepare === 'function' || (typeof strategy.begin !== 'function' && typeof strategy.wait !== 'function')) {
    throw new PilotError(
      'PILOT_PLUGIN_INVALID',
      `readiness strategy "${strategy.name}" must have begin(context) returning { env?, ready, dispose }, or only wait(context); prepare() was removed: move its work into begin (docs/writing-a-plugin.md)`,
      { process },
    );
  }
  if (typeof strategy.wait === 'function') {
    const wait = strategy.wait.bind(strategy);
    return { ready: () => wait(context), dispose: () => undefined };
  }
  try {
    return await strategy.begin!(context);
  } catch (error) {
    if (error instanceof PilotError) throw error;
    throw new PilotError('PILOT_READINESS_FAILED', `process "${process}": ready_strategy "${strategy.name}" could not begin: ${(error as Error)?.message ?? String(error)}`, { cause: error, process });
  }
}
