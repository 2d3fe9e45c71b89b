import type { ReadinessContext } from '../../src/index.js';

/** A readiness context for calling a strategy directly, without a pilot or a process. */
export function directContext<Options>(options: Options, baseDirectory: string, signal: AbortSignal, spawnedAt = Date.now()): ReadinessContext<Options> {
  return {
    process: 'direct',
    options,
    baseDirectory,
    signal,
    pid: undefined,
    spawnedAt,
    isAlive: () => true,
    report: () => undefined,
    lines: () => [],
    onLine: () => () => undefined,
    exited: new Promise(() => undefined),
  };
}
