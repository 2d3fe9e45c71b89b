import type { ReadinessContext } from '../../src/index.js';
import { LocalExecutor } from '../../src/executor/local-executor.js';
import { runProbe } from '../../src/process/run-probe.js';

let executor: LocalExecutor | undefined;

/** A readiness context for calling a strategy directly, without a pilot or a process (probes run on a local executor). */
export function directContext<Options>(options: Options, baseDirectory: string, signal: AbortSignal, spawnedAt = Date.now()): ReadinessContext<Options> {
  return {
    process: 'direct',
    options,
    baseDirectory,
    signal,
    pid: undefined,
    host: 'localhost',
    spawnedAt,
    isAlive: () => true,
    report: () => undefined,
    lines: () => [],
    onLine: () => () => undefined,
    exited: new Promise(() => undefined),
    exec: (argv, probe) =>
      runProbe((executor ??= new LocalExecutor()), 'direct', argv, { cwd: probe.cwd ?? baseDirectory, env: probe.env ?? {}, timeoutMs: probe.timeoutMs, signal: probe.signal ?? signal, executorOptions: {} }),
  };
}
