/**
 * The states of a supervised process.
 * - `stopped`: not running, not scheduled (initial state, and after a requested stop)
 * - `starting`: spawned, waiting for readiness
 * - `running`: spawned and ready
 * - `stopping`: a stop is in progress
 * - `restarting`: exited, waiting for its backoff delay before the next spawn
 * - `exited`: exited and not restarted by policy (`do_not_restart`, `shutdown_everything`, one-shot)
 * - `failed`: gave up: `max_restarts` reached, or readiness failed
 */
export type ProcessState = 'stopped' | 'starting' | 'running' | 'stopping' | 'restarting' | 'exited' | 'failed';

/** How a process ended. */
export interface ExitInfo {
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  /** The signal that killed it, or null. */
  signal: NodeJS.Signals | null;
}

/**
 * Which process, everywhere (info, hooks, stats, control API, metrics): its manifest name and
 * its replica index. One replica per entry today (index 0); replicas will not change signatures.
 */
export interface ProcessRef {
  readonly name: string;
  readonly replica: number;
}

/** The last exit of a process, kept across restarts (`pilot status` shows it). */
export interface LastExit extends ExitInfo {
  /** `Date.now()` when it exited. */
  time: number;
}

/** A snapshot of one supervised process (process_pilot's `ProcessStatus`). */
export interface ProcessInfo {
  name: string;
  /** Name and replica index. */
  ref: ProcessRef;
  /** Pid of the live process, undefined when none is alive. */
  pid: number | undefined;
  status: ProcessState;
  /** Exit code of the last run, null while running or after a signal. */
  returnCode: number | null;
  /** Signal that ended the last run, if any. */
  signal: NodeJS.Signals | null;
  /** How many times it was restarted (by policy or by request). */
  restarts: number;
  /** `Date.now()` of the last spawn. */
  startedAt: number | undefined;
  /** `Date.now()` when it last became ready. */
  readyAt: number | undefined;
  /** Why it failed, when `status` is `failed`. */
  reason: string | undefined;
  /** How and when it last exited (kept across restarts); undefined until its first exit. */
  lastExit: LastExit | undefined;
}

/** States in which a live process (or a pending spawn) exists. */
export const ACTIVE_STATES: ReadonlySet<ProcessState> = new Set(['starting', 'running', 'stopping', 'restarting']);
