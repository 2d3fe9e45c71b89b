import { PilotError } from '../errors.js';
import type { ReadinessContext, ReadinessPreparation, ReadinessStrategy } from '../readiness.js';
import type { LogLine } from './output.js';
import type { ExecutorRun } from '../executor/executor.js';

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
}

/** The context a strategy's `prepare` and `wait` of one spawn share (the very same object). */
export function readinessContext(source: ContextSource): ReadinessContext {
  const { holder } = source;
  return {
    process: source.process,
    options: (source.binding?.options ?? {}) as Record<string, unknown>,
    baseDirectory: source.binding?.baseDirectory ?? source.fallbackDirectory,
    signal: source.controller.signal,
    get pid() {
      return holder.run?.handle?.pid;
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
  };
}

/** Run the strategy's `prepare`, turning its failure into an error that names process and strategy. */
export async function prepareReadiness(process: string, strategy: ReadinessStrategy | undefined, context: ReadinessContext): Promise<ReadinessPreparation | void> {
  if (!strategy?.prepare) return undefined;
  try {
    return await strategy.prepare(context);
  } catch (error) {
    if (error instanceof PilotError) throw error;
    throw new PilotError('PILOT_READINESS_FAILED', `process "${process}": ready_strategy "${strategy.name}" could not prepare: ${(error as Error)?.message ?? String(error)}`, {
      cause: error,
      process,
    });
  }
}
